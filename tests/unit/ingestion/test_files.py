"""HR-style export files: encodings, XLSX quirks, truncated files, files landed once."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from openpyxl import Workbook

from ingestion.connectors.files import read_csv_export, read_xlsx_export
from ingestion.contract import parse_contract
from ingestion.encoding import detect_encoding
from ingestion.runner import ingest
from yecai.errors import YecaiError
from yecai.settings import Paths

pytestmark = pytest.mark.unit

PAY_CONTRACT = {
    "primary_key": ["employee_id", "period"],
    "on_drift": "quarantine",
    "file_pattern": "pay_*",
    "filename_fields": {"period": r"(\d{4}-\d{2})"},
    "header_map": {"工号": "employee_id", "姓名": "name", "基本工资": "base", "个税": "tax"},
    "columns": [
        {"name": "employee_id", "type": "varchar", "nullable": False},
        {"name": "name", "type": "varchar"},
        {"name": "base", "type": "decimal(18,2)", "nullable": False},
        {"name": "tax", "type": "decimal(18,2)", "nullable": False},
        {"name": "period", "type": "varchar", "nullable": False},
    ],
}
CONTRACT = parse_contract(PAY_CONTRACT, "hr", "pay")
CSV_TEXT = "工号,姓名,基本工资,个税\r\nE001,张三,8000.00,120.50\r\nE002,李四,9000.00,210.00\r\n"


def test_encodings_are_told_apart():
    assert detect_encoding(CSV_TEXT.encode("gbk"), "a.csv") == "gb18030"
    assert detect_encoding(CSV_TEXT.encode("utf-8-sig"), "a.csv") == "utf-8-sig"
    assert detect_encoding(CSV_TEXT.encode("utf-8"), "a.csv") == "utf-8"


def test_file_cut_inside_a_character_is_reported_as_truncated():
    data = CSV_TEXT.encode("utf-8")
    cut = data[: data.index("李".encode()) + 1]
    with pytest.raises(YecaiError, match="truncated"):
        detect_encoding(cut, "a.csv")


def test_a_csv_cut_mid_row_is_truncated_and_the_message_quotes_none_of_the_row(tmp_path):
    """The batch message reaches the batch record, the run failure and the alert: it says
    where the file stops, never what the cut-off row holds (a name, an ID number)."""
    path = tmp_path / "pay_2025-01.csv"
    path.write_bytes((CSV_TEXT + "E003,王五,7000.0").encode("gbk"))
    with pytest.raises(YecaiError) as exc:
        read_csv_export(path, CONTRACT)
    assert "truncated" in exc.value.what and "line 4" in exc.value.what
    assert "E003" not in exc.value.what and "王五" not in exc.value.what
    assert "7000" not in exc.value.what


def test_an_unexpected_error_quoting_a_value_is_recorded_without_it(tmp_path):
    """A driver's or DuckDB's own error may quote the cell it choked on; the batch record
    (and so the run failure and the alert) keeps the error, not the ID number or card."""
    from ingestion.runner import _failed

    error = ValueError("Could not convert '320583198706235311' / '6217009988776655442'")
    result = _failed(Paths(home=tmp_path), "hr", "employees", "2025-01-01T00:00:00Z", None, error)
    assert "Could not convert" in result.message and "ValueError" in result.message
    assert "320583198706235311" not in result.message
    assert "6217009988776655442" not in result.message
    record = next((tmp_path / "lake" / "_meta" / "batches").glob("*.json")).read_text()
    assert "320583198706235311" not in record


def test_utf16_is_refused_with_what_to_do():
    with pytest.raises(YecaiError) as exc:
        detect_encoding(CSV_TEXT.encode("utf-16"), "a.csv")
    assert "a.csv" in exc.value.what and "UTF-8" in exc.value.fix


@pytest.mark.parametrize("encoding", ["gbk", "utf-8-sig", "utf-8"])
def test_csv_in_each_encoding_reads_the_same_chinese(tmp_path, encoding):
    path = tmp_path / "pay_2025-01.csv"
    path.write_bytes(CSV_TEXT.encode(encoding))
    table = read_csv_export(path, CONTRACT)
    assert table.header == ["工号", "姓名", "基本工资", "个税"]
    assert [r[1][1] for r in table.rows] == ["张三", "李四"]


def test_csv_cut_mid_row_fails_naming_the_file(tmp_path):
    path = tmp_path / "pay_2025-01.csv"
    path.write_bytes(CSV_TEXT.encode("gbk")[:-12])
    with pytest.raises(YecaiError, match="pay_2025-01.csv"):
        read_csv_export(path, CONTRACT)


def write_hr_workbook(path: Path, second_sheet: bool = True) -> None:
    """Title row merged across, two-row header with a merged group, a 合计 row."""
    wb = Workbook()
    sheets = [wb.active]
    if second_sheet:
        sheets.append(wb.create_sheet("分公司"))
    for n, ws in enumerate(sheets):
        ws.cell(1, 1, "某公司 2025年01月工资表")
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=4)
        ws.cell(2, 1, "工号")
        ws.merge_cells(start_row=2, start_column=1, end_row=3, end_column=1)
        ws.cell(2, 2, "姓名")
        ws.merge_cells(start_row=2, start_column=2, end_row=3, end_column=2)
        ws.cell(2, 3, "工资项目")
        ws.merge_cells(start_row=2, start_column=3, end_row=2, end_column=4)
        ws.cell(3, 3, "基本工资")
        ws.cell(3, 4, "个税")
        ws.append([f"E{n}01", "张三", 8000.0, 120.5])
        ws.append([f"E{n}02", "李四", 9000.0, 210.0])
        ws.append(["合计", None, 17000.0, 330.5])
    wb.save(path)


def test_xlsx_title_merged_header_and_totals_row(tmp_path):
    path = tmp_path / "pay_2025-01.xlsx"
    write_hr_workbook(path)
    table = read_xlsx_export(path, CONTRACT)
    assert table.header == ["工号", "姓名", "基本工资", "个税"]
    assert [r[1] for r in table.rows] == [
        ["E001", "张三", "8000", "120.5"],
        ["E002", "李四", "9000", "210"],
        ["E101", "张三", "8000", "120.5"],
        ["E102", "李四", "9000", "210"],
    ]
    # Excel row 4 of sheet 1, row 4 of sheet 2
    assert [r[0] for r in table.rows][::2] == [100004, 200004]
    assert table.notes.count("sheet Sheet: 1 title row(s) above the header skipped") == 1
    totals = [n for n in table.notes if "totals row dropped" in n]
    assert len(totals) == 2 and "合计" in totals[0]


def test_truncated_xlsx_fails_the_batch_and_leaves_nothing(tmp_path, monkeypatch):
    home = tmp_path / "home"
    drop = tmp_path / "drop"
    drop.mkdir()
    contracts = home / "contracts" / "hr"
    contracts.mkdir(parents=True)
    import yaml

    (contracts / "pay.yml").write_text(yaml.safe_dump(PAY_CONTRACT, allow_unicode=True))
    (home / "sources.yml").write_text(
        f"contracts_dir: contracts\nsources:\n  hr:\n    kind: files\n    path: {drop}\n"
        "    entities: [pay]\n"
    )
    paths = Paths(home=home)
    good = drop / "pay_2025-01.xlsx"
    write_hr_workbook(good)
    broken = drop / "pay_2025-02.xlsx"
    broken.write_bytes(good.read_bytes()[: good.stat().st_size // 2])

    results = ingest(paths)
    by_file = {r.source_file: r for r in results}
    assert by_file["pay_2025-01.xlsx"].status == "succeeded"
    assert by_file["pay_2025-01.xlsx"].rows_landed == 4
    failed = by_file["pay_2025-02.xlsx"]
    assert failed.status == "failed" and "pay_2025-02.xlsx" in failed.message
    assert "truncated" in failed.message
    batches = sorted((paths.raw / "hr" / "pay").iterdir())
    assert len(batches) == 1  # nothing of the broken file is visible
    assert list((paths.lake_meta / "tmp").iterdir()) == []
    manifest = json.loads((batches[0] / "manifest.json").read_text())
    assert any("totals row dropped" in n for n in manifest["notes"])
    periods = duckdb.sql(f"select distinct period from '{batches[0]}/*.parquet'").fetchall()
    assert periods == [("2025-01",)]

    # Same file again (even renamed): not landed twice. The broken one is retried and
    # fails again, so it keeps being reported until someone replaces it.
    (drop / "pay_2025-01-copy.xlsx").write_bytes(good.read_bytes())
    again = ingest(paths)
    assert [(r.source_file, r.status) for r in again] == [("pay_2025-02.xlsx", "failed")]


def test_full_refresh_rereads_files_without_landing_or_quarantining_twice(tmp_path):
    import yaml

    home = tmp_path / "home"
    drop = tmp_path / "drop"
    drop.mkdir()
    (home / "contracts" / "hr").mkdir(parents=True)
    (home / "contracts" / "hr" / "pay.yml").write_text(
        yaml.safe_dump(PAY_CONTRACT, allow_unicode=True)
    )
    (home / "sources.yml").write_text(
        f"contracts_dir: contracts\nsources:\n  hr:\n    kind: files\n    path: {drop}\n"
    )
    repeated = CSV_TEXT + "E002,李四,9000.00,210.00\r\n"  # E002 twice in one export
    (drop / "pay_2025-01.csv").write_bytes(repeated.encode("gbk"))
    paths = Paths(home=home)
    [first] = ingest(paths)
    assert (first.rows_landed, first.rows_quarantined) == (2, 1)
    [again] = ingest(paths, full_refresh=True)
    assert again.status == "no_change" and again.rows_unchanged == 3
    [plain] = ingest(paths)
    assert plain.status == "no_change" and "no new files" in plain.message


def test_a_file_no_contract_claims_is_reported_not_ignored(tmp_path):
    import yaml

    home = tmp_path / "home"
    drop = tmp_path / "drop"
    drop.mkdir()
    (home / "contracts" / "hr").mkdir(parents=True)
    (home / "contracts" / "hr" / "pay.yml").write_text(
        yaml.safe_dump(PAY_CONTRACT, allow_unicode=True)
    )
    (home / "sources.yml").write_text(
        f"contracts_dir: contracts\nsources:\n  hr:\n    kind: files\n    path: {drop}\n"
    )
    (drop / "pay_2025-01.csv").write_bytes(CSV_TEXT.encode("gbk"))
    (drop / "工资_2025-02.csv").write_bytes(CSV_TEXT.encode("gbk"))  # misnamed export
    results = ingest(Paths(home=home))
    assert [(r.entity, r.status) for r in results] == [
        ("pay", "succeeded"),
        ("_unmatched_files", "failed"),
    ]
    assert "工资_2025-02.csv" in results[1].message and "file_pattern" in results[1].message


def test_a_new_file_with_nothing_new_is_read_once(tmp_path):
    import yaml

    home = tmp_path / "home"
    drop = tmp_path / "drop"
    drop.mkdir()
    (home / "contracts" / "hr").mkdir(parents=True)
    contract = {**PAY_CONTRACT, "filename_fields": {}, "primary_key": ["employee_id"]}
    contract["columns"] = [c for c in PAY_CONTRACT["columns"] if c["name"] != "period"]
    (home / "contracts" / "hr" / "pay.yml").write_text(yaml.safe_dump(contract, allow_unicode=True))
    (home / "sources.yml").write_text(
        f"contracts_dir: contracts\nsources:\n  hr:\n    kind: files\n    path: {drop}\n"
    )
    paths = Paths(home=home)
    (drop / "pay_a.csv").write_bytes(CSV_TEXT.encode("gbk"))
    assert [r.status for r in ingest(paths)] == ["succeeded"]
    # same rows, different bytes (UTF-8 with BOM): read, nothing new, remembered
    (drop / "pay_b.csv").write_bytes(CSV_TEXT.encode("utf-8-sig"))
    [second] = ingest(paths)
    assert (second.status, second.source_file, second.rows_unchanged) == (
        "no_change",
        "pay_b.csv",
        2,
    )
    [third] = ingest(paths)
    assert third.source_file is None and "no new files" in third.message
