"""Write printed statements to XLSX (one sheet per statement) and CSV (one file each)."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from orchestration.finance_reports.statement_layout import PrintedStatement

# Thousands separators, two decimals, negatives with a minus sign (the CAS forms'
# "损失以“－”号填列" convention), and a dash for zero so empty lines read as empty.
AMOUNT_FORMAT = '#,##0.00;-#,##0.00;"-"'
HEADER_ROW = 4  # title, 编制单位/期间/单位 line, blank, then the column headings
THIN = Side(style="thin", color="999999")


def _write_sheet(workbook: Workbook, statement: PrintedStatement, first: bool) -> None:
    sheet = workbook.active if first else workbook.create_sheet()
    sheet.title = statement.title
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=4)
    title = sheet.cell(row=1, column=1, value=statement.title)
    title.font = Font(bold=True, size=16)
    title.alignment = Alignment(horizontal="center")

    company, period, unit = statement.heading_rows
    sheet.cell(row=2, column=1, value=company)
    sheet.cell(row=2, column=3, value=period)
    sheet.cell(row=2, column=4, value=unit).alignment = Alignment(horizontal="right")

    for column, heading in enumerate(statement.column_headings, start=1):
        cell = sheet.cell(row=HEADER_ROW, column=column, value=heading)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
        cell.border = Border(top=THIN, bottom=THIN, left=THIN, right=THIN)

    for offset, line in enumerate(statement.lines, start=1):
        row = HEADER_ROW + offset
        font = Font(bold=line.is_total)
        values = (line.label, line.line_no, line.amount, line.comparative_amount)
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=row, column=column, value=value)
            cell.font = font
            cell.border = Border(top=THIN, bottom=THIN, left=THIN, right=THIN)
            if column >= 3:
                cell.number_format = AMOUNT_FORMAT
            elif column == 2:
                cell.alignment = Alignment(horizontal="center")

    # Headings stay visible while scrolling a long balance sheet.
    sheet.freeze_panes = sheet.cell(row=HEADER_ROW + 1, column=2)
    for column, width in enumerate((46, 8, 20, 20), start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"


def write_xlsx(statements: Sequence[PrintedStatement], target: Path) -> Path:
    """One workbook, one sheet per statement, written atomically (temp file, then rename)."""
    workbook = Workbook()
    for index, statement in enumerate(statements):
        _write_sheet(workbook, statement, first=index == 0)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".xlsx.partial")
    workbook.save(partial)
    partial.replace(target)
    return target


def write_csv(statement: PrintedStatement, target: Path) -> Path:
    """UTF-8 with BOM so Excel on a Chinese Windows opens the names correctly."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".csv.partial")
    with partial.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "entity_code",
                "period",
                "statement",
                "line_no",
                "line_code",
                "line_name_zh",
                "amount",
                "comparative_amount",
                "is_total",
            ]
        )
        for line in statement.lines:
            writer.writerow(
                [
                    statement.entity_code,
                    statement.period,
                    statement.kind.key,
                    line.line_no,
                    line.line_code,
                    line.label.strip(),
                    f"{line.amount:.2f}",
                    f"{line.comparative_amount:.2f}",
                    "true" if line.is_total else "false",
                ]
            )
    partial.replace(target)
    return target
