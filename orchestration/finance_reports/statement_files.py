"""Write printed statements to XLSX (one sheet per statement, the layout finance teams file) and
CSV (one file each).

The workbook is what a finance team prints and signs: title and form number, the 编制单位 /
期间 / 币种 line, the balance sheet's two halves side by side, bold totals, thousands separators,
negative amounts in brackets (or with a minus sign, ``NegativeStyle.minus``), blank comparatives
where the books hold none, A4 page set-up that fits the width, repeats the headings and numbers
the pages. Amounts are written as numbers; every text is written as text, so a name that starts
with ``=`` is never a formula.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from decimal import Decimal
from enum import StrEnum
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from orchestration.finance_reports.statement_layout import (
    BALANCE_SHEET,
    EQUITY_STATEMENT,
    PrintedLine,
    PrintedStatement,
)


class NegativeStyle(StrEnum):
    """How a negative amount prints: in brackets (the accountants' convention) or with a minus
    sign (the CAS forms' "以“－”号填列")."""

    parentheses = "parentheses"
    minus = "minus"


AMOUNT_FORMATS = {
    # thousands separators, two decimals, a dash for zero; `_)` keeps positives aligned with
    # the bracketed negatives
    NegativeStyle.parentheses: '#,##0.00_);(#,##0.00);"-"_)',
    NegativeStyle.minus: '#,##0.00;-#,##0.00;"-"',
}
TITLE_ROW, FORM_ROW, HEADING_ROW, FIRST_COLUMN_ROW = 1, 2, 3, 4
THIN = Side(style="thin", color="808080")
BOX = Border(top=THIN, bottom=THIN, left=THIN, right=THIN)
LABEL_WIDTH, NUMBER_WIDTH, AMOUNT_WIDTH = 46, 6, 17
FORMULA_PREFIXES = ("=", "+", "-", "@")


def put_text(cell: Cell, value: str) -> Cell:
    """Write ``value`` as text, whatever it starts with (openpyxl would take ``=…`` for a
    formula); quotePrefix keeps Excel from reading it as one when the cell is edited."""
    cell.value = value
    cell.data_type = "s"
    if value.startswith(FORMULA_PREFIXES):
        cell.quotePrefix = True
    return cell


def put_amount(cell: Cell, value: Decimal | None, number_format: str) -> Cell:
    """Write an amount as a number (None stays an empty cell) with the statement's format."""
    cell.value = value
    cell.number_format = number_format
    cell.alignment = Alignment(horizontal="right")
    return cell


def _heading_block(sheet: Worksheet, statement: PrintedStatement, width: int) -> None:
    sheet.merge_cells(start_row=TITLE_ROW, start_column=1, end_row=TITLE_ROW, end_column=width)
    title = put_text(sheet.cell(row=TITLE_ROW, column=1), statement.title)
    title.font = Font(bold=True, size=16)
    title.alignment = Alignment(horizontal="center")
    form = put_text(sheet.cell(row=FORM_ROW, column=width), statement.kind.form_no)
    form.alignment = Alignment(horizontal="right")
    company, period, unit = statement.heading_rows
    put_text(sheet.cell(row=HEADING_ROW, column=1), company)
    middle = max(2, (width + 1) // 2)
    put_text(sheet.cell(row=HEADING_ROW, column=middle), period).alignment = Alignment(
        horizontal="center"
    )
    put_text(sheet.cell(row=HEADING_ROW, column=width), unit).alignment = Alignment(
        horizontal="right"
    )


def _column_headings(sheet: Worksheet, row: int, headings: Sequence[str]) -> None:
    for column, heading in enumerate(headings, start=1):
        cell = put_text(sheet.cell(row=row, column=column), heading)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = BOX


def _line_cells(
    sheet: Worksheet, row: int, first_column: int, line: PrintedLine | None, number_format: str
) -> None:
    """One line in four columns (项目, 行次, amount, comparative) from ``first_column``; an
    empty, boxed row when ``line`` is None (the shorter half of the balance sheet)."""
    font = Font(bold=bool(line and (line.is_total or line.is_heading)))
    label = sheet.cell(row=row, column=first_column)
    number = sheet.cell(row=row, column=first_column + 1)
    if line is not None:
        put_text(label, line.label)
        if line.line_no is not None:
            number.value = line.line_no
        number.alignment = Alignment(horizontal="center")
        for offset, value in ((2, line.amount), (3, line.comparative_amount)):
            put_amount(sheet.cell(row=row, column=first_column + offset), value, number_format)
    for offset in range(4):
        cell = sheet.cell(row=row, column=first_column + offset)
        cell.font = font
        cell.border = BOX


def _page_setup(sheet: Worksheet, landscape: bool, title_rows: str, widths: Sequence[int]) -> None:
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    # one page wide, as many pages down as it takes
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.5
    sheet.page_margins.top = sheet.page_margins.bottom = 0.6
    sheet.print_title_rows = title_rows
    sheet.oddFooter.center.text = "第 &P 页，共 &N 页"
    sheet.print_area = f"A1:{get_column_letter(len(widths))}{sheet.max_row}"


def _total_on_row(lines: tuple[PrintedLine, ...], rows: int) -> tuple[PrintedLine | None, ...]:
    """The half of the balance sheet padded to ``rows`` with blank rows before its grand total,
    so 资产总计 and 负债和所有者权益总计 print on the same, last row."""
    if not lines:
        return (None,) * rows
    return (*lines[:-1], *([None] * (rows - len(lines))), lines[-1])


def _write_balance_sheet(sheet: Worksheet, statement: PrintedStatement, number_format: str) -> None:
    """Assets on the left, liabilities and owners' equity on the right, both totals on the last
    row (the 会企01表 layout)."""
    _heading_block(sheet, statement, 8)
    headings = statement.column_headings
    _column_headings(
        sheet,
        FIRST_COLUMN_ROW,
        ("资产", *headings[1:], "负债和所有者权益（或股东权益）", *headings[1:]),
    )
    left, right = statement.panel("assets"), statement.panel("liabilities_and_equity")
    rows = max(len(left), len(right))
    for offset, (asset, claim) in enumerate(
        zip(_total_on_row(left, rows), _total_on_row(right, rows), strict=True), start=1
    ):
        row = FIRST_COLUMN_ROW + offset
        _line_cells(sheet, row, 1, asset, number_format)
        _line_cells(sheet, row, 5, claim, number_format)
    sheet.freeze_panes = sheet.cell(row=FIRST_COLUMN_ROW + 1, column=1)
    _page_setup(
        sheet,
        True,
        f"{FIRST_COLUMN_ROW}:{FIRST_COLUMN_ROW}",
        (34, NUMBER_WIDTH, AMOUNT_WIDTH, AMOUNT_WIDTH) * 2,
    )


def _write_line_statement(
    sheet: Worksheet, statement: PrintedStatement, number_format: str
) -> None:
    """The income and cash flow statements: one column of lines (the cash flow statement's
    补充资料 follows its main part)."""
    _heading_block(sheet, statement, 4)
    _column_headings(sheet, FIRST_COLUMN_ROW, statement.column_headings)
    for offset, line in enumerate(statement.lines, start=1):
        _line_cells(sheet, FIRST_COLUMN_ROW + offset, 1, line, number_format)
    sheet.freeze_panes = sheet.cell(row=FIRST_COLUMN_ROW + 1, column=2)
    _page_setup(
        sheet,
        statement.kind.landscape,
        f"{FIRST_COLUMN_ROW}:{FIRST_COLUMN_ROW}",
        (LABEL_WIDTH + 8, NUMBER_WIDTH, AMOUNT_WIDTH + 2, AMOUNT_WIDTH + 2),
    )


def _write_equity_statement(
    sheet: Worksheet, statement: PrintedStatement, number_format: str
) -> None:
    """Rows down, components of equity across, 本年金额 then 上年金额 (the 会企04表 layout)."""
    components = statement.value_columns
    width = 2 + 2 * len(components)
    _heading_block(sheet, statement, width)
    top, sub = FIRST_COLUMN_ROW, FIRST_COLUMN_ROW + 1
    _column_headings(sheet, top, ("项目", "行次"))
    for column in (1, 2):
        sheet.cell(row=sub, column=column).border = BOX
        sheet.merge_cells(start_row=top, start_column=column, end_row=sub, end_column=column)
    for block, heading in enumerate(
        (statement.kind.amount_heading, statement.kind.comparative_heading)
    ):
        first = 3 + block * len(components)
        sheet.merge_cells(
            start_row=top, start_column=first, end_row=top, end_column=first + len(components) - 1
        )
        cell = put_text(sheet.cell(row=top, column=first), heading)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
        for index, name in enumerate(components):
            caption = put_text(sheet.cell(row=sub, column=first + index), name)
            caption.font = Font(bold=True)
            caption.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        for column in range(first, first + len(components)):
            sheet.cell(row=top, column=column).border = BOX
            sheet.cell(row=sub, column=column).border = BOX
    for offset, line in enumerate(statement.lines, start=1):
        row = sub + offset
        font = Font(bold=line.is_total)
        put_text(sheet.cell(row=row, column=1), line.label)
        sheet.cell(row=row, column=2, value=line.line_no).alignment = Alignment(horizontal="center")
        for index, value in enumerate((*line.amounts, *line.comparatives)):
            put_amount(sheet.cell(row=row, column=3 + index), value, number_format)
        for column in range(1, width + 1):
            sheet.cell(row=row, column=column).font = font
            sheet.cell(row=row, column=column).border = BOX
    sheet.row_dimensions[sub].height = 30
    sheet.freeze_panes = sheet.cell(row=sub + 1, column=3)
    _page_setup(
        sheet,
        True,
        f"{top}:{sub}",
        (38, NUMBER_WIDTH, *([14] * (2 * len(components)))),
    )


def write_xlsx(
    statements: Sequence[PrintedStatement],
    target: Path,
    negatives: NegativeStyle = NegativeStyle.parentheses,
) -> Path:
    """One workbook, one sheet per statement, written atomically (temp file, then rename)."""
    number_format = AMOUNT_FORMATS[negatives]
    workbook = Workbook()
    workbook.remove(workbook.active)
    for statement in statements:
        sheet = workbook.create_sheet(statement.title)
        if statement.kind.key == BALANCE_SHEET.key:
            _write_balance_sheet(sheet, statement, number_format)
        elif statement.kind.key == EQUITY_STATEMENT.key:
            _write_equity_statement(sheet, statement, number_format)
        else:
            _write_line_statement(sheet, statement, number_format)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".xlsx.partial")
    workbook.save(partial)
    partial.replace(target)
    return target


def csv_text(value: str) -> str:
    """Text a spreadsheet opening the CSV would take for a formula gets a leading apostrophe."""
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def _csv_amount(value: Decimal | None) -> str:
    return "" if value is None else f"{value:.2f}"


CSV_COLUMNS = (
    "entity_code",
    "period",
    "statement",
    "currency",
    "line_no",
    "line_code",
    "line_name_zh",
    "column",
    "amount",
    "comparative_amount",
    "is_total",
)


def write_csv(statement: PrintedStatement, target: Path) -> Path:
    """One row per line (and equity column). UTF-8 with BOM so Excel on a Chinese Windows opens
    the names correctly; a blank comparative stays blank."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".csv.partial")
    with partial.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_COLUMNS)
        for line in statement.lines:
            for column, amount, comparative in zip(
                statement.value_columns, line.amounts, line.comparatives, strict=True
            ):
                writer.writerow(
                    [
                        csv_text(statement.entity_code),
                        statement.period,
                        statement.kind.key,
                        statement.currency,
                        "" if line.line_no is None else line.line_no,
                        line.line_code,
                        csv_text(line.label.strip()),
                        csv_text(column),
                        _csv_amount(amount),
                        _csv_amount(comparative),
                        "true" if line.is_total else "false",
                    ]
                )
    partial.replace(target)
    return target
