"""The GX/DuckDB shim: GX 1.24 fails on DuckDB without it and works with it.

If the first test starts failing, GX fixed issues #10738/#11579 upstream: delete
quality/gx_duckdb.py and its call in quality/gx_context.py.
"""

import subprocess
import sys
import textwrap

import great_expectations as gx
import pytest

from quality.gx_duckdb import (
    TESTED_GX_VERSION,
    enable_duckdb_persisted_connection,
    is_enabled,
)

pytestmark = pytest.mark.unit

PROBE = textwrap.dedent(
    """
    import sys, duckdb, great_expectations as gx
    db = sys.argv[1]
    if sys.argv[2] == "shim":
        from quality.gx_duckdb import enable_duckdb_persisted_connection
        enable_duckdb_persisted_connection()
    con = duckdb.connect(db)
    con.execute("create schema if not exists finance")
    con.execute("create or replace table finance.t as select 1 as a union all select 2")
    con.close()
    ctx = gx.get_context(mode="ephemeral")
    ds = ctx.data_sources.add_sql("w", connection_string=f"duckdb:///{db}")
    batch = ds.add_query_asset("q", query="select * from finance.t") \\
        .add_batch_definition_whole_table("all").get_batch()
    r = batch.validate(gx.expectations.ExpectTableRowCountToEqual(value=2))
    info = r.exception_info or {}
    msgs = [v.get("exception_message", "") for v in info.values() if isinstance(v, dict)]
    print("RESULT", r.success, r.result.get("observed_value"), info.get("exception_message"), msgs)
    """
)


def _probe(tmp_path, mode: str) -> str:
    out = subprocess.run(
        [sys.executable, "-c", PROBE, str(tmp_path / f"{mode}.duckdb"), mode],
        capture_output=True,
        text=True,
        timeout=120,
    )
    line = next((ln for ln in out.stdout.splitlines() if ln.startswith("RESULT")), "")
    assert line, out.stderr[-2000:]
    return line


def test_gx_still_fails_on_duckdb_without_the_shim(tmp_path):
    line = _probe(tmp_path, "plain")
    assert line.startswith("RESULT False None")
    assert "list index out of range" in line


def test_gx_validates_duckdb_with_the_shim(tmp_path):
    assert _probe(tmp_path, "shim").startswith("RESULT True 2")


def test_shim_is_pinned_to_the_tested_gx_version_and_idempotent():
    assert gx.__version__ == TESTED_GX_VERSION
    enable_duckdb_persisted_connection()
    enable_duckdb_persisted_connection()
    from great_expectations.execution_engine import sqlalchemy_execution_engine as m

    assert is_enabled()
    assert sum(1 for d in m._PERSISTED_CONNECTION_DIALECTS if d == "duckdb") == 1
    # the original dialects are still there
    assert "sqlite" in m._PERSISTED_CONNECTION_DIALECTS
