"""Render a sheet of the statements workbook as HTML, cell for cell: the same merged cells,
column widths, bold totals, borders, alignment and number formats as the XLSX, so a browser
shows what Excel or a printer would (the README's picture of the balance sheet is taken from
it). Reads the file the finance team gets, not the warehouse.
"""

from __future__ import annotations

import html
import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.cell import Cell
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from yecai.errors import YecaiError

# One Excel character width in CSS pixels (Calibri 11 at 96 dpi, near enough for a picture).
PIXELS_PER_CHARACTER = 7.5
_SECTIONS = re.compile(r';(?=(?:[^"]*"[^"]*")*[^"]*$)')


def format_number(value: float | int | Decimal, number_format: str) -> str:
    """``value`` as the number format shows it. Handles the formats statements use: up to three
    sections (positive; negative; zero), thousands separators, fixed decimals, literal text in
    quotes or before/after the digits, and ``_x`` padding (a space)."""
    sections = _SECTIONS.split(number_format)
    amount = Decimal(str(value))
    if amount == 0 and len(sections) >= 3:
        section = sections[2]
    elif amount < 0 and len(sections) >= 2:
        section, amount = sections[1], -amount
    else:
        section = sections[0]
    match = re.search(r"[#0,]+(\.0+)?", section)
    if match is None:  # a literal section such as "-"
        return re.sub(r"_.", " ", section).replace('"', "")
    decimals = len(match.group(1) or ".") - 1
    rounded = amount.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    digits = f"{rounded:,.{decimals}f}" if "," in match.group(0) else f"{rounded:.{decimals}f}"
    prefix, suffix = section[: match.start()], section[match.end() :]
    literal = lambda text: re.sub(r"_.", " ", text).replace('"', "")  # noqa: E731
    return literal(prefix) + digits + literal(suffix)


def _cell_text(cell: Cell) -> str:
    if cell.value is None:
        return ""
    if isinstance(cell.value, (int, float, Decimal)) and not isinstance(cell.value, bool):
        if cell.number_format and cell.number_format != "General":
            return format_number(cell.value, cell.number_format)
        return str(cell.value)
    return str(cell.value)


def _cell_style(cell: Cell) -> str:
    styles = []
    if cell.font is not None and cell.font.bold:
        # CJK fonts seldom carry a bold face; a hairline stroke shows the weight on screen
        styles.append("font-weight:bold;-webkit-text-stroke:0.4px")
    if cell.font is not None and cell.font.size and cell.font.size > 12:
        styles.append(f"font-size:{cell.font.size * 1.33:.0f}px")
    numeric = isinstance(cell.value, (int, float, Decimal))
    horizontal = cell.alignment.horizontal if cell.alignment is not None else None
    styles.append(f"text-align:{horizontal or ('right' if numeric else 'left')}")
    for side in ("top", "bottom", "left", "right"):
        edge = getattr(cell.border, side, None) if cell.border is not None else None
        if edge is not None and edge.style:
            styles.append(f"border-{side}:1px solid #808080")
    return ";".join(styles)


def sheet_html(sheet: Worksheet) -> str:
    """The sheet as one HTML table (merged cells as row/col spans)."""
    spans: dict[tuple[int, int], tuple[int, int]] = {}
    covered: set[tuple[int, int]] = set()
    for merged in sheet.merged_cells.ranges:
        spans[(merged.min_row, merged.min_col)] = (
            merged.max_row - merged.min_row + 1,
            merged.max_col - merged.min_col + 1,
        )
        covered.update(
            (row, column)
            for row in range(merged.min_row, merged.max_row + 1)
            for column in range(merged.min_col, merged.max_col + 1)
        )
    columns = sheet.max_column
    widths = [
        (sheet.column_dimensions[get_column_letter(column)].width or 8.43) * PIXELS_PER_CHARACTER
        for column in range(1, columns + 1)
    ]
    out = ['<table class="statement">', "<colgroup>"]
    out += [f'<col style="width:{width:.0f}px">' for width in widths]
    out.append("</colgroup>")
    for row in sheet.iter_rows(min_row=1, max_row=sheet.max_row, max_col=columns):
        out.append("<tr>")
        for cell in row:
            position = (cell.row, cell.column)
            if position in covered and position not in spans:
                continue
            rowspan, colspan = spans.get(position, (1, 1))
            attributes = f' style="{_cell_style(cell)}"'
            if rowspan > 1:
                attributes += f' rowspan="{rowspan}"'
            if colspan > 1:
                attributes += f' colspan="{colspan}"'
            out.append(f"<td{attributes}>{html.escape(_cell_text(cell))}</td>")
        out.append("</tr>")
    out.append("</table>")
    return "\n".join(out)


PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title>
<style>
body {{ margin: 24px; background: #fff; color: #111;
       font-family: "WenQuanYi Zen Hei", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; font-size: 13px; }}
table.statement {{ border-collapse: collapse; table-layout: fixed; }}
table.statement td {{ padding: 2px 6px; white-space: pre; overflow: hidden; height: 18px; }}
</style></head><body>
{table}
</body></html>
"""


def workbook_sheet_html(path: Path, sheet_name: str) -> str:
    """A whole HTML page showing one sheet of the workbook at ``path``."""
    workbook = load_workbook(path)
    if sheet_name not in workbook.sheetnames:
        raise YecaiError(
            f"{path} has no sheet {sheet_name!r}",
            f"use one of: {', '.join(workbook.sheetnames)}",
        )
    return PAGE.format(title=html.escape(sheet_name), table=sheet_html(workbook[sheet_name]))
