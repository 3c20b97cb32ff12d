"""Write a demo database to SQLite, PostgreSQL or MariaDB/MySQL, and open it again.

A target is a SQLite file path or a URL: ``sqlite:///path``, ``postgresql://user@host:port/db``,
``mysql://user:pw@host:port/db`` (also ``mariadb://``, ``mysql+pymysql://``). The database is
created when it does not exist; the schema's tables are dropped and recreated, so a generate
always starts from a clean slate.
"""

from __future__ import annotations

import queue
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from demo.tables import TableSet, schema_columns, schema_statements

# sqlite3 has no Decimal type: store the exact text (NUMERIC affinity keeps up to 15 digits).
sqlite3.register_adapter(Decimal, str)
sqlite3.register_adapter(date, lambda d: d.isoformat())


def _sqlite_datetime(d: datetime) -> str:
    """'YYYY-MM-DD HH:MM:SS'. isoformat is much faster than strftime (millions of values at
    scale 1) and writes the same text for naive times; aware ones keep strftime (no offset)."""
    return d.isoformat(" ", "seconds") if d.tzinfo is None else d.strftime("%Y-%m-%d %H:%M:%S")


sqlite3.register_adapter(datetime, _sqlite_datetime)

BATCH = 20_000


class TargetError(Exception):
    """A target URL that cannot be used; the message says what to write instead."""


@dataclass(frozen=True)
class Target:
    dialect: str  # sqlite, postgresql, mysql
    sqlite_path: Path | None = None
    host: str = "127.0.0.1"
    port: int | None = None
    user: str | None = None
    password: str | None = None
    database: str | None = None

    def describe(self) -> str:
        if self.dialect == "sqlite":
            return str(self.sqlite_path)
        return f"{self.dialect}://{self.user or ''}@{self.host}:{self.port}/{self.database}"


def parse_target(url_or_path: str | Path) -> Target:
    """A Target from a SQLite path or a database URL (pure)."""
    text = str(url_or_path)
    if "://" not in text:
        return Target("sqlite", sqlite_path=Path(text))
    u = urlparse(text)
    scheme = u.scheme.split("+")[0].lower()
    if scheme == "sqlite":
        return Target(
            "sqlite", sqlite_path=Path(unquote(u.path[1:] if u.path.startswith("//") else u.path))
        )
    if scheme in ("postgresql", "postgres"):
        dialect, default_port = "postgresql", 5432
    elif scheme in ("mysql", "mariadb"):
        dialect, default_port = "mysql", 3306
    else:
        raise TargetError(
            f"unsupported database URL scheme {u.scheme!r} in {text!r}; "
            "use postgresql://user@host:port/db, mysql://user@host:port/db or a SQLite file path"
        )
    database = u.path.lstrip("/")
    if not database:
        raise TargetError(f"database URL {text!r} names no database; add /<database> at the end")
    return Target(
        dialect,
        host=u.hostname or "127.0.0.1",
        port=u.port or default_port,
        user=unquote(u.username) if u.username else None,
        password=unquote(u.password) if u.password else None,
        database=database,
    )


def _connect_server(t: Target, database: str | None) -> Any:
    if t.dialect == "postgresql":
        import psycopg

        return psycopg.connect(
            host=t.host,
            port=t.port,
            user=t.user,
            password=t.password,
            dbname=database or "postgres",
        )
    import pymysql

    conn = pymysql.connect(
        host=t.host,
        port=t.port,
        user=t.user or "root",
        password=t.password or "",
        database=database,
        charset="utf8mb4",
        autocommit=False,
    )
    with conn.cursor() as cur:
        cur.execute("SET time_zone = '+00:00'")
    return conn


def _ensure_database(t: Target) -> None:
    if t.dialect == "postgresql":
        conn = _connect_server(t, None)
        conn.autocommit = True
        try:
            exists = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", (t.database,)
            ).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "{t.database}"')
        finally:
            conn.close()
    elif t.dialect == "mysql":
        conn = _connect_server(t, None)
        try:
            with conn.cursor() as cur:
                cur.execute(f"CREATE DATABASE IF NOT EXISTS `{t.database}` CHARACTER SET utf8mb4")
            conn.commit()
        finally:
            conn.close()


def connect(target: Target) -> Any:
    """A DB-API connection to an existing target database."""
    if target.dialect == "sqlite":
        assert target.sqlite_path is not None
        return sqlite3.connect(target.sqlite_path)
    return _connect_server(target, target.database)


def placeholder(target: Target) -> str:
    return "?" if target.dialect == "sqlite" else "%s"


@contextmanager
def opened(target: Target) -> Iterator[Any]:
    conn = connect(target)
    try:
        yield conn
        conn.commit()
    except BaseException:
        conn.rollback()
        raise
    finally:
        conn.close()


def write_tables(
    tables: TableSet, target: Target, progress: Callable[[str, int], None] | None = None
) -> None:
    """Create the schema in ``target`` (dropping its tables first) and insert all rows."""
    with table_writer(tables.schema_sql, target) as append:
        for table, rows in tables.rows.items():
            append(table, rows)
            if progress:
                progress(table, len(rows))


@contextmanager
def table_writer(schema_sql: str, target: Target) -> Iterator[Callable[[str, list[tuple]], None]]:
    """Create the schema in ``target`` (dropping its tables first) and yield ``append(table,
    rows)``, which hands rows for one table to a writer thread; all is committed when the block
    ends. A generator can so write while it runs instead of holding every row (see TableSet's
    sink), and its Python work overlaps the database's: SQLite, psycopg and PyMySQL release the
    GIL while the database stores a batch. The writer inserts in the order rows were handed."""
    if target.dialect == "sqlite":
        assert target.sqlite_path is not None
        target.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(str(target.sqlite_path) + suffix).unlink(missing_ok=True)
    else:
        _ensure_database(target)
    columns = schema_columns(schema_sql)
    with opened(target) as conn:
        cur = conn.cursor()
        for table in reversed(list(columns)):
            cur.execute(f"DROP TABLE IF EXISTS {table}")
        for stmt in schema_statements(schema_sql):
            cur.execute(stmt)
    with _BackgroundInserter(target, columns) as writer:
        yield writer.append
    if target.dialect == "sqlite":
        with sqlite3.connect(target.sqlite_path) as conn:
            conn.execute("PRAGMA journal_mode = DELETE")


class _BackgroundInserter:
    """One thread that owns the target's connection and inserts the batches it is handed, in
    order, then commits. A bounded queue keeps at most a few batches in memory; an error in the
    thread is raised in the caller at its next ``append`` or when the block ends."""

    _QUEUED_BATCHES = 3

    def __init__(self, target: Target, columns: dict[str, list[str]]) -> None:
        self.target = target
        self.columns = columns
        self.queue: queue.Queue[tuple[str, list[tuple]] | None] = queue.Queue(self._QUEUED_BATCHES)
        self.error: BaseException | None = None
        self.aborted = False
        self.thread = threading.Thread(target=self._run, name="demo-table-writer", daemon=True)

    def __enter__(self) -> _BackgroundInserter:
        self.thread.start()
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        self.aborted = exc is not None  # the caller failed: roll back what was inserted
        self.queue.put(None)
        self.thread.join()
        if exc is None and self.error is not None:
            raise self.error

    def append(self, table: str, rows: list[tuple]) -> None:
        if self.error is not None:
            raise self.error
        self.queue.put((table, rows))

    def _run(self) -> None:
        try:
            with opened(self.target) as conn:
                if self.target.dialect == "sqlite":
                    conn.execute("PRAGMA journal_mode = OFF")
                    conn.execute("PRAGMA synchronous = OFF")
                while (item := self.queue.get()) is not None:
                    table, rows = item
                    insert_rows(conn, self.target, table, self.columns[table], rows)
                if self.aborted:
                    raise _Aborted
        except _Aborted:
            pass
        except BaseException as exc:  # handed to the caller's thread
            self.error = exc
            while self.queue.get() is not None:  # drain, so the caller never blocks on put
                pass


class _Aborted(Exception):
    """The caller's block failed; leaving ``opened`` with it rolls the inserts back."""


def insert_rows(
    conn: Any, target: Target, table: str, columns: list[str], rows: list[tuple]
) -> None:
    """Bulk insert: COPY for PostgreSQL, multi-row executemany elsewhere."""
    if not rows:
        return
    cols = ", ".join(columns)
    if target.dialect == "postgresql":
        with conn.cursor().copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    ph = placeholder(target)
    sql = f"INSERT INTO {table} ({cols}) VALUES ({', '.join([ph] * len(columns))})"
    cur = conn.cursor()
    for start in range(0, len(rows), BATCH):
        cur.executemany(sql, rows[start : start + BATCH])


def read_table(conn: Any, table: str, columns: list[str], order_by: list[str]) -> list[tuple]:
    cur = conn.cursor()
    cur.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY {', '.join(order_by)}")
    return list(cur.fetchall())


def table_counts(target: Target, schema_sql: str) -> dict[str, int]:
    with opened(target) as conn:
        cur = conn.cursor()
        out = {}
        for table in schema_columns(schema_sql):
            cur.execute(f"SELECT COUNT(*) FROM {table}")
            out[table] = int(cur.fetchone()[0])
        return out
