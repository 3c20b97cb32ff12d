"""The incremental finance chain gives exactly the rows of a full build after a daily increment.

int_finance__posting_basis, int_finance__derived_entries and
int_finance__document_reconciliation rebuild only the document groups whose content changed
(dbt_project/macros/incremental/finance_increment.sql). One module fixture generates the demo
(scale 0.01), lands it, builds the chain from scratch, then plants what an increment must put
right: a stored row that no longer matches its document (its group's snapshot says it changed)
and a stored document that no longer exists (a group that vanished). The ERP advances one
business day and is landed; the increment runs as the daily job does; a second warehouse is
built from scratch on the same raw zone; every model of the chain must hold the same rows in
both, and the increment must have rewritten only a part of each.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from demo.defects import DefectLog
from demo.erp.advance import advance_erp
from demo.sqlio import parse_target
from ingestion.runner import ingest
from tests.shared.demo_home import generate_demo_company
from tests.transform.dbt_helpers import rows_differing, run_dbt
from yecai.increment import INCREMENT_EXCLUDE
from yecai.settings import get_paths

# four dbt runs of the finance chain and its upstream: past the default 900 s on a busy machine
pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.timeout(1800)]

SEED = 7
SCALE = 0.01
# model → its group key over the stored rows (as finance_increment.sql declares it)
INCREMENTAL = {
    "int_finance__posting_basis": "document_type || ':' || document_key",
    "int_finance__derived_entries": "document_type || ':' || document_key",
    "int_finance__document_reconciliation": (
        "coalesce(entity_code, '') || '|' || coalesce(document_type, '') || '|' "
        "|| coalesce(match_key, '')"
    ),
}
SELECTION = ["--select", "+int_finance__document_reconciliation"]
GHOST = "erp:GHOST-DOCUMENT"


class Increment:
    def __init__(self, incremental: Path, full: Path, tampered: tuple[str, str]) -> None:
        self.incremental = incremental
        self.full = full
        self.tampered = tampered  # (document_type, document_key) whose stored rows were spoilt

    def rows(self, db: Path, sql: str, *params) -> list[tuple]:
        con = duckdb.connect(str(db), read_only=True)
        try:
            return con.execute(sql, list(params)).fetchall()
        finally:
            con.close()


@pytest.fixture(scope="module")
def increment(tmp_path_factory: pytest.TempPathFactory) -> Increment:
    home = tmp_path_factory.mktemp("yecai_finance_increment")
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

        con = duckdb.connect(str(incremental))
        try:
            # A stored document whose rows no longer match it, as if built from an older
            # version: its amounts are spoilt in the posting basis and the derived entries,
            # and each model's snapshot says the document changed since it was built.
            document_type, document_key = con.execute(
                """select document_type, document_key from finance.int_finance__posting_basis
                   where document_type = 'customer_invoice' order by document_key limit 1"""
            ).fetchone()
            for table in ("int_finance__posting_basis", "int_finance__derived_entries"):
                con.execute(
                    f"update finance.{table} set amount_functional = amount_functional + 1 "
                    "where document_type = ? and document_key = ?",
                    [document_type, document_key],
                )
                con.execute(
                    f"update incremental_state.{table}__dims set v = 'stale' where k = ?",
                    [f"{document_type}:{document_key}"],
                )
            # A document that no longer exists at all: its rows and snapshot entry are there,
            # nothing upstream builds it any more.
            for table, group in (
                ("int_finance__posting_basis", "documents"),
                ("int_finance__derived_entries", "basis"),
            ):
                con.execute(
                    f"""insert into finance.{table}
                        select * replace ('{GHOST}' as document_key)
                        from finance.{table} where document_type = ? and document_key = ?""",
                    [document_type, document_key],
                )
                con.execute(
                    f"""insert into incremental_state.{table}__dims
                        values ('{group}', ?, 'ghost', 1)""",
                    [f"{document_type}:{GHOST}"],
                )
        finally:
            con.close()

        advance_erp(parse_target(paths.demo / "erp.sqlite"), 1, DefectLog())
        failed = [r for r in ingest(paths, source="erp") if r.status == "failed"]
        assert not failed
        run_dbt(home, incremental, "run", *SELECTION, "--exclude", *INCREMENT_EXCLUDE)

        full = incremental.with_name("full.duckdb")
        run_dbt(home, full, "seed")
        run_dbt(home, full, "run", "--full-refresh", *SELECTION)
        yield Increment(incremental, full, (document_type, document_key))


@pytest.mark.parametrize("model", INCREMENTAL)
def test_the_increment_leaves_the_rows_of_a_full_build(increment: Increment, model: str) -> None:
    only_inc, only_full, rows = rows_differing(
        increment.incremental, increment.full, f"finance.{model}"
    )
    assert rows > 0
    assert (only_inc, only_full) == (0, 0)


@pytest.mark.parametrize("model", INCREMENTAL)
def test_the_increment_rewrote_some_groups_not_all(increment: Increment, model: str) -> None:
    rebuilt, everything = increment.rows(
        increment.incremental,
        f"select count(*), coalesce(bool_or(rebuild_all), false) "
        f"from incremental_state.{model}__scope",
    )[0]
    groups = increment.rows(
        increment.incremental,
        f"select count(distinct {INCREMENTAL[model]}) from finance.{model}",
    )[0][0]
    assert not everything
    # the day's new and changed documents were taken, and only a part of the table
    assert 0 < rebuilt < groups / 2


def test_a_document_whose_content_changed_is_rewritten(increment: Increment) -> None:
    document_type, document_key = increment.tampered
    sql = (
        "select sum(amount_functional) from finance.int_finance__posting_basis "
        "where document_type = ? and document_key = ?"
    )
    now = increment.rows(increment.incremental, sql, document_type, document_key)
    assert now == increment.rows(increment.full, sql, document_type, document_key)
    scope = increment.rows(
        increment.incremental,
        "select count(*) from incremental_state.int_finance__posting_basis__scope "
        "where group_key = ?",
        f"{document_type}:{document_key}",
    )
    assert scope == [(1,)]


def test_a_document_gone_upstream_is_deleted(increment: Increment) -> None:
    for table in ("int_finance__posting_basis", "int_finance__derived_entries"):
        left = increment.rows(
            increment.incremental,
            f"select count(*) from finance.{table} where document_key = ?",
            GHOST,
        )
        assert left == [(0,)], table


def test_the_snapshot_is_kept_and_the_working_copy_dropped(increment: Increment) -> None:
    tables = {
        name
        for (name,) in increment.rows(
            increment.incremental,
            "select table_name from information_schema.tables "
            "where table_schema = 'incremental_state'",
        )
    }
    for model in INCREMENTAL:
        assert f"{model}__dims" in tables
        assert f"{model}__dims_now" not in tables
