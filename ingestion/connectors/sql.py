"""SQL sources (SQLite, PostgreSQL, MariaDB/MySQL) read through DuckDB's own scanners.

DuckDB ATTACHes the source read-only and streams the selected rows straight into the
batch's DuckDB, so extraction, validation and the Parquet write happen in one engine
without a Python row loop (see docs/decisions/duckdb-ingestion-engine.md).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import unquote, urlsplit

import duckdb

from ingestion.connectors import SourceUnavailable
from ingestion.duck import ident, load_scanner, sql_str
from ingestion.validation import fast_cast_sql
from yecai.errors import YecaiError

SOURCE_ALIAS = "src"


def parse_sql_url(url: str) -> tuple[str, str]:
    """``(dialect, DuckDB ATTACH target)`` for a sqlite / postgresql / mysql URL."""
    parts = urlsplit(url)
    scheme = parts.scheme.split("+")[0].lower()
    if scheme == "sqlite":
        # SQLAlchemy's convention: sqlite:///relative/path, sqlite:////absolute/path.
        if not url.startswith("sqlite:///"):
            raise YecaiError(
                f"SQLite URL {url!r} is malformed", "use sqlite:///path/to/file.sqlite"
            )
        path = url[len("sqlite:///") :]
        return "sqlite", path
    if scheme in ("postgresql", "postgres"):
        return "postgresql", _key_values(parts, {"dbname": "dbname", "password": "password"})
    if scheme in ("mysql", "mariadb"):
        return "mysql", _key_values(parts, {"dbname": "database", "password": "password"})
    raise YecaiError(
        f"unsupported database URL scheme {parts.scheme!r} in {redact(url)}",
        "use sqlite:///path, postgresql://user@host:port/db or mysql://user@host:port/db",
    )


def _key_values(parts, names: dict[str, str]) -> str:
    pairs = {
        "host": parts.hostname or "127.0.0.1",
        "port": str(parts.port) if parts.port else None,
        "user": unquote(parts.username) if parts.username else None,
        names["password"]: unquote(parts.password) if parts.password else None,
        names["dbname"]: parts.path.lstrip("/") or None,
    }
    return " ".join(f"{k}={v}" for k, v in pairs.items() if v)


def redact(url: str) -> str:
    """The URL without its password, for messages and logs."""
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return parts._replace(netloc=netloc).geturl()
    return url


def attach(con: duckdb.DuckDBPyConnection, url: str, source_name: str) -> str:
    """ATTACH the source read-only as ``src``; returns the dialect."""
    dialect, target = parse_sql_url(url)
    if dialect == "sqlite":
        from pathlib import Path

        if not Path(target).is_file():
            raise SourceUnavailable(
                f"source {source_name!r}: SQLite database {target} does not exist",
                "generate the demo (`yecai demo generate`) or point the source's URL "
                "environment variable at your database",
            )
    load_scanner(con, dialect)
    if dialect == "sqlite":
        # SQLite has no column types, only affinities: a bad value in a NUMERIC column would
        # abort the whole scan. Read text and let the contract's casts judge each value
        # (this also keeps decimals exact: no trip through a float).
        con.execute("set sqlite_all_varchar = true")
    kind = {"sqlite": "sqlite", "postgresql": "postgres", "mysql": "mysql"}[dialect]
    try:
        con.execute(f"attach '{sql_str(target)}' as {SOURCE_ALIAS} (type {kind}, read_only)")
    except duckdb.Error as exc:
        # The scanners may echo the connection string, password included: scrub it.
        detail = str(exc).splitlines()[0]
        password = urlsplit(url).password
        if password:
            detail = detail.replace(unquote(password), "***").replace(password, "***")
        raise SourceUnavailable(
            f"source {source_name!r}: cannot connect to {redact(url)}: {detail}",
            "check that the database is running and the URL in the environment is right",
        ) from exc
    return dialect


def table_ref(con: duckdb.DuckDBPyConnection, table: str, source_name: str) -> str:
    """Reference to ``table`` in the attached source (DuckDB matches names case-insensitively,
    and resolves an unqualified table in the source's default schema, e.g. public)."""
    ref = f"{SOURCE_ALIAS}.{ident(table)}"
    try:
        con.execute(f"describe {ref}")
    except duckdb.CatalogException as exc:
        raise YecaiError(
            f"source {source_name!r}: table {table!r} not found",
            "check the table name in sources.yml (or that the source schema is loaded)",
        ) from exc
    return ref


def column_types(con: duckdb.DuckDBPyConnection, ref: str) -> dict[str, str]:
    return {r[0]: r[1] for r in con.execute(f"describe select * from {ref}").fetchall()}


def lower_bound(watermark: str | None, cursor_type: str, lookback_days: float) -> str | None:
    """The cursor value to extract from: the watermark minus the look-back window.

    Rows updated late with an older cursor value still fall inside the window; the ones
    that did not change are recognised by their row hash and not landed again.
    """
    if watermark is None:
        return None
    if cursor_type in ("timestamp", "date"):
        moment = datetime.fromisoformat(watermark.replace("Z", "+00:00").replace(" ", "T"))
        return (moment.replace(tzinfo=None) - timedelta(days=lookback_days)).isoformat(sep=" ")
    return watermark


def extract_sql(
    ref: str,
    cursor_source_col: str | None,
    cursor_source_type: str | None,
    bound: str | None,
    cursor_contract_type: str | None,
) -> str:
    """SELECT of the rows to read, with ``_row_number`` and ``_src_deleted`` added."""
    where = ""
    if cursor_source_col and bound is not None:
        col = ident(cursor_source_col)
        if cursor_contract_type in ("timestamp", "date"):
            if (cursor_source_type or "").upper() in ("VARCHAR", "TEXT"):
                # Text timestamps (SQLite) compare as instants, whatever their spelling;
                # the plain 'YYYY-MM-DD HH:MM:SS' spelling skips the time-zone parse.
                full = f"try_cast(try_cast({col} as timestamptz) as timestamp)"
                col = f"coalesce({fast_cast_sql(col, 'timestamp')}, {full})"
                where = f" where {col} >= timestamp '{sql_str(bound)}' or {col} is null"
            else:
                where = f" where {col} >= timestamp '{sql_str(bound)}' or {col} is null"
        else:
            where = f" where {col} >= '{sql_str(bound)}' or {col} is null"
    return f"select *, row_number() over () as _row_number, false as _src_deleted from {ref}{where}"


def source_keys_sql(ref: str, pk_source_cols: list[str], pk_types: list[str]) -> str:
    """The source's current key set as ``_source_pk`` text (same spelling as the lake's)."""
    from ingestion.validation import cast_sql

    parts = [
        f"cast({cast_sql(ident(c), t)} as varchar)"
        for c, t in zip(pk_source_cols, pk_types, strict=True)
    ]
    expr = parts[0] if len(parts) == 1 else "concat_ws('|', " + ", ".join(parts) + ")"
    return f"select distinct {expr} as _source_pk from {ref}"
