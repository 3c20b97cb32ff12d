"""Batches from a small SQLite source: quarantine reasons, counts, manifests, reruns, deletes."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from ingestion import source_state
from ingestion.batches import read_batch_records
from ingestion.lake import committed_batches
from ingestion.runner import ingest
from yecai.settings import Paths

pytestmark = pytest.mark.unit

CONTRACT = """
primary_key: [order_no]
cursor: updated_at
on_drift: {on_drift}
columns:
  - {{name: order_no, type: varchar, nullable: false}}
  - {{name: customer_no, type: varchar, warn_if_null: true}}
  - {{name: currency, type: varchar, nullable: false}}
  - {{name: amount, type: "decimal(18,2)", nullable: false}}
  - {{name: order_date, type: date, nullable: false}}
  - {{name: updated_at, type: timestamp, nullable: false}}
"""

GOOD = [
    ("SO1", "C1", "CNY", "100.50", "2025-01-05", "2025-01-05 10:00:00"),
    ("SO2", "C2", "CNY", "20.00", "2025-01-06", "2025-01-06 10:00:00"),
    ("SO3", None, "USD", "7.25", "2025-01-07", "2025-01-07 10:00:00"),
]
BAD = [
    ("SO4", "C1", "CNY", "12abc", "2025-01-07", "2025-01-07 11:00:00"),  # not a decimal
    (None, "C1", "CNY", "1.00", "2025-01-07", "2025-01-07 11:00:00"),  # missing key
    ("SO5", "C1", None, "1.00", "2025-01-07", "2025-01-07 11:00:00"),  # required empty
    ("SO6", "C1", "CNY", "1.00", "2025-02-30", "2025-01-07 11:00:00"),  # impossible date
    ("SO1", "C9", "CNY", "100.50", "2025-01-05", "2025-01-05 10:00:00"),  # dup key, same cursor
]


def make_source(tmp_path: Path, rows, on_drift: str = "fail_batch", columns: str | None = None):
    home = tmp_path / "home"
    contracts = home / "contracts" / "shop"
    contracts.mkdir(parents=True)
    (contracts / "orders.yml").write_text(CONTRACT.format(on_drift=on_drift), encoding="utf-8")
    db = tmp_path / "shop.sqlite"
    con = sqlite3.connect(db)
    con.execute(
        columns
        or "create table orders (order_no text, customer_no text, currency text, "
        "amount numeric, order_date text, updated_at text)"
    )
    con.executemany(f"insert into orders values ({', '.join('?' * len(rows[0]))})", rows)
    con.commit()
    con.close()
    (home / "sources.yml").write_text(
        "contracts_dir: contracts\n"
        "sources:\n  shop:\n    kind: sql\n    url_env: SHOP_URL\n    lookback_days: 1\n"
        "    entities: [orders]\n",
        encoding="utf-8",
    )
    return Paths(home=home), db


@pytest.fixture
def shop(tmp_path, monkeypatch):
    paths, db = make_source(tmp_path, GOOD + BAD)
    monkeypatch.setenv("YECAI_HOME", str(paths.home))
    monkeypatch.setenv("SHOP_URL", f"sqlite:///{db}")
    return paths, db


def raw_rows(paths: Paths) -> list[tuple]:
    glob = paths.raw / "shop" / "orders" / "batch=*" / "*.parquet"
    return duckdb.sql(
        f"select order_no, amount, _is_deleted, _batch_id, _row_hash from read_parquet('{glob}', "
        "hive_partitioning = false) order by _batch_id, order_no"
    ).fetchall()


def quarantine_rows(paths: Paths) -> list[tuple]:
    glob = paths.quarantine / "shop" / "orders" / "batch=*" / "*.parquet"
    return duckdb.sql(
        f"select _source_pk, _reason, _row_number, amount from read_parquet('{glob}', "
        "hive_partitioning = false) order by _row_number"
    ).fetchall()


def test_contract_breaks_go_to_quarantine_with_their_reason(shop):
    paths, _ = shop
    [result] = ingest(paths)
    assert result.status == "succeeded", result.message
    assert (result.rows_read, result.rows_landed, result.rows_quarantined) == (8, 3, 5)
    reasons = {row[2]: row[1] for row in quarantine_rows(paths)}
    assert reasons[4] == "column amount: value '12abc' is not a valid decimal(18,2)"
    assert reasons[5] == "missing primary key order_no"
    assert reasons[6] == "column currency: empty in a required column"
    assert "order_date" in reasons[7] and "2025-02-30" in reasons[7]
    assert reasons[8] == "duplicate primary key within the batch (row 1 kept)"
    landed = {r[0]: r[1] for r in raw_rows(paths)}
    assert set(landed) == {"SO1", "SO2", "SO3"}
    assert str(landed["SO1"]) == "100.50"  # Decimal, exact


def test_each_quarantine_reason_has_its_code_beside_it(shop):
    """Later stages classify by ``_reason_code`` (one code per reason, same order)."""
    paths, _ = shop
    ingest(paths)
    glob = paths.quarantine / "shop" / "orders" / "batch=*" / "*.parquet"
    codes = dict(
        duckdb.sql(
            f"select _row_number, _reason_code from read_parquet('{glob}', "
            "hive_partitioning = false)"
        ).fetchall()
    )
    assert codes == {
        4: "invalid_value",
        5: "missing_key",
        6: "missing_required",
        7: "invalid_value",
        8: "duplicate_row",
    }
    [batch] = committed_batches(paths, "shop", "orders")
    manifest = json.loads((batch / "manifest.json").read_text())
    assert manifest["warning_codes"] == {
        "missing reference: customer_no is empty": "missing_reference"
    }


def test_missing_reference_lands_and_is_reported_with_its_key(shop):
    paths, _ = shop
    ingest(paths)
    [batch] = committed_batches(paths, "shop", "orders")
    manifest = json.loads((batch / "manifest.json").read_text())
    assert manifest["warnings"] == {"missing reference: customer_no is empty": ["SO3"]}


def test_manifest_checksum_counts_and_metadata(shop):
    paths, _ = shop
    [result] = ingest(paths)
    [batch] = committed_batches(paths, "shop", "orders")
    manifest = json.loads((batch / "manifest.json").read_text())
    part = batch / "part-0.parquet"
    digest = hashlib.sha256(part.name.encode() + part.read_bytes()).hexdigest()
    assert manifest["checksum_sha256"] == digest
    assert manifest["rows"] == 3 == duckdb.sql(f"select count(*) from '{part}'").fetchone()[0]
    assert manifest["watermark"] == "2025-01-07 11:00:00"
    meta = duckdb.sql(
        f"select distinct _source_system, _batch_id, typeof(_extracted_at), typeof(amount) "
        f"from '{part}'"
    ).fetchall()
    assert meta == [("shop", result.batch_id, "TIMESTAMP", "DECIMAL(18,2)")]
    [record] = read_batch_records(paths)
    assert record["rows_read"] == record["rows_landed"] + record["rows_quarantined"]
    assert record["status"] == "succeeded"


def test_identical_rerun_is_a_recorded_no_change(shop):
    paths, _ = shop
    ingest(paths)
    before = raw_rows(paths), quarantine_rows(paths)
    # Without the database's fingerprint (source_state) the rerun reads the look-back window.
    source_state.forget(paths, "shop", "orders")
    [again] = ingest(paths)
    assert again.status == "no_change"
    assert (again.rows_read, again.rows_landed, again.rows_quarantined) == (0, 0, 0)
    # Watermark 2025-01-07 11:00 minus one day of look-back: the five rows updated since
    # 2025-01-06 11:00 are read again, recognised, and neither landed nor re-quarantined.
    assert again.rows_unchanged == 5
    assert (raw_rows(paths), quarantine_rows(paths)) == before
    assert [r["status"] for r in read_batch_records(paths)] == ["succeeded", "no_change"]


def test_incremental_run_lands_changes_late_updates_and_deletes_once(shop):
    paths, db = shop
    ingest(paths)
    con = sqlite3.connect(db)
    # new row, a changed row, a late update inside the look-back window, a delete
    con.execute(
        "insert into orders values ('SO7', 'C1', 'CNY', '5.00', '2025-01-08', "
        "'2025-01-08 09:00:00')"
    )
    con.execute(
        "update orders set amount = '21.00', updated_at = '2025-01-08 10:00:00' "
        "where order_no = 'SO2'"
    )
    con.execute(
        "update orders set amount = '8.00', updated_at = '2025-01-06 23:00:00' "
        "where order_no = 'SO3'"
    )
    con.execute("delete from orders where order_no = 'SO1'")
    con.commit()
    con.close()
    [second] = ingest(paths)
    assert second.status == "succeeded", second.message
    assert (second.rows_landed, second.rows_deleted, second.rows_quarantined) == (4, 1, 0)
    rows = raw_rows(paths)
    latest = {}
    for order_no, amount, deleted, _batch, _hash in rows:
        latest[order_no] = (str(amount), deleted)
    assert latest == {
        "SO1": ("100.50", True),
        "SO2": ("21.00", False),
        "SO3": ("8.00", False),
        "SO7": ("5.00", False),
    }
    [third] = ingest(paths)
    assert third.status == "no_change"
    assert len(raw_rows(paths)) == len(rows)


def test_fail_batch_drift_fails_with_a_message_and_leaves_nothing(tmp_path, monkeypatch):
    rows = [("SO1", "C1", "CNY", "1.00", "2025-01-05 10:00:00")]
    paths, db = make_source(
        tmp_path,
        rows,
        on_drift="fail_batch",
        columns="create table orders (order_no text, customer_no text, currency text, "
        "amount_cny numeric, updated_at text)",
    )
    monkeypatch.setenv("SHOP_URL", f"sqlite:///{db}")
    [result] = ingest(paths)
    assert result.status == "failed"
    assert "amount" in result.message and "order_date" in result.message
    assert "amount_cny" in result.message  # the likely rename is named
    assert not (paths.raw / "shop").exists() and not (paths.quarantine / "shop").exists()
    assert list((paths.lake_meta / "tmp").iterdir()) == []


def test_quarantine_drift_quarantines_every_row_with_the_reason(tmp_path, monkeypatch):
    rows = [("SO1", "C1", "CNY", "1.00", "2025-01-05 10:00:00", "web")]
    paths, db = make_source(
        tmp_path,
        rows,
        on_drift="quarantine",
        columns="create table orders (order_no text, customer_no text, currency text, "
        "amount numeric, updated_at text, channel text)",
    )
    monkeypatch.setenv("SHOP_URL", f"sqlite:///{db}")
    [result] = ingest(paths)
    assert (result.rows_landed, result.rows_quarantined) == (0, 1)
    assert result.added_columns == ["channel"]
    [(pk, reason, _n, _amount)] = quarantine_rows(paths)
    assert pk == "SO1"
    assert "schema drift" in reason and "order_date" in reason


def test_failure_mid_commit_leaves_no_partial_batch_and_next_run_recovers(shop, monkeypatch):
    paths, _ = shop
    import ingestion.landing as landing

    real_rename = landing.os.rename
    calls = []

    def rename_then_die(src, dst):
        calls.append(dst)
        if len(calls) == 2:  # quarantine moved in, raw batch not yet: the worst moment
            raise OSError("disk gone")
        return real_rename(src, dst)

    monkeypatch.setattr(landing.os, "rename", rename_then_die)
    [failed] = ingest(paths)
    assert failed.status == "failed" and "disk gone" in failed.message
    assert committed_batches(paths, "shop", "orders") == []
    monkeypatch.setattr(landing.os, "rename", real_rename)
    [ok] = ingest(paths)
    assert ok.status == "succeeded"
    assert (ok.rows_landed, ok.rows_quarantined) == (3, 5)
    assert len(quarantine_rows(paths)) == 5  # the orphaned quarantine of the failed try is gone
    assert sorted(r[0] for r in raw_rows(paths)) == ["SO1", "SO2", "SO3"]


def test_repeated_key_lands_its_latest_version_and_quarantines_the_others(tmp_path, monkeypatch):
    rows = [
        ("SO1", "C1", "CNY", "1.00", "2025-01-05", "2025-01-05 10:00:00"),  # row 1
        ("SO1", "C1", "CNY", "3.00", "2025-01-05", "2025-01-05 12:00:00"),  # row 2: latest
        ("SO1", "C1", "CNY", "2.00", "2025-01-05", "2025-01-05 11:00:00"),  # row 3
        ("SO2", "C2", "CNY", "9.00", "2025-01-05", "2025-01-05 10:00:00"),  # row 4
    ]
    paths, db = make_source(tmp_path, rows)
    monkeypatch.setenv("SHOP_URL", f"sqlite:///{db}")
    [result] = ingest(paths)
    assert (result.rows_read, result.rows_landed, result.rows_quarantined) == (4, 2, 2)
    assert {r[0]: str(r[1]) for r in raw_rows(paths)} == {"SO1": "3.00", "SO2": "9.00"}
    # quarantine keeps the source's own text (SQLite stores '1.00' in a numeric column as 1)
    assert [(r[2], r[1], Decimal(r[3])) for r in quarantine_rows(paths)] == [
        (1, "duplicate primary key within the batch (row 2 kept)", Decimal("1.00")),
        (3, "duplicate primary key within the batch (row 2 kept)", Decimal("2.00")),
    ]


def test_rerun_after_an_all_quarantined_batch_does_not_count_defects_twice(tmp_path, monkeypatch):
    # Nothing ever landed, but defects were quarantined: the rerun must still recognise them.
    paths, db = make_source(tmp_path, BAD[:4])
    monkeypatch.setenv("SHOP_URL", f"sqlite:///{db}")
    [first] = ingest(paths)
    assert (first.rows_landed, first.rows_quarantined) == (0, 4)
    source_state.forget(paths, "shop", "orders")  # read the look-back window again
    [again] = ingest(paths)
    assert again.status == "no_change", again.message
    assert (again.rows_read, again.rows_quarantined, again.rows_unchanged) == (0, 0, 4)
    assert len(quarantine_rows(paths)) == 4


def test_numbers_with_thousands_separators_land_and_are_reported(tmp_path, monkeypatch):
    rows = [
        ("SO1", "C1", "CNY", "12,345.60", "2025-01-05", "2025-01-05 10:00:00"),
        ("SO2", "C1", "CNY", "7.00", "2025-01-05", "2025-01-05 10:00:00"),
    ]
    paths, db = make_source(tmp_path, rows)
    monkeypatch.setenv("SHOP_URL", f"sqlite:///{db}")
    [result] = ingest(paths)
    assert (result.rows_landed, result.rows_quarantined) == (2, 0)
    assert {r[0]: str(r[1]) for r in raw_rows(paths)} == {"SO1": "12345.60", "SO2": "7.00"}
    [batch] = committed_batches(paths, "shop", "orders")
    drift = json.loads((batch / "manifest.json").read_text())["schema_drift"]
    assert [(d["change"], d["columns"]) for d in drift] == [("retyped", ["amount"])]


def test_column_retyped_at_the_source_fails_the_batch(tmp_path, monkeypatch):
    rows = [
        ("SO1", "C1", "CNY", "high", "2025-01-05", "2025-01-05 10:00:00"),
        ("SO2", "C1", "CNY", "low", "2025-01-05", "2025-01-05 10:00:00"),
    ]
    paths, db = make_source(tmp_path, rows, on_drift="fail_batch")
    monkeypatch.setenv("SHOP_URL", f"sqlite:///{db}")
    [result] = ingest(paths)
    assert result.status == "failed"
    assert "amount no longer holds decimal(18,2) values (none of 2 values cast)" in result.message
    assert committed_batches(paths, "shop", "orders") == []


def test_bad_values_beside_good_ones_are_quarantined_not_a_retype(tmp_path, monkeypatch):
    # The clean rows stream straight to Parquet and the broken ones take the full path;
    # the retype verdict must still see both: two bad amounts next to good ones are two
    # bad rows, not a column whose type changed.
    rows = GOOD + [
        ("SO7", "C1", "CNY", "high", "2025-01-05", "2025-01-05 10:00:00"),
        ("SO8", "C1", "CNY", "low", "2025-01-05", "2025-01-05 10:00:00"),
    ]
    paths, db = make_source(tmp_path, rows, on_drift="fail_batch")
    monkeypatch.setenv("SHOP_URL", f"sqlite:///{db}")
    [result] = ingest(paths)
    assert result.status == "succeeded", result.message
    assert (result.rows_read, result.rows_landed, result.rows_quarantined) == (5, 3, 2)
    [batch] = committed_batches(paths, "shop", "orders")
    manifest = json.loads((batch / "manifest.json").read_text())
    assert manifest["schema_drift"] == []
    assert [p.name for p in batch.glob("*.parquet")] == ["part-0.parquet"]


def test_a_batch_with_clean_and_duplicate_rows_lands_as_one_file(shop):
    # SO1 occurs twice: its rows take the full path (ranking), the others stream. The batch
    # is still one Parquet file holding each landed key once.
    paths, _ = shop
    ingest(paths)
    [batch] = committed_batches(paths, "shop", "orders")
    assert [p.name for p in batch.glob("*.parquet")] == ["part-0.parquet"]
    keys = duckdb.sql(f"select _source_pk from '{batch}/part-0.parquet' order by 1").fetchall()
    assert keys == [("SO1",), ("SO2",), ("SO3",)]


def test_a_cursor_the_live_table_lacks_fails_the_batch_naming_it(tmp_path, monkeypatch):
    """Never a silent switch to a full read every day: the table's cursor column is misspelt."""
    rows = [(r[0], r[1], r[2], r[3], r[4], r[5]) for r in GOOD]
    paths, db = make_source(
        tmp_path,
        rows,
        columns="create table orders (order_no text, customer_no text, currency text, "
        "amount numeric, order_date text, update_at text)",
    )
    monkeypatch.setenv("SHOP_URL", f"sqlite:///{db}")
    [result] = ingest(paths)
    assert result.status == "failed" and result.rows_landed == 0
    assert "cursor 'updated_at' is not a column of table orders" in result.message
    assert "did you mean 'update_at'?" in result.message
    assert not (paths.raw / "shop" / "orders").exists()


def test_a_quarantine_reason_does_not_quote_a_classified_value():
    """A pay amount typed with its unit is quarantined, and the reason (which reaches batch
    messages and governance.ingestion_batches) says which column and why, not the pay; an
    unclassified column's bad value is still quoted, to recognise it."""
    from ingestion.contract import parse_contract
    from ingestion.validation import typed_select_sql

    contract = parse_contract(
        {
            "primary_key": ["id"],
            "columns": [
                {"name": "id", "type": "varchar", "nullable": False},
                {"name": "pay", "type": "decimal(18,2)", "classification": "salary"},
                {"name": "birth_date", "type": "date"},  # its name says it: fail closed
                {"name": "qty", "type": "integer"},
            ],
        },
        "hr",
        "pay",
    )
    con = duckdb.connect()
    con.execute(
        "create table src as select 1 as _row_number, false as _src_deleted, 'E1' as id, "
        "'18765.43元' as pay, "
        "'1987-13-45' as birth_date, '3x' as qty"
    )
    mapping = {c: c for c in ("id", "pay", "birth_date", "qty")}
    (reasons,) = con.execute(
        f"select _reasons from ({typed_select_sql(contract, mapping, (), 'src')})"
    ).fetchone()
    text = " | ".join(reasons)
    assert "column pay:" in text and "column birth_date:" in text
    assert "18765.43" not in text and "1987-13-45" not in text
    assert "column qty: value '3x' is not a valid integer" in text
