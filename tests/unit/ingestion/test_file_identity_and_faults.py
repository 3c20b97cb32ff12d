"""Dropped files: identity is content + period, all-quarantined batches fail loudly, row
faults are quarantined with their row, and raw files are checked against their manifest."""

from __future__ import annotations

import dagster as dg
import duckdb
import pytest
import yaml
from typer.testing import CliRunner

from ingestion.raw_integrity import raw_zone_problems
from ingestion.runner import ingest
from orchestration.cli import app
from orchestration.defs.ingestion.assets import build_source_assets
from orchestration.defs.shared.resources import YecaiHome
from quality.runner import run_layer
from tests.unit.ingestion.test_bad_input_corpus import HEADER, ROWS, csv_bytes, make_home

pytestmark = pytest.mark.unit

RENAMED = csv_bytes(header=["编号", "姓名", "金额合计"])


def landed(paths, columns="id, period"):
    glob = paths.raw / "drops" / "people" / "batch=*" / "*.parquet"
    return sorted(duckdb.sql(f"select {columns} from '{glob}'").fetchall())


# 3. identity = content + period


def test_a_byte_identical_file_for_a_new_period_lands_for_that_period(tmp_path):
    paths, drop = make_home(tmp_path)
    (drop / "people_2025-01.csv").write_bytes(csv_bytes())
    assert [r.status for r in ingest(paths)] == ["succeeded"]

    (drop / "people_2025-02.csv").write_bytes(csv_bytes())  # last month's export, renamed
    [second] = ingest(paths)

    assert (second.status, second.source_file, second.rows_landed) == (
        "succeeded",
        "people_2025-02.csv",
        3,
    )
    assert "byte-identical to people_2025-01.csv" in second.message
    assert second.source_file_fields == {"period": "2025-02"}
    periods = [p for _id, p in landed(paths)]
    assert periods.count("2025-01") == 3 and periods.count("2025-02") == 3


def test_the_same_file_for_the_same_period_is_read_once(tmp_path):
    paths, drop = make_home(tmp_path)
    (drop / "people_2025-01.csv").write_bytes(csv_bytes())
    ingest(paths)
    (drop / "people_2025-01_copy.csv").write_bytes(csv_bytes())
    [again] = ingest(paths)
    assert again.status == "no_change"
    assert "2 already read: same content for the same period" in again.message


# 5. every row quarantined


def test_a_batch_with_every_row_quarantined_is_not_a_success_and_is_read_again(tmp_path):
    paths, drop = make_home(tmp_path)
    (drop / "people_2025-01.csv").write_bytes(RENAMED)
    [first] = ingest(paths)
    assert first.status == "quarantined_all"
    assert (first.rows_read, first.rows_landed, first.rows_quarantined) == (3, 0, 3)
    assert "every row was quarantined" in first.message

    # Not remembered as read: the same file fails again, it is never "no new files".
    [again] = ingest(paths)
    assert again.status == "quarantined_all"

    # The corrected export under the same name lands.
    (drop / "people_2025-01.csv").write_bytes(csv_bytes())
    [fixed] = ingest(paths)
    assert (fixed.status, fixed.rows_landed) == ("succeeded", 3)


def test_the_same_file_lands_once_the_contract_is_corrected(tmp_path):
    """The export renamed a column; the contract learns the new name; the very same file,
    left where it was, is read again and lands (its hash was never recorded as done)."""
    paths, drop = make_home(tmp_path)
    (drop / "people_2025-01.csv").write_bytes(RENAMED)
    assert [r.status for r in ingest(paths)] == ["quarantined_all"]

    contract_file = paths.home / "contracts" / "drops" / "people.yml"
    contract = yaml.safe_load(contract_file.read_text())
    contract["header_map"]["金额合计"] = "amount"
    contract_file.write_text(yaml.safe_dump(contract, allow_unicode=True))
    [fixed] = ingest(paths)

    assert (fixed.status, fixed.rows_landed, fixed.rows_quarantined) == ("succeeded", 3, 0)
    assert len(landed(paths)) == 3


def test_cli_exits_non_zero_when_every_row_was_quarantined(tmp_path, monkeypatch):
    paths, drop = make_home(tmp_path)
    (drop / "people_2025-01.csv").write_bytes(csv_bytes(sep=";", header=HEADER[:2]))
    monkeypatch.setenv("YECAI_HOME", str(paths.home))
    monkeypatch.setenv("COLUMNS", "200")
    result = CliRunner().invoke(app, ["ingest"])
    assert result.exit_code == 1, result.output
    assert "quarantined_all drops.people (people_2025-01.csv)" in " ".join(result.output.split())


def test_dagster_fails_the_ingest_step_when_every_row_was_quarantined(tmp_path):
    paths, drop = make_home(tmp_path)
    (drop / "people_2025-01.csv").write_bytes(RENAMED)
    asset = build_source_assets("drops", ["people"])
    result = dg.materialize(
        [asset], resources={"yecai": YecaiHome(home=str(paths.home))}, raise_on_error=False
    )
    assert not result.success
    failure = next(e for e in result.all_events if e.event_type_value == "STEP_FAILURE")
    text = str(failure.event_specific_data.error)
    assert "quarantined_all" in text and "people_2025-01.csv" in text
    # a person must fix the file: Dagster does not retry it
    assert len([e for e in result.all_events if e.event_type_value == "STEP_UP_FOR_RETRY"]) == 0


# 6. row faults are rows' faults


def test_one_row_in_another_encoding_is_quarantined_with_its_row_the_rest_lands(tmp_path):
    paths, drop = make_home(tmp_path)
    rows = [[f"P{n:02d}", "张三", "1.00"] for n in range(1, 40)]
    body = csv_bytes(rows=rows[:29])
    offset = len(body) + len(b"P30,")
    data = body + "P30,李四,1.00\r\n".encode("gbk") + csv_bytes(header=rows[30], rows=rows[31:])
    (drop / "people_2025-01.csv").write_bytes(data)

    [result] = ingest(paths)

    assert (result.status, result.rows_landed, result.rows_quarantined) == ("succeeded", 38, 1)
    qglob = paths.quarantine / "drops" / "people" / "batch=*" / "*.parquet"
    [(row, reason, code)] = duckdb.sql(
        f"select _row_number, _reason, _reason_code from '{qglob}'"
    ).fetchall()
    assert row == 31  # header is row 1, P30 is row 31
    assert f"byte offset {offset}" in reason and "GBK" in reason
    assert code == "read_fault"  # later stages classify by the code, not the wording


def test_an_unreadable_file_names_the_byte_offset_and_line(tmp_path):
    paths, drop = make_home(tmp_path)
    data = csv_bytes(rows=ROWS[:1]) + b"P02,\xff\xfe\xfd,1\r\n" * 4
    (drop / "people_2025-01.csv").write_bytes(data)
    [result] = ingest(paths)
    assert result.status == "failed"
    first_bad = data.index(b"\xff")
    assert f"offset {first_bad}, line 3" in result.message


# 8. raw files against their manifest


def test_a_half_truncated_raw_parquet_is_reported_naming_file_and_batch(tmp_path):
    paths, drop = make_home(tmp_path)
    (drop / "people_2025-01.csv").write_bytes(csv_bytes())
    [first] = ingest(paths)
    part = paths.raw / "drops" / "people" / f"batch={first.batch_id}" / "part-0.parquet"
    part.write_bytes(part.read_bytes()[: part.stat().st_size // 2])

    # the raw checks name it, whatever else fails to read the entity
    failed = [r for r in run_layer(paths, "raw") if r.check == "files_match_manifest"]
    assert [r.success for r in failed] == [False]
    assert first.batch_id in failed[0].summary() and "part-0.parquet" in failed[0].summary()

    # and the next ingest of the entity refuses to build on it
    (drop / "people_2025-02.csv").write_bytes(csv_bytes())
    [second] = ingest(paths)
    assert second.status == "failed"
    assert f"batch={first.batch_id}/part-0.parquet" in second.message
    assert "bytes, the manifest says" in second.message


def test_a_raw_file_changed_in_place_is_caught_by_its_checksum_even_after_a_clean_check(tmp_path):
    paths, drop = make_home(tmp_path)
    (drop / "people_2025-01.csv").write_bytes(csv_bytes())
    [first] = ingest(paths)
    assert raw_zone_problems(paths) == []  # verified once, remembered by size and mtime
    part = paths.raw / "drops" / "people" / f"batch={first.batch_id}" / "part-0.parquet"
    data = bytearray(part.read_bytes())
    middle = len(data) // 2
    data[middle] ^= 0xFF  # same size, same Parquet framing, other bytes
    part.write_bytes(bytes(data))

    [problem] = raw_zone_problems(paths)
    assert (problem.batch_id, problem.file) == (first.batch_id, "part-0.parquet")
    assert "sha256" in problem.problem
