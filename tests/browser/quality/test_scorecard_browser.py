"""The governance scorecard opens offline in headless Chromium and shows its content.

Runs the real suites on a warehouse with a known negative debit and an invalid
USCC, writes the scorecard (including its exceptions-by-kind section), opens it from disk with the
network blocked, and takes a screenshot into the test's temporary folder (the README's picture
comes from the real demo, never from this fixture).
"""

import pytest
import quality_fixtures as qf
from playwright.sync_api import sync_playwright

from quality.runner import run_layer
from quality.scorecard import write_scorecard
from yecai.settings import Paths

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def test_scorecard_renders_offline_with_failing_checks(tmp_path, monkeypatch):
    monkeypatch.setenv("YECAI_HOME", str(tmp_path))
    paths = Paths(home=tmp_path)
    screenshot = tmp_path / "scorecard.png"
    qf.build_good_warehouse(paths.build_db)
    run_layer(paths, "marts", run_id="run-clean", build_docs=False)
    qf.execute(
        paths.build_db,
        """
        insert into finance.gl_lines values ('V7','E2','2024-02','1002',-40.00,0,'erp2','DOC7','b2',false);
        insert into master.parties values ('P0003','91350100M000100Y44','丙公司');
        create table governance.late_and_retroactive_changes as
        select 'crm' as source_system, 'opportunities' as entity, 'OPP-7' as record_key,
               'b9' as batch_id, 'late_arriving' as kind,
               'created 2025-12-30, after its period 2025-04 had ended' as reason;
        """,
    )
    # a demo defect log, so the comparison table shows (it never feeds the found counts)
    paths.demo.mkdir(parents=True, exist_ok=True)
    (paths.demo / "ground_truth.csv").write_text(
        "kind,system,entity,key,detail\n"
        "late_arriving,crm,opportunities,OPP-7,entered late\n"
        "late_arriving,erp,sales_orders,SO1,entered late\n",
        encoding="utf-8",
    )
    run_layer(paths, "marts", run_id="run-broken")
    card = write_scorecard(paths)

    requests: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1600})
            page.on("request", lambda r: requests.append(r.url))
            page.goto(card.as_uri())
            assert page.locator("h1").inner_text().startswith("数据质量记分卡")
            failing = page.locator("#failing")
            assert failing.is_visible()
            text = failing.inner_text()
            assert "debit_not_negative" in text and '"voucher_id": "V7"' in text
            assert "uscc_check_digit" in text and "P0003" in text
            dims = page.locator("#by-dimension").inner_text()
            for dim in ("accuracy", "validity", "completeness", "uniqueness", "timeliness"):
                assert dim in dims
            assert page.locator("#trend svg polyline").count() >= 1  # two runs: a line
            assert "invalid_uscc" in page.locator("#exceptions").inner_text()
            # Exceptions by kind: the master-data exception (erp customer C9) and the failing
            # USCC check on master.parties (P0003) are two invalid_uscc findings.
            kinds = page.locator("#defect-kinds")
            assert kinds.is_visible() and "问题类型" in kinds.locator("h2").inner_text()
            uscc = kinds.locator("#kind-totals tr[data-kind='invalid_uscc']")
            assert uscc.get_attribute("data-count") == "2"
            assert kinds.locator("#kind-counts tr[data-kind='invalid_uscc']").count() == 2
            assert (
                kinds.locator("#kind-totals tr[data-kind='wrong_amount']").get_attribute(
                    "data-count"
                )
                == "0"
            )
            late = kinds.locator("#kind-totals tr[data-kind='late_arriving']")
            assert late.get_attribute("data-count") == "1"
            # beside the demo's log: 2 logged late rows, one of them in no history table
            logged = kinds.locator("#defect-log tr[data-kind='late_arriving']")
            assert logged.get_attribute("data-logged") == "2"
            assert logged.get_attribute("data-found") == "1"
            assert logged.get_attribute("data-detectable") == "1"
            assert "not late by the period rule" in logged.inner_text()
            assert page.locator("a[href='data_docs/index.html']").is_visible()
            page.screenshot(path=str(screenshot), full_page=True)
        finally:
            browser.close()
    # opened from disk, nothing else fetched: the page works offline
    assert all(u.startswith("file://") for u in requests), requests
    assert screenshot.stat().st_size > 10_000
