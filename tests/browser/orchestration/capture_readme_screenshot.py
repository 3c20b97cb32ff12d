"""Take the README's Dagster screenshot (docs/img/dagster.png) from a built demo.

    uv run yecai demo generate --scale 0.01 && uv run yecai run      # a built demo, then:
    uv run python tests/browser/orchestration/capture_readme_screenshot.py [--home DIR]

Starts `yecai ui` on the installation (default: YECAI_HOME), opens the lineage of the trial
balance in headless Chromium (/usr/bin/chromium) — raw ERP entities, the dbt models, the asset
checks, the publish step — after the runs finished, and saves the picture. Not a test (the
file name keeps pytest away): the browser test checks the UI on the small fixture project;
this shows the real project.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(REPO))

from tests.orchestration.demo_helpers import YECAI, free_port  # noqa: E402

SCREENSHOT = REPO / "docs" / "img" / "dagster.png"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
# The focal asset: its nearest neighbours span every layer — the raw ERP entity it reads, the
# models built on it (with their checks), and the published warehouse.
FOCUS = "staging/stg_erp__journal_lines"


def wait_until_up(url: str, process: subprocess.Popen, seconds: float = 240) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"yecai ui exited with {process.returncode}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url + "/server_info", timeout=2).status_code == 200:
                return
        time.sleep(1)
    raise SystemExit(f"the Dagster UI did not answer at {url} within {seconds}s")


def compose(page, images: list[bytes], width: int) -> bytes:
    """Stack screenshots into one picture (rendered by the same browser: no image library)."""
    tags = "".join(
        f'<img src="data:image/png;base64,{base64.b64encode(png).decode()}" '
        f'style="display:block;width:{width}px;border-bottom:2px solid #ddd">'
        for png in images
    )
    page.set_viewport_size({"width": width, "height": 600})
    page.set_content(f'<html><body style="margin:0;background:#fff">{tags}</body></html>')
    page.wait_for_timeout(500)
    return page.screenshot(full_page=True)


def latest_pipeline_run(home: str) -> str:
    """The id of the installation's latest finished ``yecai_pipeline`` run (the rebuild)."""
    import dagster as dg

    from orchestration.instance import get_instance
    from yecai.settings import Paths

    instance = get_instance(Paths(home=Path(home)))
    runs = instance.get_runs(
        dg.RunsFilter(job_name="yecai_pipeline", statuses=[dg.DagsterRunStatus.SUCCESS]), limit=1
    )
    if not runs:
        raise SystemExit(f"no successful yecai_pipeline run in {home}: run `yecai run` first")
    return runs[0].run_id


def capture(url: str, out: Path, focus: str, depth: int, run_id: str) -> None:
    """The lineage around ``focus`` (every layer, with check results) above a finished run."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import expect, sync_playwright

    width = 1600
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": width, "height": 760})
        page.set_default_timeout(90_000)
        page.add_locator_handler(page.get_by_role("button", name="Skip"), lambda b: b.click())
        page.goto(f"{url}/assets/{focus}?view=lineage&lineageDepth={depth}")
        expect(page.get_by_text("published").first).to_be_visible(timeout=90_000)
        # The cards fill in their latest run and check results a moment after the graph.
        expect(page.get_by_text("Passed").first).to_be_visible(timeout=120_000)
        expect(page.get_by_text("Loading...")).to_have_count(0, timeout=120_000)
        page.wait_for_timeout(3000)
        with contextlib.suppress(PlaywrightTimeout):
            page.get_by_role("button", name="Skip").click(timeout=5_000)
        lineage = page.screenshot()

        page.set_viewport_size({"width": width, "height": 1000})
        page.goto(f"{url}/runs/{run_id}")
        expect(page.get_by_text("Success").first).to_be_visible(timeout=90_000)
        page.wait_for_timeout(4000)
        # The run's header and step timeline (the event log below is not for the README).
        runs = page.screenshot(clip={"x": 0, "y": 0, "width": width, "height": 640})

        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(compose(page, [lineage, runs], width))
        browser.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, default=None, help="installation (YECAI_HOME)")
    parser.add_argument("--out", type=Path, default=SCREENSHOT)
    parser.add_argument("--focus", default=FOCUS, help="asset whose lineage is shown")
    parser.add_argument("--depth", type=int, default=1, help="lineage depth either side")
    args = parser.parse_args()
    env = dict(os.environ)
    if args.home is not None:
        env["YECAI_HOME"] = str(args.home.resolve())
    env.pop("YECAI_DBT_PROJECT_DIR", None)
    from yecai.settings import get_paths

    run_id = latest_pipeline_run(env.get("YECAI_HOME") or str(get_paths().home))
    port = free_port()
    process = subprocess.Popen(
        [str(YECAI), "ui", "--port", str(port)],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url, process)
        capture(url, args.out, args.focus, args.depth, run_id)
    finally:
        process.terminate()
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
    print(f"saved {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
