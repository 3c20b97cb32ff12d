"""Writers that produce files the way Chinese HR systems write them.

- CSV in GBK (what Excel on a Chinese Windows saves), Chinese headers, CRLF line ends.
- CSV in UTF-8 with a byte-order mark (what newer HR SaaS exports, so Excel opens it).
- XLSX with a title row above the header, a two-row header whose group cells are merged,
  and a totals row (合计) at the bottom — everything a naive ``read_excel`` trips on.

Cells arrive already as the values to write (text, Decimal, date); the writers decide
nothing about content. Each file is written to a temporary name and renamed into
place, so a file sensor never picks up half a file.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

GBK = "gbk"
UTF8_BOM = "utf-8-sig"


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _replace_atomically(tmp: Path, final: Path) -> None:
    os.replace(tmp, final)


def write_csv(
    path: Path, headers: Sequence[str], rows: Sequence[Sequence[Any]], encoding: str
) -> Path:
    """A CSV with ``headers`` then ``rows`` in ``encoding`` (``GBK`` or ``UTF8_BOM``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    # newline="" lets the csv module write the CRLF line ends Windows tools produce.
    with tmp.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(headers)
        for row in rows:
            writer.writerow([_cell_text(v) for v in row])
    _replace_atomically(tmp, path)
    return path


@dataclass(frozen=True)
class HeaderGroup:
    """A group label over consecutive columns, e.g. 个人扣款 over 社保个人 … 个税."""

    label: str
    columns: tuple[str, ...]


def xlsx_header_rows(
    headers: Sequence[str], groups: Sequence[HeaderGroup]
) -> tuple[list[str | None], list[str | None], list[tuple[int, int, int, int]]]:
    """The two header rows and the merged ranges (row1, col1, row2, col2; 1-based, header
    rows numbered 1 and 2) for ``headers`` under ``groups``. Pure, so it is unit-tested.

    A grouped column shows the group label in row 1 (merged across the group) and its own
    name in row 2; an ungrouped column shows its name merged down over both rows.
    """
    top: list[str | None] = []
    bottom: list[str | None] = []
    merges: list[tuple[int, int, int, int]] = []
    group_of = {col: g for g in groups for col in g.columns}
    col = 0
    while col < len(headers):
        name = headers[col]
        group = group_of.get(name)
        if group is None:
            top.append(name)
            bottom.append(None)
            merges.append((1, col + 1, 2, col + 1))
            col += 1
            continue
        span = 0
        while col + span < len(headers) and group_of.get(headers[col + span]) is group:
            top.append(group.label if span == 0 else None)
            bottom.append(headers[col + span])
            span += 1
        if span > 1:
            merges.append((1, col + 1, 1, col + span))
        col += span
    return top, bottom, merges


@dataclass(frozen=True)
class SheetSpec:
    """One worksheet of an HR workbook: title row, grouped header, data, optional totals."""

    sheet_title: str
    title: str
    headers: Sequence[str]
    groups: Sequence[HeaderGroup]
    rows: Sequence[Sequence[Any]]
    totals: Sequence[Any] | None = None


def _fill_sheet(ws: Any, spec: SheetSpec) -> None:
    width = len(spec.headers)
    ws.title = spec.sheet_title
    ws.cell(row=1, column=1, value=spec.title).font = Font(bold=True, size=14)
    ws.cell(row=1, column=1).alignment = Alignment(horizontal="center")
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    top, bottom, merges = xlsx_header_rows(spec.headers, spec.groups)
    offset = 1  # the header rows sit under the title row
    for c, (t, b) in enumerate(zip(top, bottom, strict=True), start=1):
        if t is not None:
            ws.cell(row=offset + 1, column=c, value=t).font = Font(bold=True)
        if b is not None:
            ws.cell(row=offset + 2, column=c, value=b).font = Font(bold=True)
    for r1, c1, r2, c2 in merges:
        ws.merge_cells(start_row=r1 + offset, start_column=c1, end_row=r2 + offset, end_column=c2)
    first_data_row = offset + 3
    body = list(spec.rows) + ([spec.totals] if spec.totals is not None else [])
    for r, row in enumerate(body, start=first_data_row):
        for c, value in enumerate(row, start=1):
            cell = ws.cell(row=r, column=c, value=value)
            if isinstance(value, Decimal):
                cell.number_format = "#,##0.00"
    if spec.totals is not None:
        for cell in ws[first_data_row + len(spec.rows)]:
            cell.font = Font(bold=True)
    for c in range(1, width + 1):
        ws.column_dimensions[get_column_letter(c)].width = 14


def write_xlsx(path: Path, sheets: Sequence[SheetSpec]) -> Path:
    """An HR-style workbook with one worksheet per ``SheetSpec`` (at least one)."""
    if not sheets:
        raise ValueError(f"{path.name}: a workbook needs at least one sheet")
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = Workbook()
    _fill_sheet(wb.active, sheets[0])
    for spec in sheets[1:]:
        _fill_sheet(wb.create_sheet(), spec)
    tmp = path.with_name(f".{path.name}.tmp")
    wb.save(tmp)
    _replace_atomically(tmp, path)
    return path
