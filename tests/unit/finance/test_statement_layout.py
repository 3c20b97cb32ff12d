"""Statement layout: ordering, numbering, bold totals, Decimal amounts, user errors."""

from __future__ import annotations

from decimal import Decimal

import pytest

from orchestration.finance_reports.statement_layout import (
    BALANCE_SHEET,
    INCOME_STATEMENT,
    layout_statement,
    parse_period,
    report_file_stem,
)
from yecai.errors import YecaiError

pytestmark = pytest.mark.unit


def _row(code: str, order: int, amount: str, total: bool = False, name: str | None = None) -> dict:
    return {
        "line_code": code,
        "line_name_zh": name or code,
        "line_name_en": code,
        "line_order": order,
        "is_total": total,
        "amount": Decimal(amount),
        "comparative_amount": None,
    }


def test_lines_are_printed_in_line_order_and_numbered_from_one():
    rows = [
        _row("BS17", 170, "300.00", True),
        _row("BS01", 10, "100.00"),
        _row("BS04", 40, "200.00"),
    ]
    printed = layout_statement(BALANCE_SHEET, "E01", "上海公司", "2025-03", rows)
    assert [line.line_code for line in printed.lines] == ["BS01", "BS04", "BS17"]
    assert [line.line_no for line in printed.lines] == [1, 2, 3]


def test_totals_are_marked_and_detail_lines_indented_on_the_balance_sheet():
    printed = layout_statement(
        BALANCE_SHEET,
        "E01",
        "上海公司",
        "2025-03",
        [
            _row("BS01", 10, "1.00", name="货币资金"),
            _row("BS17", 170, "1.00", True, name="资产总计"),
        ],
    )
    detail, total = printed.lines
    assert (detail.is_total, total.is_total) == (False, True)
    assert detail.label == "  货币资金"
    assert total.label == "资产总计"


def test_income_statement_names_are_not_indented():
    printed = layout_statement(
        INCOME_STATEMENT, "E01", "x", "2025-03", [_row("IS01", 10, "5.00", name="营业收入")]
    )
    assert printed.lines[0].label == "营业收入"


def test_missing_comparative_prints_as_zero_and_amounts_stay_decimal():
    printed = layout_statement(BALANCE_SHEET, "E01", "x", "2025-03", [_row("BS01", 10, "12.34")])
    line = printed.lines[0]
    assert line.comparative_amount == Decimal("0.00")
    assert isinstance(line.amount, Decimal) and line.amount == Decimal("12.34")


def test_float_amounts_are_refused():
    row = _row("BS01", 10, "1.00")
    row["amount"] = 1.0
    with pytest.raises(TypeError):
        layout_statement(BALANCE_SHEET, "E01", "x", "2025-03", [row])


def test_no_rows_is_a_user_error_naming_entity_and_period():
    with pytest.raises(YecaiError) as err:
        layout_statement(BALANCE_SHEET, "E09", "x", "2025-03", [])
    assert "E09" in err.value.what and "2025-03" in err.value.what


def test_total_looks_up_a_line_and_names_a_missing_one():
    printed = layout_statement(
        BALANCE_SHEET, "E01", "x", "2025-03", [_row("BS17", 170, "9.00", True)]
    )
    assert printed.total("BS17") == Decimal("9.00")
    with pytest.raises(YecaiError):
        printed.total("BS45")


def test_heading_rows_carry_entity_period_and_unit():
    printed = layout_statement(
        BALANCE_SHEET, "E01", "上海公司", "2025-03", [_row("BS01", 10, "1.00")]
    )
    assert printed.heading_rows == ("编制单位：上海公司", "期间：2025-03", "单位：元")
    assert printed.column_headings[2:] == ("期末余额", "上年年末余额")


@pytest.mark.parametrize("good", ["2025-01", "2024-12"])
def test_parse_period_accepts_year_month(good):
    assert parse_period(good) == good


@pytest.mark.parametrize("bad", ["2025-13", "2025-3", "202503", "", "March"])
def test_parse_period_refuses_anything_else_with_the_expected_form(bad):
    with pytest.raises(YecaiError) as err:
        parse_period(bad)
    assert "YYYY-MM" in (err.value.fix or "")


def test_report_file_stem_is_safe_for_any_entity_code():
    assert report_file_stem("E01", "2025-03") == "E01_2025-03"
    assert report_file_stem("../GROUP x", "2025-03") == "GROUP_x_2025-03"
