"""File exports (HR): CSV in GBK / UTF-8 / UTF-8 BOM, and XLSX the way HR systems save it.

XLSX quirks handled here: title rows above the header, a two-row header with merged
group cells (flattened to one name per column), and a totals row (合计) at the bottom,
which is dropped and recorded — never silently. Anything unreadable (truncated, wrong
encoding, broken zip) is a ``YecaiError`` naming the file, so the batch fails cleanly.
"""

from __future__ import annotations

import csv
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from ingestion.contract import Contract
from ingestion.encoding import decode_lines
from yecai.errors import YecaiError

TOTALS_LABELS = ("合计", "总计", "小计", "total", "totals", "grand total")
HEADER_SCAN_ROWS = 10
SHEET_ROW_BASE = 100_000
# Excel's cell limit. A value this long is a broken row (an unclosed quote swallowing the
# rows after it, a pasted document) or was cut at the limit: quarantined with its row number.
MAX_FIELD_CHARS = 32_767
# Beyond this one field makes the file unreadable (memory), reported with its line.
CSV_FIELD_LIMIT = 64 * 1024 * 1024
# Separators tried when the header does not split on commas (a ';' export from a
# European-locale Excel, a tab-separated one).
OTHER_DELIMITERS = (";", "\t", "|")


@dataclass
class FileTable:
    """An export read into text: its header and its data rows with their row numbers."""

    header: list[str]
    rows: list[tuple[int, list[str | None]]]
    encoding: str | None = None
    notes: list[str] = field(default_factory=list)
    # Row number → why the row cannot be read as it stands (quarantined with that reason).
    faults: dict[int, str] = field(default_factory=dict)


def known_headers(contract: Contract) -> set[str]:
    return set(contract.header_map) | set(contract.column_names)


def find_header(grid: list[list[str | None]], known: set[str]) -> tuple[int, bool]:
    """(index of the header row, whether the row below it is a second header row).

    The header is the first row (within the first few) where most filled cells are known
    column names; a title row above it has none. If the next row also holds known names,
    the header spans two rows (group labels above, column names below).
    """

    def score(row: list[str | None]) -> tuple[int, int]:
        filled = [c.strip() for c in row if c not in (None, "") and c.strip()]
        return sum(1 for c in filled if c in known), len(filled)

    for i, row in enumerate(grid[:HEADER_SCAN_ROWS]):
        hits, filled = score(row)
        if hits and hits * 2 >= filled:
            if i > 0 and score(grid[i - 1])[0] > 0:
                # The row above names some columns too: it is the group row of a two-row
                # header (group labels merged across, single columns merged down).
                return i - 1, True
            two_rows = False
            if i + 1 < len(grid):
                next_hits, next_filled = score(grid[i + 1])
                two_rows = next_hits > 0 and next_hits * 2 >= next_filled
            return i, two_rows
    return 0, False


def flatten_header(top: list[str | None], bottom: list[str | None] | None) -> list[str]:
    """One name per column: the lower (more specific) header cell where it has one."""
    names = []
    for i, t in enumerate(top):
        b = bottom[i] if bottom is not None and i < len(bottom) else None
        name = (b or t or "").strip() if isinstance(b or t, str) else str(b or t or "")
        names.append(name or f"column_{i + 1}")
    seen: dict[str, int] = {}
    unique = []
    for n in names:
        seen[n] = seen.get(n, 0) + 1
        unique.append(n if seen[n] == 1 else f"{n}_{seen[n]}")
    return unique


def is_totals_row(row: list[str | None]) -> bool:
    """A summary row: one of its first cells says 合计 / 总计 / Total."""
    return any(c and c.strip().replace(" ", "").lower() in TOTALS_LABELS for c in row[:3])


def is_blank(row: list[str | None]) -> bool:
    return all(c is None or str(c).strip() == "" for c in row)


def shape_table(
    grid: list[list[str | None]],
    row_numbers: list[int],
    contract: Contract,
    name: str,
    read_faults: dict[int, str] | None = None,
) -> FileTable:
    """Header found and flattened, blank and totals rows dropped (and recorded).

    A row with too many or too few values, or a huge value, is kept with its fault (it is
    quarantined, the rest of the file lands); ``read_faults`` are faults found while
    reading (a row in another encoding), by row number.
    """
    read_faults = read_faults or {}
    if not grid:
        raise YecaiError(f"{name}: the file is empty", "export the file again")
    h, two_rows = find_header(grid, known_headers(contract))
    header_rows = grid[h : h + (2 if two_rows else 1)]
    # The header ends at its last named cell: a value right of it (a sheet's grid is as
    # wide as its widest row) belongs to no column, and its row is ragged.
    # A probe without known headers (`yecai contract draft` looking for the header itself)
    # keeps the whole width: the row it took as header may be a title above the real one.
    width = max(
        (i + 1 for r in header_rows for i, c in enumerate(r) if not is_blank([c])), default=0
    )
    if not known_headers(contract):
        width = max(width, *(len(r) for r in grid))
    header = flatten_header(grid[h][:width], grid[h + 1][:width] if two_rows else None)
    table = FileTable(header=header, rows=[])
    first_data = h + (2 if two_rows else 1)
    if h:
        table.notes.append(f"{h} title row(s) above the header skipped")
    blanks = 0
    for row, number in zip(grid[first_data:], row_numbers[first_data:], strict=True):
        if is_blank(row):
            blanks += 1
            continue
        if is_totals_row(row):
            table.notes.append(f"row {number}: totals row dropped ({_preview(row)})")
            continue
        faults = [read_faults[number]] if number in read_faults else []
        if len(row) > len(header) and not is_blank(row[len(header) :]):
            faults.append(
                f"row has {len(row)} values but the header has {len(header)} columns "
                "(a value with an unquoted separator?)"
            )
        elif len(row) < len(header):
            faults.append(f"row has only {len(row)} of {len(header)} columns")
            row = row + [None] * (len(header) - len(row))
        faults += [
            f"column {header[i]}: a value of {len(c)} characters "
            f"(at or over the {MAX_FIELD_CHARS}-character cell limit: cut short or broken)"
            for i, c in enumerate(row[: len(header)])
            if c is not None and len(c) >= MAX_FIELD_CHARS
        ]
        if faults:
            table.faults[number] = "; ".join(faults)
        table.rows.append((number, [c if c != "" else None for c in row[: len(header)]]))
    if blanks:
        table.notes.append(f"{blanks} blank row(s) skipped")
    return table


def _preview(row: list[str | None]) -> str:
    return ", ".join(c for c in row if c)[:80]


def read_csv_export(path: Path, contract: Contract) -> FileTable:
    data = path.read_bytes()
    decoded = decode_lines(data, path.name)
    lines = decoded.lines
    if lines and not lines[-1].endswith(("\n", "\r")):
        # Exports end every line with a line break; one that stops mid-line was cut off,
        # and its last value may be cut short without any other sign. Say where, never what:
        # this message reaches batch records, the run failure and alerts, and the row is a
        # person's (name, ID number, account).
        raise YecaiError(
            f"{path.name}: the file does not end with a line break, so its last row "
            f"(line {len(lines)}, {len(lines[-1])} characters) may be cut short: "
            "the file looks truncated",
            "copy or export the file again, completely (if it is complete, add a final line break)",
        )
    delimiter = sniff_delimiter(lines, known_headers(contract))
    grid, faults = parse_csv_lines(lines, decoded.faults, delimiter, path.name)
    grid = [[c.strip() if c is not None else None for c in row] for row in grid]
    table = shape_table(grid, list(range(1, len(grid) + 1)), contract, path.name, faults)
    table.encoding = decoded.encoding
    if delimiter != ",":
        table.notes.append(f"{path.name}: delimiter {delimiter!r}")
    return table


def sniff_delimiter(lines: list[str], known: set[str]) -> str:
    """``,`` unless the header splits into more known column names on another separator."""
    head = lines[:HEADER_SCAN_ROWS]

    def hits(delimiter: str) -> int:
        try:
            rows = list(csv.reader(head, delimiter=delimiter))
        except csv.Error:  # a huge or broken value: the real parse reports it
            return 0
        return max((sum(1 for c in row if c.strip() in known) for row in rows), default=0)

    best, best_hits = ",", hits(",")
    for candidate in OTHER_DELIMITERS:
        found = hits(candidate)
        if found > best_hits:
            best, best_hits = candidate, found
    return best


def parse_csv_lines(
    lines: list[str], line_faults: dict[int, str], delimiter: str, name: str
) -> tuple[list[list[str]], dict[int, str]]:
    """CSV records and their faults by record number (a record spans one or more lines)."""
    grid: list[list[str]] = []
    faults: dict[int, str] = {}
    previous = csv.field_size_limit(CSV_FIELD_LIMIT)
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    last_line = 0
    try:
        for record in reader:
            grid.append(record)
            spanned = range(last_line + 1, reader.line_num + 1)
            if found := [line_faults[n] for n in spanned if n in line_faults]:
                faults[len(grid)] = "; ".join(found)
            last_line = reader.line_num
    except csv.Error as exc:
        raise YecaiError(
            f"{name}, line {reader.line_num} (row {len(grid) + 1}): not a readable CSV: {exc}",
            "export it again as CSV",
        ) from exc
    finally:
        csv.field_size_limit(previous)
    return grid, faults


def cell_text(value) -> str | None:
    """An XLSX cell value as the text a CSV export would have held."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        if value.time() == datetime.min.time():
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        # Excel stores numbers as doubles; the shortest repr round-trips the typed value.
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, int | Decimal):
        return str(value)
    return str(value).strip()


def read_xlsx_export(path: Path, contract: Contract) -> FileTable:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise YecaiError(
            f"{path.name}: not a readable XLSX workbook ({type(exc).__name__}: {exc}); "
            "it may be truncated",
            "copy or export the file again, completely",
        ) from exc
    combined: FileTable | None = None
    for index, ws in enumerate(wb.worksheets, start=1):
        grid, numbers = _sheet_grid(ws)
        if not any(not is_blank(g) for g in grid):
            continue
        # Row numbers say where a row came from: sheet number × 100000 + its Excel row.
        numbers = [index * SHEET_ROW_BASE + n for n in numbers]
        table = shape_table(grid, numbers, contract, f"{path.name}, sheet {ws.title}")
        table.notes = [f"sheet {ws.title}: {n}" for n in table.notes]
        if combined is None:
            combined = table
            continue
        if table.header != combined.header:
            raise YecaiError(
                f"{path.name}: sheet {ws.title} has columns {table.header}, "
                f"but the first sheet has {combined.header}",
                "export every sheet with the same columns, or split the workbook",
            )
        combined.rows.extend(table.rows)
        combined.notes.extend(table.notes)
    if combined is None:
        raise YecaiError(f"{path.name}: every sheet is empty", "export the file again")
    return combined


def _sheet_grid(ws) -> tuple[list[list[str | None]], list[int]]:
    """A worksheet as text cells, merged ranges filled with their top-left value."""
    fills = {}
    for rng in list(ws.merged_cells.ranges):
        value = ws.cell(rng.min_row, rng.min_col).value
        for r in range(rng.min_row, rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                fills[(r, c)] = value
    grid: list[list[str | None]] = []
    numbers: list[int] = []
    for r, row in enumerate(ws.iter_rows(values_only=True), start=1):
        values = [cell_text(fills.get((r, c), v)) for c, v in enumerate(row, start=1)]
        while values and values[-1] is None:
            values.pop()
        grid.append(values)
        numbers.append(r)
    width = max((len(g) for g in grid), default=0)
    return [g + [None] * (width - len(g)) for g in grid], numbers


def filename_fields(path: Path, contract: Contract) -> dict[str, str]:
    """Values the file name carries (e.g. the period), per the contract's filename_fields."""
    out = {}
    for column, pattern in contract.filename_fields.items():
        match = re.search(pattern, path.name)
        if match is None:
            raise YecaiError(
                f"{path.name}: the name does not contain {column} (expected to match {pattern!r})",
                "rename the file the way the HR system names its exports",
            )
        out[column] = match.group(1)
    return out


def read_export(path: Path, contract: Contract) -> FileTable:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        table = read_csv_export(path, contract)
    elif suffix in (".xlsx", ".xlsm"):
        table = read_xlsx_export(path, contract)
    else:
        raise YecaiError(
            f"{path.name}: unsupported file type {suffix!r}", "export as .csv or .xlsx"
        )
    if not table.rows:
        # An export of a period with nobody in it is far likelier a failed export than
        # the truth; landing "nothing" for the period would hide that.
        raise YecaiError(
            f"{path.name}: the file has a header but no data rows",
            "export the file again with its rows (or move it out if the period has none)",
        )
    return table
