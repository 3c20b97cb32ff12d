"""`yecai docs` serves the data dictionary: an analyst searches for the trial balance and finds
its columns and its lineage, sees nothing that is not published, and the page stays offline.

The dictionary's column types come from the built warehouse's catalog, so the demo company
(scale 0.01) built once for the session (tests/shared/built_demo.py) is the cheapest real
project; before that build, on the home as `yecai demo generate` left it, there is nothing to
document yet.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import time

import httpx
import pytest

from tests.orchestration.demo_helpers import YECAI, free_port, yecai
from yecai.settings import REPO_ROOT

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(2400)]

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]


@pytest.fixture(scope="module")
def dictionary_url(built_demo):
    with pytest.MonkeyPatch.context() as mp:
        built_demo.use(mp, "generated")  # nothing built yet: nothing to document
        none_yet = yecai("docs", "--no-serve")
        assert none_yet.returncode == 2 and "yecai run" in none_yet.stderr
        assert "Traceback" not in none_yet.stderr
        paths = built_demo.use(mp, "built")
        port = free_port()
        server = subprocess.Popen(
            [str(YECAI), "docs", "--port", str(port)],
            cwd=REPO_ROOT,
            env=dict(os.environ),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        url = f"http://127.0.0.1:{port}/"
        try:
            deadline = time.monotonic() + 600
            while time.monotonic() < deadline and server.poll() is None:
                with contextlib.suppress(httpx.HTTPError):
                    if httpx.get(url + "catalog.json", timeout=2).status_code == 200:
                        break
                time.sleep(1)
            else:
                raise AssertionError(f"yecai docs did not serve: {server.stdout.read()[-3000:]}")
            yield url, paths
        finally:
            server.terminate()
            server.wait(timeout=30)


def _section(page, anchor: str):
    """A section of dbt's model page (its anchor is an empty marker at the section's top)."""
    return page.locator("section.section").filter(has=page.locator(f"#{anchor}"))


def test_search_reaches_the_trial_balance_columns_and_lineage(dictionary_url):
    from playwright.sync_api import expect, sync_playwright

    url, paths = dictionary_url
    assert (paths.reports / "data_dictionary" / "index.html").is_file()
    outside: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.set_default_timeout(60_000)
        page.on(
            "request",
            lambda r: outside.append(r.url) if not r.url.startswith((url, "data:")) else None,
        )
        page.goto(url)
        expect(page.get_by_text("Data dictionary").first).to_be_visible()
        search = page.get_by_placeholder("Search for models...")

        search.fill("stg_")  # staging models are not published: not in the dictionary
        expect(page.get_by_text("0 search results")).to_be_visible()

        search.fill("trial_balance")
        hit = page.locator(".search-result h4").filter(
            has_text=re.compile(r"^\s*trial_balance\s*model")
        )
        hit.click()
        expect(page).to_have_url(re.compile(r"#!/model/model\.\w+\.trial_balance$"))

        columns = _section(page, "columns")
        expect(columns.get_by_text("closing_balance", exact=True)).to_be_visible()
        expect(columns.get_by_text("DECIMAL(18,2)").first).to_be_visible()  # from the catalog
        expect(columns.get_by_text("opening_balance + debit − credit.").first).to_be_visible()
        expect(page.get_by_text("published.finance.trial_balance")).to_be_visible()

        upstream = _section(page, "depends_on")
        expect(upstream.get_by_text("gl_lines", exact=True)).to_be_visible()
        downstream = _section(page, "referenced_by")
        expect(downstream.get_by_text("statement_balances", exact=True)).to_be_visible()

        # Upstream of the ledger, past the unpublished staging models: the source systems.
        upstream.get_by_text("gl_lines", exact=True).click()
        expect(page).to_have_url(re.compile(r"#!/model/model\.\w+\.gl_lines$"))
        expect(_section(page, "depends_on").get_by_text("journal_line", exact=True)).to_be_visible()
        _section(page, "depends_on").get_by_text("journal_line", exact=True).click()
        ledger_parents = _section(page, "depends_on")
        ledger_parents.get_by_text("Nodes", exact=True).click()  # dbt lists sources as nodes
        source = ledger_parents.locator('a[href^="#!/source/"]', has_text="journal_lines").first
        expect(source).to_be_visible()
        browser.close()
    assert not outside, f"the dictionary reached outside its server: {outside}"
