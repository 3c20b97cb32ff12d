"""Make Great Expectations 1.24 work on DuckDB through SQLAlchemy (duckdb_engine).

Why this module exists
----------------------
GX's SQL execution engine opens a pooled connection, runs a metric query and reads
the result after the connection has gone back to the pool. With duckdb_engine the
pool's reset invalidates the open result, so every expectation fails with
``list index out of range`` (GX issues #10738 and #11579). GX already knows this
pattern: for SQLite, SQL Server, BigQuery and Databricks it keeps one persisted
connection per execution engine (``_PERSISTED_CONNECTION_DIALECTS``) and builds
the engine with a ``StaticPool``. Adding DuckDB to that list fixes it.

The shim touches one private module attribute, so it is pinned to the GX version
we tested (``great-expectations==1.24.1`` in pyproject.toml) and refuses to run on
any other: a GX upgrade must re-run ``tests/unit/quality/test_gx_duckdb.py``,
which checks both that GX still fails without the shim and that it works with it.
When GX fixes the bug upstream, that test fails and this module can be deleted.
"""

from __future__ import annotations

import threading

import great_expectations as gx

from yecai.errors import YecaiError

TESTED_GX_VERSION = "1.24.1"
DUCKDB_DIALECT = "duckdb"

_lock = threading.Lock()


class _DuckDBDialectName:
    """Looks like a ``GXSqlDialect`` member to the two places GX compares against the list.

    ``_dialect_requires_persisted_connection`` reads ``.value`` and calls
    ``str.startswith`` on the driver name (``duckdb`` or ``duckdb+…``);
    ``get_connection`` tests ``engine.dialect.name in _PERSISTED_CONNECTION_DIALECTS``,
    which compares by ``==``.
    """

    value = DUCKDB_DIALECT

    def __eq__(self, other: object) -> bool:
        name = other if isinstance(other, str) else getattr(other, "value", None)
        return isinstance(name, str) and name.lower() == DUCKDB_DIALECT

    def __hash__(self) -> int:
        return hash(DUCKDB_DIALECT)

    def __repr__(self) -> str:
        return "<yecai shim: duckdb persisted-connection dialect>"


def is_enabled() -> bool:
    """True when DuckDB is in GX's persisted-connection dialects (shim applied, or fixed upstream)."""
    from great_expectations.execution_engine import sqlalchemy_execution_engine as engine_mod

    return DUCKDB_DIALECT in engine_mod._PERSISTED_CONNECTION_DIALECTS


def enable_duckdb_persisted_connection() -> None:
    """Apply the shim once per process. Safe to call many times.

    Raises YecaiError on a GX version other than the one the shim was tested with.
    """
    with _lock:
        if gx.__version__ != TESTED_GX_VERSION:
            raise YecaiError(
                f"quality/gx_duckdb.py patches Great Expectations {TESTED_GX_VERSION}, "
                f"but {gx.__version__} is installed",
                "pin great-expectations==1.24.1 again, or re-run tests/unit/quality/"
                "test_gx_duckdb.py against the new version and update TESTED_GX_VERSION",
            )
        from great_expectations.execution_engine import sqlalchemy_execution_engine as engine_mod

        if not is_enabled():
            engine_mod._PERSISTED_CONNECTION_DIALECTS = (
                *engine_mod._PERSISTED_CONNECTION_DIALECTS,
                _DuckDBDialectName(),
            )
