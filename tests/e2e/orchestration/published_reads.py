"""What an analyst does with what a demo run published, with every command's defaults.

Called by the demo end-to-end test after its runs (one built demo shared): `yecai trace` and
`yecai report statements` read the published lake by default, `yecai sql` answers, and an
earlier snapshot still gives its own numbers (`--as-of`) after a later publish changed them.
"""

from __future__ import annotations

from tests.orchestration.demo_helpers import yecai
from yecai.published import connect

TB_TOTAL = (
    "select sum(closing_balance)::varchar from finance.trial_balance "
    "where entity_code = 'E01' and period = '2025-12'"
)


def published_total(paths, as_of: str | None = None) -> str:
    con = connect(paths, as_of)
    try:
        return con.execute(TB_TOTAL).fetchone()[0]
    finally:
        con.close()


def analysts_read_the_published_data(paths) -> None:
    """trace and report statements with their defaults; sql; every published relation reads."""
    traced = yecai("trace", "--entity", "E01", "--period", "2025-06", "--line", "BS01")
    assert traced.returncode == 0, (traced.stdout + traced.stderr)[-3000:]
    assert "journal lines behind BS01 in 2025-06" in traced.stdout
    assert "business documents" in traced.stdout and "Traceback" not in traced.stderr

    report = yecai("report", "statements", "--entity", "E01", "--period", "2025-06")
    assert report.returncode == 0, (report.stdout + report.stderr)[-3000:]
    assert any((paths.reports / "statements").glob("*E01*2025-06*statements.xlsx"))

    listed = yecai("sql", "-c", "select count(*) from finance.balance_sheet")
    assert listed.returncode == 0, listed.stderr[-2000:]

    con = connect(paths)
    try:
        relations = con.execute(
            "select schema_name, table_name from duckdb_tables() "
            "where database_name = current_database()"
        ).fetchall()
        for schema, table in relations:  # every published relation reads (none is build-bound)
            con.execute(f'select * from "{schema}"."{table}" limit 1').fetchall()
        schemas = {s for s, _ in relations}
        assert {"finance", "governance"} <= schemas
        assert not schemas & {"staging", "incremental_state"}
        assert not [t for _, t in relations if t.startswith("int_")]
        assert ("finance", "statement_drilldown") in relations
    finally:
        con.close()


def an_earlier_snapshot_keeps_its_numbers(paths, first_snapshot: int, first_total: str) -> None:
    """After the next publish, --as-of the first snapshot gives the first publish's numbers."""
    assert published_total(paths, str(first_snapshot)) == first_total
    traced = yecai(
        "trace", "--entity", "E01", "--period", "2025-06", "--line", "BS01",
        "--as-of", str(first_snapshot),
    )  # fmt: skip
    assert traced.returncode == 0, (traced.stdout + traced.stderr)[-3000:]
