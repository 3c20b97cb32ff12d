"""The HTML rendering of a statements sheet: number formats as Excel shows them, merged cells."""

from __future__ import annotations

from decimal import Decimal

import pytest

from orchestration.finance_reports.statement_files import AMOUNT_FORMATS, NegativeStyle, write_xlsx
from orchestration.finance_reports.statement_html import format_number, workbook_sheet_html
from orchestration.finance_reports.statement_layout import BALANCE_SHEET, layout_statement
from tests.unit.finance.statement_rows import line_row
from yecai.errors import YecaiError

pytestmark = pytest.mark.unit
BRACKETS = AMOUNT_FORMATS[NegativeStyle.parentheses]
MINUS = AMOUNT_FORMATS[NegativeStyle.minus]


@pytest.mark.parametrize(
    ("value", "number_format", "shown"),
    [
        (Decimal("1234567.891"), BRACKETS, "1,234,567.89 "),
        (Decimal("-34567.8"), BRACKETS, "(34,567.80)"),
        (0, BRACKETS, "- "),
        (Decimal("-5"), MINUS, "-5.00"),
        (12, "0", "12"),
    ],
)
def test_numbers_show_the_way_their_format_says(value, number_format, shown):
    assert format_number(value, number_format) == shown


def test_the_sheet_renders_with_merged_title_and_formatted_amounts(tmp_path):
    statement = layout_statement(
        BALANCE_SHEET,
        "E01",
        "<公司>",
        "2025-06",
        [
            line_row("BS01", 10, "-1500.00", name="货币资金", panel="assets"),
            line_row(
                "BS45",
                20,
                "0.00",
                kind="total",
                name="负债和所有者权益总计",
                panel="liabilities_and_equity",
            ),
        ],
    )
    path = write_xlsx([statement], tmp_path / "s.xlsx")
    page = workbook_sheet_html(path, "资产负债表")
    assert 'colspan="8"' in page and "资产负债表" in page
    assert "(1,500.00)" in page and "编制单位：&lt;公司&gt;" in page
    with pytest.raises(YecaiError):
        workbook_sheet_html(path, "利润表")
