"""Open the warehouse read-only for reports and drill-through.

Analysts read the published data (the lakehouse snapshot that last passed its audit, or an
earlier one with ``--as-of``) through ``yecai.published.connect``, closed to the filesystem;
engineers can point a command at the unpublished build to see what is coming.
"""

from __future__ import annotations

from enum import StrEnum

import duckdb
import typer

from yecai import build_warehouse, published
from yecai.errors import YecaiError
from yecai.settings import get_paths


class Warehouse(StrEnum):
    """Which warehouse a report reads."""

    published = "published"
    build = "build"


AS_OF_OPTION = typer.Option(None, "--as-of", help=published.AS_OF_HELP)


def connect_read_only(which: Warehouse, as_of: str | None = None) -> duckdb.DuckDBPyConnection:
    """A read-only connection, or a YecaiError that says how to produce what is missing."""
    if which == Warehouse.published:
        return published.connect(get_paths(), as_of)
    if as_of:
        raise YecaiError(
            "--as-of reads published snapshots; the build warehouse has no history",
            "drop --as-of, or drop --warehouse build",
        )
    paths = get_paths()
    path = paths.build_db
    if not path.exists():
        raise YecaiError(
            f"the build warehouse {path} does not exist",
            "run the pipeline first (`yecai run`) so dbt writes the build warehouse",
        )
    try:
        return build_warehouse.connect(path, home=paths.home)
    except duckdb.IOException as exc:
        raise YecaiError(
            f"cannot open the build warehouse {path}: {exc}",
            "wait for the running pipeline to finish writing it, then try again",
        ) from exc


def require_relation(con: duckdb.DuckDBPyConnection, schema: str, name: str) -> None:
    """Fail with a clear message when a mart the report needs was never built."""
    found = con.execute(
        "select count(*) from information_schema.tables where table_catalog = current_database() "
        "and table_schema = ? and table_name = ?",
        [schema, name],
    ).fetchone()[0]
    if not found:
        raise YecaiError(
            f"{schema}.{name} is missing from the warehouse",
            "run `yecai run` so dbt builds the finance marts, then try again",
        )
