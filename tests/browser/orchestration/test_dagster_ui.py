"""`yecai ui` serves the Dagster UI with raw, dbt, check and publish assets and a finished run."""

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import httpx
import pytest

from tests.orchestration.demo_helpers import free_port
from yecai.settings import REPO_ROOT, get_paths

# The fixture dbt project lies in this repository and dbt writes its target/ in place: the same
# worker as the integration tests that run it (tests/conftest.py).
pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("orchestration_dbt_fixture")]

FIXTURE_DBT = REPO_ROOT / "tests" / "integration" / "orchestration" / "dbt_fixture"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def _wait_until_up(url: str, process: subprocess.Popen, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"yecai ui exited with {process.returncode}")
        try:
            if httpx.get(url + "/server_info", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(1)
    raise AssertionError(f"the Dagster UI did not answer at {url} within {seconds}s")


@pytest.fixture
def home_with_a_finished_run(tmp_path, monkeypatch):
    from demo.install import install_company

    home = tmp_path / "home"
    install_company(home)  # the raw assets are the demo company's entities (no data needed)
    monkeypatch.setenv("YECAI_HOME", str(home))
    monkeypatch.setenv("YECAI_DBT_PROJECT_DIR", str(FIXTURE_DBT))
    monkeypatch.delenv("YECAI_DAGSTER_PG_URL", raising=False)
    from orchestration.definitions import build_definitions
    from orchestration.runner import run_job

    paths = get_paths()
    defs = build_definitions(dbt_project_dir=FIXTURE_DBT, paths=paths)
    outcome = run_job(
        paths,
        "rebuild_periods",
        period_range=("2025-01", "2025-01"),
        definitions=defs,
        asset_selection=[
            dg.AssetKey(["finance", "period_revenue"]),
            dg.AssetKey(["finance", "revenue_total"]),
        ],
    )
    assert outcome.success, outcome.steps_failed
    return outcome


@pytest.fixture
def ui_url(home_with_a_finished_run):
    port = free_port()
    yecai = Path(sys.executable).parent / "yecai"
    process = subprocess.Popen(
        [str(yecai), "ui", "--port", str(port)],
        cwd=REPO_ROOT,
        env=dict(os.environ),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: dagster dev starts children
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, process, 240)
        yield url
    finally:
        process.terminate()  # yecai ui passes it on to dagster dev as an interrupt
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        # Anything of its process group still alive (a code server slow to stop) goes too.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)


def _page_text(page) -> str:
    # The UI puts zero-width spaces into long names so they can wrap.
    return page.inner_text("body").replace("\u200b", "")


def test_asset_graph_shows_every_layer_and_the_finished_run(
    ui_url, home_with_a_finished_run, tmp_path
):
    # The README's picture of the real project comes from capture_readme_screenshot.py;
    # this one (of the fixture project) only proves the page renders.
    screenshot = tmp_path / "dagster.png"
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1600, "height": 1000})
        page.set_default_timeout(90_000)
        # Dagster asks first-time visitors about a newsletter; dismiss it whenever it shows.
        page.add_locator_handler(page.get_by_role("button", name="Skip"), lambda b: b.click())

        # Lineage around a staging model: raw entity → dbt models → publish, with checks.
        page.goto(f"{ui_url}/assets/staging/stg_erp__customers?view=lineage")
        expect(page.get_by_text("Asset checks").first).to_be_visible(timeout=90_000)
        page.wait_for_timeout(2000)
        text = _page_text(page)
        for name in ("raw", "customers", "stg_erp__customers", "customer_count", "published"):
            assert name in text, name
        assert "Asset checks" in text
        # The newsletter dialog may open a few seconds after load; keep it out of the picture.
        with contextlib.suppress(PlaywrightTimeout):
            page.get_by_role("button", name="Skip").click(timeout=10_000)
        page.goto(f"{ui_url}/assets/finance/period_revenue?view=lineage&lineageScope=downstream")
        expect(page.get_by_text("revenue_total").first).to_be_visible(timeout=90_000)
        page.wait_for_timeout(2000)
        page.screenshot(path=str(screenshot))

        page.goto(f"{ui_url}/assets/finance/period_revenue?view=checks")
        expect(page.get_by_text("blocking_rules").first).to_be_visible(timeout=90_000)
        expect(page.get_by_text("warning_rules").first).to_be_visible(timeout=90_000)

        run_id = home_with_a_finished_run.run_id
        page.goto(f"{ui_url}/runs/{run_id}")
        expect(page.get_by_text("Success").first).to_be_visible(timeout=90_000)
        assert "rebuild_periods" in _page_text(page)
        browser.close()
    assert screenshot.stat().st_size > 10_000
