"""A published snapshot copied into a plain DuckDB file, for tests that compare runs.

The analysts' reader (``yecai.published.connect``) is closed: it cannot write or attach. A test
that keeps what one run published, to compare it with a later run's, attaches the lake itself
(read-only) and copies every published relation into a file of its own.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from yecai.published import LAKE_ALIAS, attach_lake, load_extensions, read_location
from yecai.settings import Paths


def copy_published(paths: Paths, dest: Path) -> Path:
    """Copy the current published snapshot into ``dest`` (a new DuckDB file); returns it."""
    location = read_location(paths)
    con = duckdb.connect(str(dest))
    try:
        load_extensions(con, location)
        attach_lake(con, location, read_only=True)
        dest_catalog = con.execute("select current_database()").fetchone()[0]
        relations = con.execute(
            "select schema_name, table_name from duckdb_tables() where database_name = ?",
            [LAKE_ALIAS],
        ).fetchall()
        for schema, table in relations:
            con.execute(f'create schema if not exists "{dest_catalog}"."{schema}"')
            con.execute(
                f'create table "{dest_catalog}"."{schema}"."{table}" as '
                f'select * from {LAKE_ALIAS}."{schema}"."{table}"'
            )
    finally:
        con.close()
    return dest
