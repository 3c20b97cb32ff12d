"""A no-change rerun asks the database instead of scanning, on SQLite, PostgreSQL and MariaDB,
and still lands a late-arriving row inside the look-back window and detects a delete."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from decimal import Decimal

import duckdb
import pytest

from demo.sqlio import opened, parse_target, placeholder
from ingestion.runner import ingest
from ingestion.source_state import (
    UNCHANGED_NOTE,
    read_fingerprints,
    state_path,
)
from tests.shared.databases import checkout_database, mysql_url, pg_url
from tests.shared.demo_home import generate_demo_company
from yecai.settings import Paths

pytestmark = pytest.mark.integration

SEED = 11
TABLE = "sales_orders"
BACKENDS = {
    "sqlite": None,
    "postgresql": pg_url(checkout_database("yecai_fingerprints")),
    "mysql": mysql_url(checkout_database("yecai_fingerprints")),
}
# PostgreSQL's counters reach other sessions within ~10 s; SQLite and MariaDB settle in 2 s.
WAIT_SECONDS = 30


def wait_for(condition, what: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {WAIT_SECONDS}s: {what}")
        time.sleep(0.25)


def landed_keys(paths: Paths) -> dict[str, bool]:
    """_source_pk → is its latest version a tombstone."""
    glob = paths.raw / "erp" / TABLE / "batch=*" / "*.parquet"
    rows = duckdb.sql(
        f"select _source_pk, arg_max(_is_deleted, _batch_id) from read_parquet('{glob}', "
        "union_by_name = true, hive_partitioning = false) group by 1"
    ).fetchall()
    return dict(rows)


@pytest.mark.parametrize("backend", list(BACKENDS))
def test_no_change_rerun_skips_the_scan_and_changes_still_land(tmp_path, monkeypatch, backend):
    paths = Paths(home=tmp_path)
    url = BACKENDS[backend]
    generate_demo_company(paths, erp_url=url, seed=SEED, scale=0.01)
    if url:
        monkeypatch.setenv("YECAI_ERP_URL", url)
    else:
        monkeypatch.delenv("YECAI_ERP_URL", raising=False)
        url = f"sqlite:///{paths.demo / 'erp.sqlite'}"
    target = parse_target(url if backend != "sqlite" else paths.demo / "erp.sqlite")

    def fingerprint():
        return read_fingerprints(url, [TABLE])[TABLE]

    wait_for(lambda: fingerprint() is not None and fingerprint().settled, "generate settles")
    [first] = ingest(paths, source="erp", entity=TABLE)
    assert first.status == "succeeded" and first.rows_landed > 100
    assert state_path(paths, "erp", TABLE).is_file()

    # Nothing changed: recorded without reading the table (no look-back rows re-read).
    [again] = ingest(paths, source="erp", entity=TABLE)
    assert again.status == "no_change", again.message
    assert again.message.startswith(UNCHANGED_NOTE) and again.rows_unchanged == 0
    assert again.watermark == first.watermark

    # A late-arriving order (saved before the watermark, inside the look-back) and a delete.
    before = landed_keys(paths)
    gone = sorted(before)[0]
    saved = datetime.fromisoformat(first.watermark.replace("Z", "")) - timedelta(days=1)
    ph = placeholder(target)
    with opened(target) as conn:
        cur = conn.cursor()
        cur.execute(
            f"insert into {TABLE} (order_no, company_code, customer_no, order_date, "
            "requested_date, currency, net_amount, tax_amount, gross_amount, sales_rep_user, "
            f"order_status, updated_at) values ({', '.join([ph] * 12)})",
            (
                "SO25LATE0001",
                "1000",
                None,
                saved.date(),
                saved.date(),
                "CNY",
                Decimal("100.00"),
                Decimal("13.00"),
                Decimal("113.00"),
                None,
                "OPEN",
                saved.replace(microsecond=0),
            ),
        )
        cur.execute(f"delete from {TABLE} where order_no = {ph}", (gone,))
    remembered = state_path(paths, "erp", TABLE).read_text(encoding="utf-8")
    wait_for(
        lambda: (fp := fingerprint()) is not None and fp.settled and fp.value not in remembered,
        "the database shows the change",
    )
    [third] = ingest(paths, source="erp", entity=TABLE)
    assert third.status == "succeeded", third.message
    assert third.rows_deleted == 1 and third.rows_landed == 2  # the late row + one tombstone
    after = landed_keys(paths)
    assert after["SO25LATE0001"] is False and after[gone] is True
    assert third.watermark == first.watermark  # the late row is older than the watermark

    # And quiet again.
    [fourth] = ingest(paths, source="erp", entity=TABLE)
    assert fourth.status == "no_change" and fourth.message.startswith(UNCHANGED_NOTE)
    # A full refresh never skips.
    [full] = ingest(paths, source="erp", entity=TABLE, full_refresh=True)
    assert not full.message.startswith(UNCHANGED_NOTE)


def test_a_write_to_another_sqlite_table_does_not_make_this_one_be_read(tmp_path, monkeypatch):
    """SQLite's file fingerprint moves with any write; the table's page hash tells the rest."""
    paths = Paths(home=tmp_path)
    generate_demo_company(paths, seed=SEED, scale=0.01)
    monkeypatch.delenv("YECAI_ERP_URL", raising=False)
    url = f"sqlite:///{paths.demo / 'erp.sqlite'}"
    target = parse_target(paths.demo / "erp.sqlite")
    [first] = ingest(paths, source="erp", entity=TABLE)
    assert first.status == "succeeded"

    with opened(target) as conn:  # another table only
        conn.cursor().execute("update customers set phone = '13800000000' where rowid = 1")
    wait_for(lambda: read_fingerprints(url, [TABLE])[TABLE].settled, "the write settles")
    moved = read_fingerprints(url, [TABLE])[TABLE].value
    assert moved not in state_path(paths, "erp", TABLE).read_text(encoding="utf-8")
    [second] = ingest(paths, source="erp", entity=TABLE)
    assert second.status == "no_change" and second.message.startswith(UNCHANGED_NOTE)
    assert second.message.endswith(f"{first.batch_id}; not read")
    # the new file fingerprint is remembered: the next run's cheap look suffices
    assert moved in state_path(paths, "erp", TABLE).read_text(encoding="utf-8")

    with opened(target) as conn:  # this table: one order closed, as an ERP would
        conn.cursor().execute(
            f"update {TABLE} set order_status = 'CLOSED', updated_at = datetime('now') "
            f"where rowid = (select min(rowid) from {TABLE} where order_status = 'OPEN')"
        )
    [third] = ingest(paths, source="erp", entity=TABLE)
    assert not third.message.startswith(UNCHANGED_NOTE), third.message
    assert third.rows_landed == 1, third.message
