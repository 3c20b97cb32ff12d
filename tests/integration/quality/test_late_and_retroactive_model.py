"""governance.late_and_retroactive_changes on a small raw zone laid out by hand.

Two batches of CRM opportunities and ERP sales orders, written as Parquet in the raw zone's
layout with their batch records (docs/interfaces.md), then the real model is built by dbt
on DuckDB. Each record is a case of the rules: late by the previous watermark, late by its
creation time on the first load, retroactive edits of completed records, and the ordinary
rows the rules must leave alone (an open order moved, a deal closed late, a status-only change,
a deletion, a change within its own period).
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from demo.install import install_company
from tests.transform.dbt_helpers import dbt_process

pytestmark = pytest.mark.integration

FIRST = "20260101T000000000000Z"
SECOND = "20260110T000000000000Z"
OPP_COLUMNS = (
    "id, account_id, name, stage, amount, currency, expected_close_date, owner_id, "
    "created_at, updated_at, deleted_at"
)
SO_COLUMNS = (
    "order_no, company_code, customer_no, order_date, requested_date, currency, net_amount, "
    "tax_amount, gross_amount, sales_rep_user, order_status, updated_at"
)


def _land(
    lake: Path, source: str, entity: str, batch: str, columns: str, rows: list[str], watermark: str
) -> None:
    """One batch: its Parquet file with the raw zone's metadata columns, and its record."""
    batch_id = f"{batch}-{source}-{entity}"
    folder = lake / "raw" / source / entity / f"batch={batch_id}"
    folder.mkdir(parents=True)
    key = columns.split(",")[0]
    values = ",\n".join(rows)
    duckdb.sql(
        f"copy (select *, '{source}' as _source_system, cast({key} as varchar) as _source_pk, "
        f"'{batch_id}' as _batch_id, timestamp '{batch[:4]}-{batch[4:6]}-{batch[6:8]}' "
        "as _extracted_at, md5(cast(" + key + " as varchar)) as _row_hash, "
        "deleted_flag as _is_deleted "
        f"from (values {values}) as t({columns}, deleted_flag)) "
        f"to '{folder / 'part-0.parquet'}' (format parquet)"
    )
    meta = lake / "_meta" / "batches"
    meta.mkdir(parents=True, exist_ok=True)
    (meta / f"{batch_id}.json").write_text(
        json.dumps(
            {
                "batch_id": batch_id,
                "source": source,
                "entity": entity,
                "status": "succeeded",
                "rows_read": len(rows),
                "rows_landed": len(rows),
                "rows_quarantined": 0,
                "watermark": watermark,
                "message": "",
            }
        ),
        encoding="utf-8",
    )


def _opp(oid, stage, amount, close, created, updated, deleted="null", tombstone="false"):
    return (
        f"('{oid}', 'ACC-1', 'deal', '{stage}', '{amount}', 'CNY', date '{close}', 'U-1', "
        f"'{created}', '{updated}', {deleted}, {tombstone})"
    )


def _so(no, order_date, requested, status, updated, net="100.00", tombstone="false"):
    return (
        f"('{no}', 'C100', 'C1', date '{order_date}', date '{requested}', 'CNY', {net}, 13.00, "
        f"{net} + 13.00, 'u1', '{status}', timestamp '{updated}', {tombstone})"
    )


@pytest.fixture(scope="module")
def changes(tmp_path_factory) -> dict[tuple[str, str], tuple[str, str]]:
    home = tmp_path_factory.mktemp("late-retro")
    lake = home / "lake"
    # first load (no previous batch): the record's own timestamps are all there is
    _land(
        lake,
        "crm",
        "opportunities",
        FIRST,
        OPP_COLUMNS,
        [
            # closed in April, created in December: late
            _opp(
                "OPP-1",
                "closed_won",
                "10.00",
                "2025-04-17",
                "2025-12-30T14:00:00Z",
                "2025-12-30T14:00:00Z",
            ),
            # closed in September, created in July, edited in December: retroactive
            _opp(
                "OPP-2",
                "closed_lost",
                "20.00",
                "2025-09-19",
                "2025-07-15T05:00:00Z",
                "2025-12-07T06:00:00Z",
            ),
            # open deal whose expected close date passed: a forecast, not a booked date
            _opp(
                "OPP-3",
                "negotiation",
                "30.00",
                "2025-10-01",
                "2025-08-01T00:00:00Z",
                "2025-12-01T00:00:00Z",
            ),
            # closed in August, will be edited in the second batch
            _opp(
                "OPP-4",
                "closed_won",
                "40.00",
                "2025-08-07",
                "2025-06-01T00:00:00Z",
                "2025-08-07T00:00:00Z",
            ),
            # closed deal soft-deleted later: a deletion, not a change
            _opp(
                "OPP-5",
                "closed_won",
                "50.00",
                "2025-02-18",
                "2024-12-29T00:00:00Z",
                "2025-12-30T00:00:00Z",
                "'2025-12-30T00:00:00Z'",
            ),
        ],
        "2025-12-31 15:36:44",
    )
    _land(
        lake,
        "crm",
        "opportunities",
        SECOND,
        OPP_COLUMNS,
        [
            _opp(
                "OPP-4",
                "closed_won",
                "38.00",
                "2025-08-07",
                "2025-06-01T00:00:00Z",
                "2026-01-01T07:00:00Z",
            ),  # amount corrected after August closed
            _opp(
                "OPP-3",
                "closed_won",
                "30.00",
                "2025-10-01",
                "2025-08-01T00:00:00Z",
                "2026-01-02T00:00:00Z",
            ),  # the open deal is won now: closing late is no edit
            _opp(
                "OPP-6",
                "closed_won",
                "60.00",
                "2025-10-14",
                "2026-01-02T19:00:00Z",
                "2026-01-02T19:00:00Z",
            ),  # first seen after the extraction passed October
            _opp(
                "OPP-7",
                "prospecting",
                "70.00",
                "2026-03-01",
                "2026-01-03T00:00:00Z",
                "2026-01-03T00:00:00Z",
            ),  # a new deal closing in the future
        ],
        "2026-01-03 10:00:00",
    )
    _land(
        lake,
        "erp",
        "sales_orders",
        FIRST,
        SO_COLUMNS,
        [
            _so("SO1", "2025-01-19", "2025-01-28", "CLOSED", "2025-05-14 17:53:24"),  # written late
            _so("SO2", "2025-12-29", "2026-01-05", "CLOSED", "2025-12-31 10:00:00"),  # same period
            _so("SO3", "2025-11-20", "2025-12-01", "OPEN", "2025-11-20 09:00:00"),
            _so("SO4", "2025-11-21", "2025-12-01", "CLOSED", "2025-11-21 09:00:00"),
            _so("SO5", "2025-11-22", "2025-12-01", "CLOSED", "2025-11-22 09:00:00"),
        ],
        "2025-12-31 18:22:11",
    )
    _land(
        lake,
        "erp",
        "sales_orders",
        SECOND,
        SO_COLUMNS,
        [
            _so("SO3", "2025-11-20", "2026-01-20", "OPEN", "2026-01-02 09:00:00"),  # open: ordinary
            _so(
                "SO4", "2025-11-21", "2025-12-01", "CLOSED", "2026-01-02 09:00:00", net="90.00"
            ),  # a closed November order re-priced in January: retroactive
            _so("SO6", "2025-11-10", "2025-11-20", "CLOSED", "2026-01-02 10:00:00"),  # late
            _so("SO7", "2026-01-02", "2026-01-09", "OPEN", "2026-01-02 11:00:00"),  # on time
            _so(
                "SO5", "2025-11-22", "2025-12-01", "CLOSED", "2026-01-03 09:00:00", tombstone="true"
            ),  # deleted: deleted_record, not a change
        ],
        "2026-01-03 17:12:25",
    )

    # The demo company's configuration says which raw entities have a version history (var
    # history_documents of its dbt project); dbt runs in its project as the pipeline runs it.
    install_company(home)
    warehouse = home / "build.duckdb"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("YECAI_HOME", str(home))
        done = dbt_process(home, warehouse, "build", "--select", "late_and_retroactive_changes")
    assert done.returncode == 0, done.stdout[-4000:]
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        rows = con.execute(
            "select source_system, record_key, kind, batch_id "
            "from governance.late_and_retroactive_changes"
        ).fetchall()
    finally:
        con.close()
    return {(s, k): (kind, batch.split("-")[0]) for s, k, kind, batch in rows}


def test_late_records_by_watermark_and_by_creation_time(changes):
    assert changes[("crm", "OPP-1")] == ("late_arriving", FIRST)
    assert changes[("crm", "OPP-6")] == ("late_arriving", SECOND)
    assert changes[("erp", "SO6")] == ("late_arriving", SECOND)


def test_retroactive_edits_of_completed_records(changes):
    assert changes[("crm", "OPP-2")] == ("retroactive_change", FIRST)
    assert changes[("crm", "OPP-4")] == ("retroactive_change", SECOND)
    assert changes[("erp", "SO4")] == ("retroactive_change", SECOND)


def test_first_extract_without_creation_time_cannot_tell_which(changes):
    assert changes[("erp", "SO1")] == ("late_or_retroactive", FIRST)


def test_ordinary_rows_are_left_alone(changes):
    # an open deal won late, a new deal, an open order moved, an order on time, a change
    # within its own period, deletions
    assert set(changes) == {
        ("crm", "OPP-1"),
        ("crm", "OPP-2"),
        ("crm", "OPP-4"),
        ("crm", "OPP-6"),
        ("erp", "SO1"),
        ("erp", "SO4"),
        ("erp", "SO6"),
    }
