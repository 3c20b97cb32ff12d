"""Small build warehouses written out literally, and a publish without the GX audit.

The numbers are chosen by hand so each test knows what a reader must see at each snapshot.
``publish`` calls the lake writer exactly as ``audit_and_publish`` does after a passing
audit (the audit itself is covered in tests/integration/quality/test_publish.py).
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb

from quality.lake_writer import publish_snapshot
from quality.publish import governance_tables
from yecai.published import publish_lock
from yecai.settings import Paths

PERIODS = ("2025-01", "2025-02", "2025-03")


def build_warehouse(db: Path, generation: int, *, march_amount: str = "300.00", rows: int = 3):
    """A build with the schemas analysts read and the ones they must never see.

    ``generation`` is written into finance.a and finance.b alike: a reader that ever sees two
    different generations in one snapshot has seen a mixed publish. ``march_amount`` changes
    one period of finance.trial_balance only. ``rows`` sizes finance.a/b (bigger builds make
    publishes slow enough to be killed half-way).
    """
    db.parent.mkdir(parents=True, exist_ok=True)
    db.unlink(missing_ok=True)
    con = duckdb.connect(str(db))
    try:
        con.execute(
            f"""
            create schema finance; create schema governance; create schema staging;
            create schema incremental_state; create schema master; create schema canonical;
            create table finance.trial_balance (entity_code varchar, period varchar,
                account_code varchar, closing_balance decimal(18,2));
            insert into finance.trial_balance values
                ('E01', '2025-01', '1001', 100.00), ('E01', '2025-02', '1001', 200.00),
                ('E01', '2025-03', '1001', {march_amount});
            comment on table finance.trial_balance is 'Trial balance (科目余额表)';
            comment on column finance.trial_balance.closing_balance is 'Closing balance, debit-positive';
            create table finance.a as select range as id, {generation} as generation,
                'filler text to give the files some weight ' || range as note from range({rows});
            create table finance.b as select range as id, {generation} as generation from range({rows});
            create view finance.statement_drilldown as
                select t.*, 'BS01' as line_code from finance.trial_balance as t;
            create table finance.int_helper as select 1 as x;
            create table canonical.journal_line as select 'J1' as journal_line_id;
            create table master.parties as select 'P1' as unified_party_code;
            create view staging.stg_erp__customers as select 1 as customer_id;
            create table incremental_state.batches_seen as select 'b1' as batch_id;
            create table governance.reconciliation_exceptions as select 'none' as kind;
            """
        )
    finally:
        con.close()


def publish(paths: Paths, version: str, who: str = "tester") -> int:
    """Publish ``paths.build_db`` as one snapshot; returns its id."""
    entry = {
        "version": version,
        "run_id": f"run-{version}",
        "status": "published",
        "published_at": "2025-01-01T00:00:00+00:00",
        "who": who,
        "forced": False,
        "reason": None,
        "inputs": [],
        "failed_checks": [],
        "checks_run": 0,
    }

    def extra(snapshot_id: int) -> list[str]:
        return governance_tables(paths, [{**entry, "snapshot_id": snapshot_id}])

    commit = {"kind": "publish", **{k: entry[k] for k in ("version", "run_id", "who", "forced")}}
    with publish_lock(paths):  # as every writer of the lake does (quality.publish)
        snapshot, _ = publish_snapshot(paths, paths.build_db, extra, commit)
    return snapshot


if __name__ == "__main__":  # the killable publisher of the SIGKILL test: publish the build
    publish(Paths(home=Path(sys.argv[1])), sys.argv[2])
