"""Quality's reads of the lake's Parquet, clear or encrypted (yecai.privacy.lake_crypto).

Raw and quarantine files of entities with classified columns are encrypted when a lake key
is configured. A query over them names each key by ``parquet_key_name`` (from its key ID, not
secret); the connection that runs it must have the keys registered: ``register_lake_keys``
for a DuckDB connection, ``give_lake_keys`` for GX's lake data source.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import duckdb

from yecai.privacy.encryption import register_parquet_key
from yecai.privacy.lake_crypto import expand, lake_keyring, parquet_scan
from yecai.settings import Paths


def register_lake_keys(con, paths: Paths) -> None:
    """Register every lake key (current and, during a rotation, previous) on ``con``."""
    for key in lake_keyring(paths.home).values():
        register_parquet_key(con, key)


def lake_source(paths: Paths, files: str | Sequence[str | Path], **options: str) -> str | None:
    """A FROM-clause expression over ``files`` (a glob or a list), each group read with its
    key, for a connection that ran ``register_lake_keys``; None when there is no file.

    The expression is built on a connection of its own (it opens encrypted footers to tell
    their columns apart), and names keys only by their key IDs.
    """
    found = expand(files)
    if not found:
        return None
    con = duckdb.connect()
    try:
        return parquet_scan(con, found, lake_keyring(paths.home), **options)
    finally:
        con.close()


def give_lake_keys(datasource, paths: Paths) -> None:
    """Register the lake keys on the DuckDB connection of GX's lake data source.

    With quality.gx_duckdb's shim GX keeps one persisted connection per execution engine
    (a static pool), and every validation of the data source runs on it.
    """
    if not lake_keyring(paths.home):
        return
    engine = datasource.get_execution_engine()
    with engine.get_connection() as connection:
        register_lake_keys(connection.connection.dbapi_connection, paths)
