"""Read any artefact of a yecai home as the text a reader of it could see, and find planted
values in it.

One reader per kind of file, each giving everything the file holds as text: a DuckDB file's
every text value (every schema, every table and view) and its raw bytes; a SQLite file's every
cell (Dagster's run and event storage) and its raw bytes; Parquet through DuckDB; an XLSX's
unzipped XML; gzip unpacked; anything else its bytes. JSON escapes non-ASCII as ``\\uXXXX``, so a
value is looked for in that form too.

Imported as ``tests.e2e.privacy.artefact_scan``.
"""

from __future__ import annotations

import gzip
import json
import sqlite3
import zipfile
from collections.abc import Iterable
from pathlib import Path

import duckdb


def forms(value: str) -> tuple[str, ...]:
    """``value`` as written, lower-cased (readers compare lower-cased text) and JSON-escaped."""
    low = value.lower()
    return tuple(dict.fromkeys([low, json.dumps(low)[1:-1]]))


def duckdb_text(con: duckdb.DuckDBPyConnection) -> str:
    """Every distinct non-null text and decimal value (pay is a decimal) of every table and
    view of the connection's default database, one per line: one query per table."""
    columns: dict[tuple[str, str, str], list[str]] = {}
    for database, schema, table, column in con.execute(
        "select database_name, schema_name, table_name, column_name from duckdb_columns() "
        "where database_name = current_database() "
        "and (data_type in ('VARCHAR', 'JSON') or data_type like 'DECIMAL%')"
    ).fetchall():
        columns.setdefault((database, schema, table), []).append(column)
    parts = []
    for (database, schema, table), names in columns.items():
        # fully qualified: a role's file is named like one of its schemas (finance.finance)
        cells = " union ".join(
            f'select distinct "{n}"::varchar as v from "{database}"."{schema}"."{table}"'
            for n in names
        )
        rows = con.execute(f"select string_agg(v, chr(10)) from ({cells}) where v is not null")
        parts.append(rows.fetchone()[0] or "")
    return "\n".join(parts)


def _duckdb_file(path: Path) -> str:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return duckdb_text(con)
    finally:
        con.close()


def _sqlite_file(path: Path) -> str:
    # immutable: read what is on disk without taking locks or creating a journal beside it
    con = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
    con.text_factory = lambda b: b.decode("utf-8", "replace")
    try:
        tables = [r[0] for r in con.execute("select name from sqlite_master where type='table'")]
        parts = []
        for table in tables:
            for row in con.execute(f'select * from "{table}"'):
                parts.append(
                    "\t".join(
                        c.decode("utf-8", "replace") if isinstance(c, bytes) else str(c)
                        for c in row
                        if c is not None
                    )
                )
        return "\n".join(parts)
    finally:
        con.close()


def _parquet_file(path: Path) -> str:
    from yecai.privacy.lake_crypto import is_encrypted_parquet

    if is_encrypted_parquet(path):
        return _raw(path)  # what a reader without the key gets: its bytes
    con = duckdb.connect()
    try:
        cur = con.execute("select * from read_parquet(?)", [str(path)])
        return "\n".join("\t".join(str(c) for c in row if c is not None) for row in cur.fetchall())
    finally:
        con.close()


def _xlsx_file(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())


def _raw(path: Path) -> str:
    data = path.read_bytes()
    if path.suffix == ".gz":
        data = gzip.decompress(data)
    return data.decode("utf-8", "replace")


def read_as_text(path: Path) -> str:
    """What ``path`` holds, as text (a database's cells and its raw bytes)."""
    suffix = path.suffix.lower()
    with path.open("rb") as f:
        head = f.read(16)
    if suffix == ".duckdb":
        return _duckdb_file(path) + "\n" + _raw(path)
    if head.startswith(b"SQLite format 3"):
        return _sqlite_file(path) + "\n" + _raw(path)
    if suffix == ".parquet":
        return _parquet_file(path)
    if suffix == ".xlsx":
        return _xlsx_file(path)
    return _raw(path)


def find(text: str, values: Iterable[str]) -> list[str]:
    """The values (any of their ``forms``) that occur in ``text``."""
    low = text.lower()
    return [v for v in values if any(f in low for f in forms(v))]
