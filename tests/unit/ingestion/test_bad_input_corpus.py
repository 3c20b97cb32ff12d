"""Bad-input corpus for dropped export files (CSV and XLSX), generated here, not stored.

Each case writes one export for a generic files source (``drops.people``, keyed by id and
the period in the file name), ingests it, and asserts its outcome: landed, rows
quarantined with their reason and row number, or the batch failed with a message naming
the file. Every batch that read rows conserves them: rows in the file = landed +
quarantined, in the batch record and in the lake's Parquet.
"""

from __future__ import annotations

import io
import random
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
import yaml
from openpyxl import Workbook

from ingestion.runner import ingest
from yecai.settings import Paths

pytestmark = pytest.mark.unit

CONTRACT = {
    "primary_key": ["id", "period"],
    "on_drift": "quarantine",
    "file_pattern": "people_*",
    "filename_fields": {"period": r"(\d{4}-\d{2})"},
    "header_map": {"编号": "id", "姓名": "name", "金额": "amount"},
    "columns": [
        {"name": "id", "type": "varchar", "nullable": False},
        {"name": "name", "type": "varchar"},
        {"name": "amount", "type": "decimal(18,2)", "nullable": False},
        {"name": "period", "type": "varchar", "nullable": False},
    ],
}
HEADER = ["编号", "姓名", "金额"]
ROWS = [["P01", "张三", "100.50"], ["P02", "李四", "200.00"], ["P03", "王五", "300.25"]]


def csv_bytes(header=HEADER, rows=ROWS, encoding="utf-8", sep=",") -> bytes:
    lines = [sep.join(header)] + [sep.join(r) for r in rows]
    return "".join(line + "\r\n" for line in lines).encode(encoding)


def xlsx_bytes(header=HEADER, rows=ROWS, literal_text: bool = False) -> bytes:
    wb = Workbook()
    ws = wb.active
    if header:
        ws.append(header)
    for r in rows:
        ws.append(r)
    if literal_text:  # '=1+1' typed as text, the way a user keeps it from being computed
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def garbage(size: int = 3000) -> bytes:
    return random.Random(17).randbytes(size)


def with_row(rows, index, row):
    return rows[:index] + [row] + rows[index + 1 :]


@dataclass(frozen=True)
class Case:
    name: str
    suffix: str
    content: Callable[[], bytes]
    status: str
    rows_in_file: int = 0
    landed: int = 0
    # (row number in the file, a piece of its quarantine reason)
    quarantined: tuple[tuple[int, str], ...] = ()
    message: str = ""  # a piece of the batch message (failed batches: the error)
    period_in_name: str = "2025-01"


UTF8_WITH_GBK_ROW = (
    csv_bytes(rows=ROWS[:1])
    + "P02,李四,200.00\r\n".encode("gbk")
    + csv_bytes(header=ROWS[2], rows=[])
)
GBK_WITH_UTF8_ROW = csv_bytes(rows=ROWS[:2], encoding="gbk") + "P03,王五,300.25\r\n".encode()
DUPLICATED = ROWS + [ROWS[1]]
HUGE = "长" * 40_000
CASES = [
    # encodings
    Case("utf8", "csv", lambda: csv_bytes(), "succeeded", 3, 3),
    Case("utf8_bom", "csv", lambda: csv_bytes(encoding="utf-8-sig"), "succeeded", 3, 3),
    Case("gbk", "csv", lambda: csv_bytes(encoding="gbk"), "succeeded", 3, 3),
    Case(
        "utf8_file_one_gbk_row",
        "csv",
        lambda: UTF8_WITH_GBK_ROW,
        "succeeded",
        3,
        2,
        ((3, "line 3 is in GBK, the rest of the file in UTF-8"),),
    ),
    Case(
        "gbk_file_one_utf8_row",
        "csv",
        lambda: GBK_WITH_UTF8_ROW,
        "succeeded",
        3,
        2,
        ((4, "line 4 is in UTF-8, the rest of the file in GBK"),),
    ),
    # the file itself is unreadable
    Case("cut_mid_row", "csv", lambda: csv_bytes()[:-9], "failed", message="truncated"),
    Case(
        "cut_mid_character",
        "csv",
        lambda: csv_bytes()[: csv_bytes().index("王".encode()) + 1],
        "failed",
        message="truncated",
    ),
    Case("binary_garbage", "csv", garbage, "failed", message="binary"),
    Case("empty", "csv", lambda: b"", "failed", message="empty"),
    Case("header_only", "csv", lambda: csv_bytes(rows=[]), "failed", message="no data rows"),
    Case("xlsx_cut_in_half", "xlsx", lambda: xlsx_bytes()[:2000], "failed", message="truncated"),
    Case("xlsx_garbage", "xlsx", garbage, "failed", message="not a readable XLSX"),
    Case("xlsx_empty", "xlsx", lambda: xlsx_bytes(header=[], rows=[]), "failed", message="empty"),
    Case("xlsx_header_only", "xlsx", lambda: xlsx_bytes(rows=[]), "failed", message="no data rows"),
]
# Row faults and column changes, the same for both formats.
for suffix, make in (("csv", csv_bytes), ("xlsx", xlsx_bytes)):
    CASES += [
        Case(
            f"{suffix}_row_with_a_value_too_many",
            suffix,
            lambda make=make: make(rows=with_row(ROWS, 1, [*ROWS[1], "extra"])),
            "succeeded",
            3,
            2,
            ((3, "row has 4 values but the header has 3 columns"),),
        ),
        Case(
            f"{suffix}_huge_field",
            suffix,
            lambda make=make: make(rows=with_row(ROWS, 2, ["P03", HUGE, "300.25"])),
            "succeeded",
            3,
            2,
            ((4, "column 姓名: a value of"),),
        ),
        Case(
            f"{suffix}_duplicate_row",
            suffix,
            lambda make=make: make(rows=DUPLICATED),
            "succeeded",
            4,
            3,
            ((5, "duplicate primary key within the batch (row "),),
        ),
        Case(
            f"{suffix}_missing_key",
            suffix,
            lambda make=make: make(rows=with_row(ROWS, 0, ["", "张三", "100.50"])),
            "succeeded",
            3,
            2,
            ((2, "missing primary key id"),),
        ),
        Case(
            f"{suffix}_reordered_columns",
            suffix,
            lambda make=make: make(header=HEADER[::-1], rows=[list(reversed(r)) for r in ROWS]),
            "succeeded",
            3,
            3,
        ),
        Case(
            f"{suffix}_added_column",
            suffix,
            lambda make=make: make(header=[*HEADER, "备注"], rows=[[*r, "ok"] for r in ROWS]),
            "succeeded",
            3,
            3,
            message="new column(s) 备注 kept",
        ),
        Case(
            f"{suffix}_removed_column",
            suffix,
            lambda make=make: make(header=HEADER[:2], rows=[r[:2] for r in ROWS]),
            "quarantined_all",
            3,
            0,
            tuple((n, "contract column(s) amount missing") for n in (2, 3, 4)),
            message="every row was quarantined",
        ),
        Case(
            f"{suffix}_renamed_column",
            suffix,
            lambda make=make: make(header=["编号", "姓名", "金额合计"]),
            "quarantined_all",
            3,
            0,
            tuple((n, "contract column(s) amount missing") for n in (2, 3, 4)),
            message="renamed to 金额合计?",
        ),
        Case(
            f"{suffix}_period_column_disagrees_with_name",
            suffix,
            lambda make=make: make(
                header=[*HEADER, "period"], rows=[[*r, "2024-12"] for r in ROWS]
            ),
            "quarantined_all",
            3,
            0,
            tuple((n, "the file name says '2025-01'") for n in (2, 3, 4)),
        ),
    ]
CASES += [
    Case(
        "csv_row_with_a_value_too_few",
        "csv",
        lambda: csv_bytes(rows=with_row(ROWS, 1, ["P02", "李四"])),
        "succeeded",
        3,
        2,
        ((3, "row has only 2 of 3 columns"),),
    ),
    Case(
        "semicolon_delimiter",
        "csv",
        lambda: csv_bytes(sep=";"),
        "succeeded",
        3,
        3,
        message="delimiter ';'",
    ),
    Case("tab_delimiter", "csv", lambda: csv_bytes(sep="\t"), "succeeded", 3, 3),
    Case(
        "csv_formula_like_values",
        "csv",
        lambda: csv_bytes(rows=with_row(ROWS, 0, ["P01", "=1+1", "100.50"])),
        "succeeded",
        3,
        3,
    ),
    Case(
        "xlsx_formula_like_values",
        "xlsx",
        lambda: xlsx_bytes(rows=with_row(ROWS, 0, ["P01", "=1+1", "100.50"]), literal_text=True),
        "succeeded",
        3,
        3,
    ),
]


def make_home(tmp_path: Path) -> tuple[Paths, Path]:
    home, drop = tmp_path / "home", tmp_path / "drop"
    drop.mkdir()
    (home / "contracts" / "drops").mkdir(parents=True)
    (home / "contracts" / "drops" / "people.yml").write_text(
        yaml.safe_dump(CONTRACT, allow_unicode=True)
    )
    (home / "sources.yml").write_text(
        f"contracts_dir: contracts\nsources:\n  drops:\n    kind: files\n    path: {drop}\n"
    )
    return Paths(home=home), drop


def parquet_rows(folder: Path, columns: str = "*") -> list[tuple]:
    files = sorted(folder.glob("batch=*/*.parquet")) if folder.is_dir() else []
    if not files:
        return []
    listed = ", ".join(f"'{f}'" for f in files)
    return duckdb.sql(f"select {columns} from read_parquet([{listed}])").fetchall()


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input_corpus(tmp_path, case: Case):
    paths, drop = make_home(tmp_path)
    name = f"people_{case.period_in_name}.{case.suffix}"
    (drop / name).write_bytes(case.content())

    [result] = ingest(paths, source="drops")

    assert result.status == case.status, result.message
    assert result.source_file == name
    assert case.message in result.message
    if case.status == "failed":
        assert name in result.message
        assert not (paths.raw / "drops").exists()  # nothing of a failed file is visible
        return
    # rows conserved: every data row of the file is landed or quarantined, once
    assert result.rows_read == case.rows_in_file
    assert result.rows_read == result.rows_landed + result.rows_quarantined
    assert result.rows_landed == case.landed
    landed = parquet_rows(paths.raw / "drops" / "people", "id, name, period")
    assert len(landed) == case.landed
    assert {r[2] for r in landed} <= {case.period_in_name}
    quarantined = parquet_rows(paths.quarantine / "drops" / "people", "_row_number, _reason")
    assert len(quarantined) == result.rows_quarantined == len(case.quarantined)
    # XLSX rows are numbered sheet × 100000 + Excel row (ingestion.connectors.files)
    base = 100_000 if case.suffix == "xlsx" else 0
    for (row, reason), (got_row, got_reason) in zip(
        sorted(case.quarantined), sorted(quarantined), strict=True
    ):
        assert (got_row, reason in got_reason) == (base + row, True), got_reason
    if "formula" in case.name:
        assert ("P01", "=1+1", "2025-01") in landed  # kept as the text it is, never computed


def test_a_truncated_workbook_is_a_zip_that_cannot_be_opened():
    """Guard for the corpus: the cut XLSX above really is a broken zip, not a small one."""
    with pytest.raises(zipfile.BadZipFile):
        zipfile.ZipFile(io.BytesIO(xlsx_bytes()[:2000]))
