"""Statement files: the XLSX a finance team opens and the CSV beside it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from openpyxl import load_workbook

from orchestration.finance_reports.statement_files import write_csv, write_xlsx
from orchestration.finance_reports.statement_layout import (
    BALANCE_SHEET,
    INCOME_STATEMENT,
    layout_statement,
)

pytestmark = pytest.mark.unit


def _statement(kind, rows):
    return layout_statement(kind, "E01", "上海云杉实业集团有限公司", "2025-06", rows)


def _row(code, order, amount, comparative=None, total=False, name=None):
    return {
        "line_code": code,
        "line_name_zh": name or code,
        "line_name_en": code,
        "line_order": order,
        "is_total": total,
        "amount": Decimal(amount),
        "comparative_amount": None if comparative is None else Decimal(comparative),
    }


@pytest.fixture
def statements():
    bs = _statement(
        BALANCE_SHEET,
        [
            _row("BS01", 10, "1234567.89", "1000.00", name="货币资金"),
            _row("BS17", 170, "1234567.89", "1000.00", total=True, name="资产总计"),
        ],
    )
    income = _statement(INCOME_STATEMENT, [_row("IS17", 170, "-42.10", total=True, name="净利润")])
    return bs, income


def test_workbook_has_one_sheet_per_statement_with_heading_block(tmp_path, statements):
    path = write_xlsx(statements, tmp_path / "out" / "E01_2025-06_statements.xlsx")
    workbook = load_workbook(path)
    assert workbook.sheetnames == ["资产负债表", "利润表"]
    ws = workbook["资产负债表"]
    assert ws["A1"].value == "资产负债表" and ws["A1"].font.bold
    assert ws["A2"].value == "编制单位：上海云杉实业集团有限公司"
    assert ws["C2"].value == "期间：2025-06" and ws["D2"].value == "单位：元"
    assert [c.value for c in ws[4]] == ["项目", "行次", "期末余额", "上年年末余额"]
    assert ws.freeze_panes == "B5"


def test_amounts_are_exact_numbers_with_thousands_separators_and_bold_totals(tmp_path, statements):
    ws = load_workbook(write_xlsx(statements, tmp_path / "s.xlsx"))["资产负债表"]
    detail, total = ws[5], ws[6]
    assert detail[0].value.strip() == "货币资金" and not detail[0].font.bold
    assert total[0].value == "资产总计" and total[0].font.bold and total[2].font.bold
    assert Decimal(str(total[2].value)) == Decimal("1234567.89")
    assert Decimal(str(total[3].value)) == Decimal("1000.00")
    assert total[2].number_format.startswith("#,##0.00")
    assert [detail[1].value, total[1].value] == [1, 2]


def test_no_partial_file_is_left_behind(tmp_path, statements):
    write_xlsx(statements, tmp_path / "s.xlsx")
    assert [p.name for p in tmp_path.iterdir()] == ["s.xlsx"]


def test_csv_is_utf8_with_bom_and_keeps_two_decimals(tmp_path, statements):
    path = write_csv(statements[1], tmp_path / "income.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("entity_code,period,statement,line_no,line_code")
    assert lines[1] == "E01,2025-06,income_statement,1,IS17,净利润,-42.10,0.00,true"
