"""Statement layout: ordering, 行次, kinds of line, blank comparatives, Decimal amounts, the
heading block of the CAS forms, user errors."""

from __future__ import annotations

from decimal import Decimal

import pytest

from orchestration.finance_reports.statement_layout import (
    BALANCE_SHEET,
    CASH_FLOW_STATEMENT,
    INCOME_STATEMENT,
    layout_equity_statement,
    layout_statement,
    parse_period,
    period_caption,
    report_file_stem,
)
from tests.unit.finance.statement_rows import equity_rows, line_row
from yecai.errors import YecaiError

pytestmark = pytest.mark.unit


def test_lines_are_printed_in_line_order_and_headings_get_no_line_number():
    rows = [
        line_row("BS17", 170, "300.00", kind="total"),
        line_row("BS01", 20, "100.00"),
        line_row("BSH1", 10, None, kind="heading", name="流动资产："),
        line_row("BS04", 40, "200.00"),
    ]
    printed = layout_statement(BALANCE_SHEET, "E01", "上海公司", "2025-03", rows)
    assert [line.line_code for line in printed.lines] == ["BSH1", "BS01", "BS04", "BS17"]
    assert [line.line_no for line in printed.lines] == [None, 1, 2, 3]
    assert printed.lines[0].is_heading and printed.lines[0].amount is None


def test_totals_are_marked_and_detail_lines_indented_on_the_balance_sheet():
    printed = layout_statement(
        BALANCE_SHEET,
        "E01",
        "上海公司",
        "2025-03",
        [
            line_row("BS01", 10, "1.00", name="货币资金"),
            line_row("BS17", 170, "1.00", kind="total", name="资产总计"),
        ],
    )
    detail, total = printed.lines
    assert (detail.is_total, total.is_total) == (False, True)
    assert detail.label == "  货币资金"
    assert total.label == "资产总计"


def test_income_statement_names_are_not_indented():
    printed = layout_statement(
        INCOME_STATEMENT, "E01", "x", "2025-03", [line_row("IS01", 10, "5.00", name="一、营业收入")]
    )
    assert printed.lines[0].label == "一、营业收入"


def test_a_comparative_the_books_do_not_hold_stays_blank_and_amounts_stay_decimal():
    printed = layout_statement(
        BALANCE_SHEET, "E01", "x", "2025-03", [line_row("BS01", 10, "12.34")]
    )
    line = printed.lines[0]
    assert line.comparative_amount is None
    assert isinstance(line.amount, Decimal) and line.amount == Decimal("12.34")


def test_float_amounts_are_refused():
    row = line_row("BS01", 10, "1.00")
    row["amount"] = 1.0
    with pytest.raises(TypeError):
        layout_statement(BALANCE_SHEET, "E01", "x", "2025-03", [row])


def test_no_rows_is_a_user_error_naming_entity_and_period():
    with pytest.raises(YecaiError) as err:
        layout_statement(BALANCE_SHEET, "E09", "x", "2025-03", [])
    assert "E09" in err.value.what and "2025-03" in err.value.what


def test_total_looks_up_a_line_and_names_a_missing_one():
    printed = layout_statement(
        BALANCE_SHEET, "E01", "x", "2025-03", [line_row("BS17", 170, "9.00", kind="total")]
    )
    assert printed.total("BS17") == Decimal("9.00")
    with pytest.raises(YecaiError):
        printed.total("BS45")


def test_heading_rows_carry_entity_date_currency_and_unit():
    printed = layout_statement(
        BALANCE_SHEET, "E03", "Yunshan SG", "2025-02", [line_row("BS01", 10, "1.00")], "SGD"
    )
    assert printed.heading_rows == (
        "编制单位：Yunshan SG",
        "2025年2月28日",
        "币种：新加坡元　单位：元",
    )
    assert printed.column_headings[2:] == ("期末余额", "上年年末余额")


@pytest.mark.parametrize(
    ("period", "at_end", "caption"),
    [
        ("2024-02", True, "2024年2月29日"),
        ("2025-06", False, "2025年1—6月"),
        ("2025-01", False, "2025年1月"),
        ("2025-12", False, "2025年度"),
    ],
)
def test_period_caption_is_a_date_for_the_balance_sheet_and_the_months_covered_otherwise(
    period, at_end, caption
):
    assert period_caption(period, at_end) == caption


def test_cash_flow_supplement_keeps_its_panel():
    printed = layout_statement(
        CASH_FLOW_STATEMENT,
        "E01",
        "x",
        "2025-03",
        [
            line_row("CF_NET_OPERATING", 100, "5.00", kind="total"),
            line_row("CFS_NET_PROFIT", 200, "3.00", panel="supplement"),
        ],
    )
    assert [line.line_code for line in printed.panel("supplement")] == ["CFS_NET_PROFIT"]


def test_equity_statement_has_one_value_per_component_in_column_order():
    rows = [
        *equity_rows("EQ24", 240, "四、本年年末余额", {"实收资本": "10.00", "合计": "12.00"}, True),
        *equity_rows("EQ01", 10, "一、上年年末余额", {"实收资本": "10.00", "合计": "11.00"}),
    ]
    printed = layout_equity_statement("E01", "x", "2025-03", rows)
    assert printed.value_columns == ("实收资本", "合计")
    first, last = printed.lines
    assert first.line_code == "EQ01" and first.amounts == (Decimal("10.00"), Decimal("11.00"))
    assert last.is_total and last.comparatives == (None, None)


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
