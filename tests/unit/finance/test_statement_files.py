"""Statement files: the XLSX a finance team files and prints, and the CSV beside it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from openpyxl import load_workbook

from orchestration.finance_reports.statement_files import (
    AMOUNT_FORMATS,
    NegativeStyle,
    write_csv,
    write_xlsx,
)
from orchestration.finance_reports.statement_layout import (
    BALANCE_SHEET,
    CASH_FLOW_STATEMENT,
    INCOME_STATEMENT,
    layout_equity_statement,
    layout_statement,
)
from tests.unit.finance.statement_rows import equity_rows, line_row

pytestmark = pytest.mark.unit

NAME = "上海云杉实业集团有限公司"


def _balance_sheet(name: str = NAME):
    rows = [
        line_row("BSH1", 10, None, kind="heading", name="流动资产：", panel="assets"),
        line_row("BS01", 20, "1234567.89", "1000.00", name="货币资金", panel="assets"),
        line_row(
            "BS17", 30, "1234567.89", "1000.00", kind="total", name="资产总计", panel="assets"
        ),
        line_row(
            "BSH3", 40, None, kind="heading", name="流动负债：", panel="liabilities_and_equity"
        ),
        line_row("BS22", 50, "-34567.89", None, name="应付账款", panel="liabilities_and_equity"),
        line_row(
            "BS43", 60, "1269135.78", "1000.00", name="未分配利润", panel="liabilities_and_equity"
        ),
        line_row(
            "BS44",
            70,
            "1269135.78",
            "1000.00",
            kind="total",
            name="所有者权益合计",
            panel="liabilities_and_equity",
        ),
        line_row(
            "BS45",
            80,
            "1234567.89",
            "1000.00",
            kind="total",
            name="负债和所有者权益总计",
            panel="liabilities_and_equity",
        ),
    ]
    return layout_statement(BALANCE_SHEET, "E01", name, "2025-06", rows)


@pytest.fixture
def statements():
    income = layout_statement(
        INCOME_STATEMENT,
        "E01",
        NAME,
        "2025-06",
        [line_row("IS17", 170, "-42.10", kind="total", name="四、净利润")],
    )
    cash = layout_statement(
        CASH_FLOW_STATEMENT,
        "E01",
        NAME,
        "2025-06",
        [
            line_row("CF_SALES_RECEIPTS", 10, "500.00", name="销售商品、提供劳务收到的现金"),
            line_row(
                "CF_OPERATING_INFLOWS", 20, "500.00", kind="total", name="经营活动现金流入小计"
            ),
            line_row("CFSH", 30, None, kind="heading", name="补充资料", panel="supplement"),
            line_row("CFS_NET_PROFIT", 40, "-42.10", name="净利润", panel="supplement"),
        ],
    )
    equity = layout_equity_statement(
        "E01",
        NAME,
        "2025-06",
        [
            *equity_rows(
                "EQ01", 10, "一、上年年末余额", {"实收资本": "100.00", "所有者权益合计": "150.00"}
            ),
            *equity_rows(
                "EQ24",
                240,
                "四、本年年末余额",
                {"实收资本": "100.00", "所有者权益合计": "107.90"},
                True,
            ),
        ],
    )
    return _balance_sheet(), income, cash, equity


@pytest.fixture
def workbook(tmp_path, statements):
    return load_workbook(write_xlsx(statements, tmp_path / "out" / "E01_2025-06_statements.xlsx"))


def test_four_sheets_each_with_title_form_number_and_heading_block(workbook):
    assert workbook.sheetnames == ["资产负债表", "利润表", "现金流量表", "所有者权益变动表"]
    forms = {
        "资产负债表": "会企01表",
        "利润表": "会企02表",
        "现金流量表": "会企03表",
        "所有者权益变动表": "会企04表",
    }
    for title, form in forms.items():
        ws = workbook[title]
        assert ws["A1"].value == title and ws["A1"].font.bold
        assert any(
            r.min_row == 1 and r.min_col == 1 and r.max_col == ws.max_column
            for r in ws.merged_cells.ranges
        )
        assert ws.cell(row=2, column=ws.max_column).value == form
        heading = [c.value for c in ws[3] if c.value]
        assert heading[0] == f"编制单位：{NAME}"
        assert heading[-1] == "币种：人民币　单位：元"
    assert [c.value for c in workbook["资产负债表"][3] if c.value][1] == "2025年6月30日"
    assert [c.value for c in workbook["利润表"][3] if c.value][1] == "2025年1—6月"


def test_balance_sheet_prints_its_two_halves_side_by_side_with_both_totals_on_the_last_row(
    workbook,
):
    ws = workbook["资产负债表"]
    assert [c.value for c in ws[4]] == [
        "资产",
        "行次",
        "期末余额",
        "上年年末余额",
        "负债和所有者权益（或股东权益）",
        "行次",
        "期末余额",
        "上年年末余额",
    ]
    assert ws["A5"].value == "流动资产：" and ws["B5"].value is None
    assert ws["E5"].value == "流动负债："
    last = ws.max_row
    assert ws.cell(row=last, column=1).value == "资产总计"
    assert ws.cell(row=last, column=5).value == "负债和所有者权益总计"
    assert ws.cell(row=last, column=3).value == ws.cell(row=last, column=7).value
    # the shorter half leaves blank rows before its total, the longer one runs on
    assert ws.cell(row=last - 1, column=1).value is None
    assert ws.cell(row=last - 1, column=5).value == "所有者权益合计"


def test_amounts_are_exact_numbers_with_thousands_separators_brackets_and_bold_totals(workbook):
    ws = workbook["资产负债表"]
    cash = next(
        r for r in ws.iter_rows(min_row=5) if r[0].value and r[0].value.strip() == "货币资金"
    )
    total = ws[ws.max_row]
    assert not cash[0].font.bold and total[0].font.bold and total[2].font.bold
    assert isinstance(cash[2].value, (int, float)) and Decimal(str(cash[2].value)) == Decimal(
        "1234567.89"
    )
    assert cash[2].number_format == AMOUNT_FORMATS[NegativeStyle.parentheses]
    assert "(#,##0.00)" in cash[2].number_format and cash[2].number_format.startswith("#,##0.00")
    assert [cash[1].value, total[1].value] == [1, 2]
    payable = next(
        r for r in ws.iter_rows(min_row=5) if r[4].value and r[4].value.strip() == "应付账款"
    )
    assert Decimal(str(payable[6].value)) == Decimal("-34567.89")
    # no comparative in the books: a blank cell, not a zero
    assert payable[7].value is None


def test_minus_sign_style_is_an_option(tmp_path, statements):
    ws = load_workbook(write_xlsx(statements, tmp_path / "m.xlsx", NegativeStyle.minus))["利润表"]
    assert ws["C5"].number_format == '#,##0.00;-#,##0.00;"-"'


def test_subtotals_and_the_cash_flow_supplement_follow_the_main_statement(workbook):
    ws = workbook["现金流量表"]
    labels = [ws.cell(row=r, column=1).value for r in range(5, ws.max_row + 1)]
    assert labels == [
        "  销售商品、提供劳务收到的现金",
        "经营活动现金流入小计",
        "补充资料",
        "  净利润",
    ]
    assert ws["A6"].font.bold and ws["C6"].value == 500
    assert ws["A7"].font.bold and ws["C7"].value is None and ws["B7"].value is None


def test_equity_statement_has_this_year_and_last_year_blocks_of_components(workbook):
    ws = workbook["所有者权益变动表"]
    assert ws["C4"].value == "本年金额" and ws["E4"].value == "上年金额"
    assert [ws.cell(row=5, column=c).value for c in range(3, 7)] == [
        "实收资本",
        "所有者权益合计",
    ] * 2
    assert ws["A6"].value == "一、上年年末余额" and Decimal(str(ws["D6"].value)) == Decimal(
        "150.00"
    )
    assert ws["A7"].font.bold and ws["F7"].value is None


def test_page_setup_is_a4_fit_to_width_with_repeated_headings_and_page_numbers(workbook):
    for title in workbook.sheetnames:
        ws = workbook[title]
        assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)  # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
        assert ws.print_title_rows and ws.print_title_rows.startswith("$4:$")
        assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text
        assert ws.print_options.horizontalCentered
    assert workbook["资产负债表"].page_setup.orientation == "landscape"
    assert workbook["利润表"].page_setup.orientation == "portrait"


def test_text_that_looks_like_a_formula_stays_text(tmp_path):
    hostile = '=HYPERLINK("http://x","y")'
    path = write_xlsx([_balance_sheet(hostile)], tmp_path / "h.xlsx")
    cell = load_workbook(path)["资产负债表"]["A3"]
    assert cell.data_type == "s" and cell.value == f"编制单位：{hostile}"
    bare = load_workbook(write_xlsx([_balance_sheet("x")], tmp_path / "b.xlsx"))
    assert all(c.data_type != "f" for row in bare["资产负债表"].iter_rows() for c in row)


def test_no_partial_file_is_left_behind(tmp_path, statements):
    write_xlsx(statements, tmp_path / "s.xlsx")
    assert [p.name for p in tmp_path.iterdir()] == ["s.xlsx"]


def test_csv_is_utf8_with_bom_keeps_two_decimals_and_blank_comparatives(tmp_path, statements):
    path = write_csv(statements[1], tmp_path / "income.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[0] == (
        "entity_code,period,statement,currency,line_no,line_code,line_name_zh,column,"
        "amount,comparative_amount,is_total"
    )
    assert lines[1] == "E01,2025-06,income_statement,CNY,1,IS17,四、净利润,,-42.10,,true"


def test_csv_of_the_equity_statement_has_a_row_per_component(tmp_path, statements):
    lines = write_csv(statements[3], tmp_path / "eq.csv").read_text("utf-8-sig").splitlines()
    assert len(lines) == 1 + 2 * 2
    assert lines[1].endswith(",EQ01,一、上年年末余额,实收资本,100.00,,false")


def test_csv_text_a_spreadsheet_would_run_gets_an_apostrophe(tmp_path):
    statement = layout_statement(
        INCOME_STATEMENT, "=cmd", "x", "2025-06", [line_row("IS01", 1, "1.00", name="+SUM(A1)")]
    )
    row = write_csv(statement, tmp_path / "x.csv").read_text("utf-8-sig").splitlines()[1]
    assert row.startswith("'=cmd,") and ",'+SUM(A1)," in row
