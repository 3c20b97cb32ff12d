"""The DuckDB connection every batch runs in: extensions loaded from wheels, UTC, bounded memory.

DuckDB cannot download extensions here (no internet), so the scanners come from the
``duckdb-extension-*`` wheels pinned in pyproject.toml.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import duckdb_extensions

from yecai.errors import YecaiError
from yecai.memory import memory_limit as limit_from_env
from yecai.privacy.encryption import encrypt_spills

# Which scanner each SQL dialect needs; loaded only when a source of that kind is used.
SCANNERS = {"sqlite": "sqlite", "postgresql": "postgres", "mysql": "mysql"}


MEMORY_ENV = "YECAI_INGEST_MEMORY_LIMIT"
DEFAULT_MEMORY_LIMIT = "512MB"


def connect(
    spill_dir: Path | None = None, memory_limit: str | None = None
) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB that spills to ``spill_dir`` instead of growing without bound.

    The cap is ``memory_limit``, else env ``YECAI_INGEST_MEMORY_LIMIT`` (e.g. ``512MB``), else 512 MB.
    """
    memory_limit = memory_limit or limit_from_env(MEMORY_ENV, DEFAULT_MEMORY_LIMIT)
    # Checking an extension's signature costs ~0.25 s per connection (one per batch). The
    # only extensions loaded are the pinned wheels' files, by path, so the check buys nothing.
    con = duckdb.connect(":memory:", config={"allow_unsigned_extensions": True})
    con.execute("set TimeZone = 'UTC'")
    try:
        con.execute(f"set memory_limit = '{sql_str(memory_limit)}'")
    except duckdb.Error as exc:
        raise YecaiError(
            f"{MEMORY_ENV}={memory_limit!r} is not a memory size", "use e.g. 512MB or 2GB"
        ) from exc
    # Two cores shared by a whole team: don't let one batch take them all.
    con.execute("set threads = 2")
    # A batch holds a source's rows before they land, personal data included; a spill file a
    # killed process leaves behind must not hold them in clear (an ephemeral key per DuckDB
    # instance; it costs only when the batch outgrows its cap).
    encrypt_spills(con)
    if spill_dir is not None:
        spill_dir.mkdir(parents=True, exist_ok=True)
        con.execute(f"set temp_directory = '{sql_str(str(spill_dir))}'")
    return con


def load_scanner(con: duckdb.DuckDBPyConnection, dialect: str) -> None:
    """Load the DuckDB scanner for ``dialect`` (sqlite, postgresql, mysql) from its wheel."""
    name = SCANNERS[dialect]
    duckdb_extensions.import_extension(name, con=con)
    con.execute(f"load {name}")


def sql_str(value: str) -> str:
    """Escape text for a single-quoted SQL literal."""
    return value.replace("'", "''")


def ident(name: str) -> str:
    """Quote an identifier so any source column name (Chinese, spaces, keywords) is safe."""
    return '"' + name.replace('"', '""') + '"'
