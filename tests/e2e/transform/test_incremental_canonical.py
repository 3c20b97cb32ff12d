"""The incremental canonical models give exactly the rows of a full build after a daily increment.

One module fixture generates the demo (scale 0.01), lands the ERP, the foreign subsidiary's
books and the HR exports with the real ingestion runner and builds the incremental canonical
models with dbt from scratch. It then changes what a daily run meets: the ERP advances one
business day (new vouchers, orders and invoices; changed and physically deleted orders landed in
earlier batches, which become tombstones), one inventory movement is corrected, one deleted and
one added in the ERP, and a dimension one stored row looked up is made to differ from what that
row holds. The increment runs the way the daily job does (views excluded,
no --full-refresh); a second warehouse is built from scratch on the same raw zone; every
incremental model must hold the same rows in both.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import duckdb
import pytest

from demo.defects import DELETED_RECORD, DefectLog
from demo.erp.advance import advance_erp
from demo.sqlio import parse_target
from ingestion.runner import ingest
from tests.shared.demo_home import generate_demo_company
from tests.transform.dbt_helpers import rows_differing, run_dbt
from yecai.increment import INCREMENT_EXCLUDE
from yecai.settings import get_paths

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

SEED = 7
SCALE = 0.01
INCREMENTAL = (
    "journal_voucher",
    "journal_line",
    "sales_order_line",
    "delivery",
    "customer_invoice",
    "inventory_movement",
)
SELECTION = ["--select", *[f"+{m}" for m in INCREMENTAL]]


class Increment:
    def __init__(
        self,
        incremental: Path,
        full: Path,
        stale: tuple,
        deleted: set[str],
        deleted_rows: int,
        movements: dict[str, str],
    ) -> None:
        self.incremental = incremental
        self.full = full
        self.stale = stale  # (journal_line_key, party_code it held before the increment)
        self.deleted = deleted  # sales orders the advance deleted at the source
        self.deleted_rows = deleted_rows  # their lines in the table before the increment
        self.movements = movements  # changed / deleted / new → inventory_movement_key

    def rows(self, db: Path, sql: str, *params) -> list[tuple]:
        con = duckdb.connect(str(db), read_only=True)
        try:
            return con.execute(sql, list(params)).fetchall()
        finally:
            con.close()


@pytest.fixture(scope="module")
def increment(tmp_path_factory: pytest.TempPathFactory) -> Increment:
    home = tmp_path_factory.mktemp("yecai_increment")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("YECAI_HOME", str(home))
        paths = get_paths()
        generate_demo_company(paths, seed=SEED, scale=SCALE)
        for source in ("erp", "erp2", "hr"):
            failed = [r for r in ingest(paths, source=source) if r.status == "failed"]
            assert not failed, [(r.entity, r.message) for r in failed]
        paths.build_db.parent.mkdir(parents=True, exist_ok=True)
        incremental = paths.build_db
        run_dbt(home, incremental, "seed")
        run_dbt(home, incremental, "run", "--full-refresh", *SELECTION)

        # A crosswalk change since the last run, as the next run will see it: the snapshot of
        # the party mapping (what the stored rows were built with) says one party mapped
        # elsewhere, and the stored lines of that party hold that other code.
        con = duckdb.connect(str(incremental))
        try:
            line_key, party_key, party_code = con.execute(
                """select journal_line_key, source_system || ':' || party_source_code, party_code
                   from canonical.journal_line where party_code is not null
                   order by journal_line_key limit 1"""
            ).fetchone()
            con.execute(
                "update incremental_state.journal_line__dims set v = 'P-STALE' "
                "where dimension = 'party' and k = ?",
                [party_key],
            )
            con.execute(
                "update canonical.journal_line set party_code = 'P-STALE' "
                "where source_system || ':' || party_source_code = ?",
                [party_key],
            )
        finally:
            con.close()

        log = DefectLog()
        advance_erp(parse_target(paths.demo / "erp.sqlite"), 1, log)
        movements = _edit_inventory_movements(paths.demo / "erp.sqlite")
        failed = [r for r in ingest(paths, source="erp") if r.status == "failed"]
        assert not failed
        deleted = {f"erp:{key}" for key in log.keys(DELETED_RECORD, "erp", "sales_orders")}
        con = duckdb.connect(str(incremental), read_only=True)
        try:
            deleted_rows = _lines_of_orders(con, deleted)
        finally:
            con.close()
        run_dbt(home, incremental, "run", *SELECTION, "--exclude", *INCREMENT_EXCLUDE)

        full = incremental.with_name("full.duckdb")
        run_dbt(home, full, "seed")
        run_dbt(home, full, "run", "--full-refresh", *SELECTION)
        yield Increment(incremental, full, (line_key, party_code), deleted, deleted_rows, movements)


def _edit_inventory_movements(erp: Path) -> dict[str, str]:
    """What a day may do to the ERP's inventory movements, whether or not the advance did it:
    one movement's amount is corrected, one is deleted, and a new one lands in the newest
    movement's period. The canonical keys of the three."""
    con = sqlite3.connect(erp)
    try:
        (changed, gone), stamp = (
            [
                no
                for (no,) in con.execute(
                    "select movement_no from inventory_movements order by movement_no limit 2"
                )
            ],
            con.execute(
                "select datetime(max(updated_at), '+1 second') from inventory_movements"
            ).fetchone()[0],
        )
        con.execute(
            "update inventory_movements set amount = amount + 1, updated_at = ? "
            "where movement_no = ?",
            [stamp, changed],
        )
        con.execute("delete from inventory_movements where movement_no = ?", [gone])
        con.execute(
            """insert into inventory_movements
               select 'MV990000000001', company_code, movement_date, movement_type, material_no,
                      warehouse_code, quantity, unit_cost, amount, ref_doc_type, ref_doc_no, ?
               from inventory_movements
               order by movement_date desc, movement_no desc limit 1""",
            [stamp],
        )
        con.commit()
    finally:
        con.close()
    return {"changed": f"erp:{changed}", "deleted": f"erp:{gone}", "new": "erp:MV990000000001"}


def _lines_of_orders(con: duckdb.DuckDBPyConnection, orders: set[str]) -> int:
    return con.execute(
        "select count(*) from canonical.sales_order_line where list_contains(?, sales_order_key)",
        [sorted(orders)],
    ).fetchone()[0]


@pytest.mark.parametrize("model", INCREMENTAL)
def test_the_increment_leaves_the_rows_of_a_full_build(increment: Increment, model: str) -> None:
    only_inc, only_full, rows = rows_differing(
        increment.incremental, increment.full, f"canonical.{model}"
    )
    assert rows > 0
    assert (only_inc, only_full) == (0, 0)


@pytest.mark.parametrize("model", INCREMENTAL)
def test_the_increment_rebuilt_only_some_groups(increment: Increment, model: str) -> None:
    # what this run decided to rewrite: a part of the table, not a rebuild of everything
    rebuilt, everything = increment.rows(
        increment.incremental,
        f"select count(*), coalesce(bool_or(rebuild_all), false) "
        f"from incremental_state.{model}__scope",
    )[0]
    groups = increment.rows(
        increment.incremental,
        f"select count(distinct {_group_key(model)}) from canonical.{model}",
    )[0][0]
    assert not everything
    assert rebuilt < groups / 2


def _group_key(model: str) -> str:
    return {
        "journal_voucher": "journal_voucher_key",
        "journal_line": "journal_voucher_key",
        "sales_order_line": "sales_order_key",
        "delivery": "delivery_key",
        "customer_invoice": "customer_invoice_key",
        "inventory_movement": "inventory_movement_key",
    }[model]


def test_new_vouchers_of_the_day_arrived(increment: Increment) -> None:
    new_vouchers = increment.rows(
        increment.incremental, "select count(*) from incremental_state.journal_voucher__scope"
    )[0][0]
    assert new_vouchers > 0


def test_orders_deleted_at_the_source_are_gone(increment: Increment) -> None:
    # orders landed in the first load, deleted at the source a day later (tombstones)
    assert increment.deleted_rows > 0
    con = duckdb.connect(str(increment.incremental), read_only=True)
    try:
        assert _lines_of_orders(con, increment.deleted) == 0
    finally:
        con.close()


def test_a_changed_party_mapping_rewrites_the_rows_that_looked_it_up(increment: Increment) -> None:
    line_key, party_code = increment.stale
    now = increment.rows(
        increment.incremental,
        "select party_code from canonical.journal_line where journal_line_key = ?",
        line_key,
    )
    assert now == [(party_code,)]


def test_inventory_movements_changed_deleted_and_new_are_taken(increment: Increment) -> None:
    keys = increment.movements
    sql = (
        "select inventory_movement_key, amount, movement_date from canonical.inventory_movement "
        "where list_contains(?, inventory_movement_key) order by 1"
    )
    now = increment.rows(increment.incremental, sql, sorted(keys.values()))
    assert now == increment.rows(increment.full, sql, sorted(keys.values()))
    assert {key for key, _, _ in now} == {keys["changed"], keys["new"]}
    scope = {
        key
        for (key,) in increment.rows(
            increment.incremental,
            "select group_key from incremental_state.inventory_movement__scope",
        )
    }
    assert set(keys.values()) <= scope
