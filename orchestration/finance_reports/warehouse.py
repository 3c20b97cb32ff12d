"""Open the warehouse read-only for reports and drill-through.

Analysts read the published warehouse (the last version that passed its audit);
engineers can point a command at the unpublished build to see what is coming.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import duckdb

from yecai.errors import YecaiError
from yecai.settings import get_paths


class Warehouse(StrEnum):
    """Which warehouse file a report reads."""

    published = "published"
    build = "build"


def warehouse_path(which: Warehouse) -> Path:
    """The DuckDB file for ``which``, from ``YECAI_HOME``."""
    paths = get_paths()
    return paths.published_db if which == Warehouse.published else paths.build_db


def connect_read_only(which: Warehouse) -> duckdb.DuckDBPyConnection:
    """A read-only connection, or a YecaiError that says how to produce the file."""
    path = warehouse_path(which)
    if not path.exists():
        hint = (
            "run the pipeline and publish it (`yecai run`), or read the unpublished "
            "build with `--warehouse build`"
            if which == Warehouse.published
            else "run the pipeline first (`yecai run`) so dbt writes the build warehouse"
        )
        raise YecaiError(f"the {which.value} warehouse {path} does not exist", hint)
    try:
        return duckdb.connect(str(path), read_only=True)
    except duckdb.IOException as exc:
        raise YecaiError(
            f"cannot open the {which.value} warehouse {path}: {exc}",
            "wait for the running pipeline to finish writing it, then try again",
        ) from exc


def require_relation(con: duckdb.DuckDBPyConnection, schema: str, name: str) -> None:
    """Fail with a clear message when a mart the report needs was never built."""
    found = con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [schema, name],
    ).fetchone()[0]
    if not found:
        raise YecaiError(
            f"{schema}.{name} is missing from the warehouse",
            "run `yecai run` so dbt builds the finance marts, then try again",
        )
