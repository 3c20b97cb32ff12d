"""Take the README's picture of the balance sheet (docs/img/balance_sheet.png) from a built demo.

    uv run yecai demo generate && uv run yecai run          # a built demo, then:
    uv run python scripts/capture_balance_sheet_screenshot.py [--home DIR] [--entity GROUP] [--period 2025-12]

Writes the statements workbook the way `yecai report statements` does, renders its 资产负债表
sheet as HTML cell for cell (orchestration/finance_reports/statement_html.py: the same merged
cells, widths, bold totals and number formats as the XLSX) and photographs it in headless
Chromium (/usr/bin/chromium, Debian's package).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

SCREENSHOT = REPO / "docs" / "img" / "balance_sheet.png"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]


def latest_period(con, entity: str) -> str:
    row = con.execute(
        "select max(period) from finance.balance_sheet where entity_code = ?", [entity]
    ).fetchone()
    if not row or not row[0]:
        raise SystemExit(f"no balance sheet for {entity}: run `yecai run` first")
    return row[0]


def photograph(page_html: Path, out: Path) -> None:
    """The rendered page, cropped to the statement."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900}, device_scale_factor=1)
        page.goto(page_html.as_uri())
        page.wait_for_timeout(300)
        out.parent.mkdir(parents=True, exist_ok=True)
        page.locator("table.statement").screenshot(path=str(out))
        browser.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, default=None, help="installation (YECAI_HOME)")
    parser.add_argument("--entity", default="GROUP", help="legal entity or GROUP")
    parser.add_argument("--period", default=None, help="YYYY-MM (default: the latest)")
    parser.add_argument("--warehouse", default="published", choices=["published", "build"])
    parser.add_argument("--out", type=Path, default=SCREENSHOT)
    args = parser.parse_args()
    if args.home is not None:
        os.environ["YECAI_HOME"] = str(args.home.resolve())

    from orchestration.finance_reports.statement_html import workbook_sheet_html
    from orchestration.finance_reports.statement_layout import BALANCE_SHEET
    from orchestration.finance_reports.statements_export import export_statements
    from orchestration.finance_reports.warehouse import Warehouse, connect_read_only

    con = connect_read_only(Warehouse(args.warehouse))
    try:
        period = args.period or latest_period(con, args.entity)
        with tempfile.TemporaryDirectory() as scratch:
            result = export_statements(con, args.entity, period, Path(scratch))
            page = Path(scratch) / "balance_sheet.html"
            page.write_text(workbook_sheet_html(result.xlsx, BALANCE_SHEET.title_zh), "utf-8")
            photograph(page, args.out)
    finally:
        con.close()
    print(f"wrote {args.out} ({args.entity} {period})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
