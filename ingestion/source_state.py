"""Change detection at a SQL source without scanning its tables.

A rerun with nothing new used to read every table's look-back window and its whole key set
(for deletes). Most databases can say much more cheaply that a table has not changed since
the last read; when they can, the entity records ``no_change`` without opening the table.

What each database offers (all read in one small query, never a table scan):

- **SQLite**: first the whole file: the header's file change counter (bytes 24–27, bumped by
  every commit in rollback-journal mode), the file's size and modification time, and those of
  its ``-wal`` file (in WAL mode a commit appends to it instead). When that moved, a second,
  per-table look: a hash of the table's own pages (listed by SQLite's ``dbstat``) and of its
  definition, read under a read lock, so a write to one table does not make every other table
  of the file be read again. Hashing pages reads the table's bytes (about 0.7 s for a 290 MB
  file, every table), not its rows. In WAL mode the newest pages may sit in the ``-wal`` file,
  and without ``dbstat`` SQLite cannot list a table's pages: then any write anywhere makes
  every table be read, as before.
- **PostgreSQL**: per table, the cumulative statistics ``n_tup_ins``, ``n_tup_upd`` and
  ``n_tup_del`` of ``pg_stat_all_tables`` and the table's ``relfilenode`` (TRUNCATE and
  rewrites give a new one). Committed changes reach these counters within about 10 s
  (PostgreSQL ≥ 15 flushes a session's counts at most once a second, and an idle session's
  after 10 s); a change not counted yet is read by the next run, as the watermark has not
  moved. Not trusted on a standby (it counts no replicated changes) or with
  ``track_counts`` off.
- **MariaDB / MySQL**: per table, ``information_schema.tables.update_time`` (InnoDB keeps
  it in memory, to the second) and ``create_time``. NULL after a server restart until the
  next write: then the table is read as before.

A fingerprint is *unsettled* when the last change it shows is less than ``SETTLE_SECONDS``
old: a second change in the same clock tick (a second for MariaDB) would not alter it. An
unsettled fingerprint is never used to skip, nor remembered.

The fingerprint is taken *before* the extraction and remembered only when that batch
succeeded (or found nothing): anything committed during or after the read changes it, so the
next run reads again. ``full_refresh`` never skips. State lives in
``lake/_meta/source_state/<source>/<entity>.json`` and is a cache: deleting it costs one
ordinary rerun.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import time
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from ingestion.batches import BatchResult, write_json_atomic
from ingestion.config import EntityConfig, SourceConfig
from ingestion.connectors.sql import parse_sql_url, redact
from yecai.errors import YecaiError
from yecai.settings import Paths

SETTLE_SECONDS = 2.0
STATE_DIR = "source_state"
# Start of the message of a no_change record written without reading the table.
UNCHANGED_NOTE = "source unchanged (database fingerprint) since batch"


@dataclass(frozen=True)
class Fingerprint:
    """What the database said about one table: ``value`` compares equal while nothing
    changed; ``settled`` is False when a change may hide in the same clock tick."""

    value: str
    settled: bool
    content: str | None = None  # SQLite: the hash of the table's pages (``table_content``)


# --------------------------------------------------------------------------------------------
# Reading fingerprints (one query per source)
# --------------------------------------------------------------------------------------------


def read_fingerprints(url: str, tables: list[str]) -> dict[str, Fingerprint | None]:
    """Table → its fingerprint now, or None where the database cannot say cheaply."""
    dialect, target = parse_sql_url(url)
    if dialect == "sqlite":
        fp = sqlite_fingerprint(Path(target))
        return dict.fromkeys(tables, fp)
    if dialect == "postgresql":
        return _postgres_fingerprints(url, tables)
    return _mysql_fingerprints(url, tables)


def sqlite_fingerprint(path: Path, now: float | None = None) -> Fingerprint | None:
    """The file change counter and the main and WAL files' size and mtime."""
    try:
        with path.open("rb") as handle:
            header = handle.read(100)
        main = path.stat()
    except OSError:
        return None
    if len(header) < 100 or not header.startswith(b"SQLite format 3\x00"):
        return None
    counter = int.from_bytes(header[24:28], "big")
    parts = [f"c{counter}", f"s{main.st_size}", f"m{main.st_mtime_ns}"]
    newest = main.st_mtime
    wal = Path(f"{path}-wal")
    try:
        wal_stat = wal.stat()
        parts += [f"ws{wal_stat.st_size}", f"wm{wal_stat.st_mtime_ns}"]
        newest = max(newest, wal_stat.st_mtime)
    except OSError:
        parts.append("nowal")
    now = time.time() if now is None else now
    return Fingerprint("sqlite:" + ":".join(parts), settled=now - newest >= SETTLE_SECONDS)


# Descriptors of SQLite files whose pages were read, kept open for the life of the process:
# closing any descriptor of a file drops every POSIX lock this process holds on it, the read
# locks of SQLite connections (and DuckDB's SQLite scanner) included.
_PAGE_READERS: dict[tuple[int, int], int] = {}


def _page_reader(path: Path) -> int:
    """This process's descriptor of the file now at ``path`` (one per file, never closed)."""
    st = os.stat(path)
    fd = _PAGE_READERS.get((st.st_dev, st.st_ino))
    if fd is None:
        fd = os.open(path, os.O_RDONLY)
        opened = os.fstat(fd)  # the file opened, should ``path`` have been replaced meanwhile
        _PAGE_READERS[(opened.st_dev, opened.st_ino)] = fd
    return fd


def sqlite_table_content(path: Path, table: str) -> str | None:
    """A hash of ``table``'s definition and of every page of its b-tree (overflow pages
    included), read while holding SQLite's read lock, so no commit can land mid-read. Any
    change to the table's rows changes a page; a vacuum that only moves them reads as a change
    (safe). None in WAL mode (committed pages may sit in the ``-wal`` file), without ``dbstat``,
    or when the table is not there (the read reports it)."""
    try:
        header = os.pread(_page_reader(path), 20, 0)
    except OSError:
        return None
    if not header.startswith(b"SQLite format 3\x00") or header[18] == 2 or header[19] == 2:
        return None  # WAL mode
    name = table.split(".", 1)[1] if table.lower().startswith("main.") else table
    try:
        con = sqlite3.connect(
            f"file:{quote(str(path))}?mode=ro", uri=True, isolation_level=None, timeout=30
        )
    except sqlite3.Error:
        return None
    try:
        con.execute("begin")
        found = con.execute(
            "select name, sql from sqlite_schema where type = 'table' and lower(name) = lower(?)",
            [name],
        ).fetchone()  # takes the read lock, held until the commit below
        if found is None:
            return None
        fd = _page_reader(path)  # the file the lock is held on (a replaced path: a new file)
        if os.pread(fd, 20, 0)[18:20] != header[18:20]:
            return None  # switched journal mode before the lock was taken: read the table
        page_size = con.execute("pragma page_size").fetchone()[0]
        pages = con.execute(
            "select pageno from dbstat where name = ? order by pageno", [found[0]]
        ).fetchall()
        digest = hashlib.blake2b(digest_size=16)
        digest.update(f"{found[1]}\x00{page_size}\x00".encode())
        for (pageno,) in pages:
            digest.update(os.pread(fd, page_size, (pageno - 1) * page_size))
        return "sqlite-pages:" + digest.hexdigest()
    except (sqlite3.Error, OSError):
        return None  # no dbstat in this SQLite, a locked or damaged file: read the table
    finally:
        con.close()


def table_content(url: str, table: str) -> str | None:
    """The per-table content hash where the database offers one (SQLite), else None."""
    dialect, target = parse_sql_url(url)
    return sqlite_table_content(Path(target), table) if dialect == "sqlite" else None


_PG_FINGERPRINTS = """
select c.relname,
       concat_ws(':', s.n_tup_ins, s.n_tup_upd, s.n_tup_del, c.relfilenode),
       current_setting('track_counts') = 'on' and not pg_is_in_recovery()
from pg_class c
join pg_stat_all_tables s on s.relid = c.oid
where c.relkind in ('r', 'p') and pg_table_is_visible(c.oid) and lower(c.relname) = any(%s)
"""


def _postgres_fingerprints(url: str, tables: list[str]) -> dict[str, Fingerprint | None]:
    import psycopg

    wanted = {t.lower(): t for t in tables}
    out: dict[str, Fingerprint | None] = dict.fromkeys(tables)
    try:
        with psycopg.connect(_libpq_url(url), connect_timeout=10) as conn:
            rows = conn.execute(_PG_FINGERPRINTS, (list(wanted),)).fetchall()
    except psycopg.Error:
        return out  # the extraction itself will report an unreachable source
    for relname, value, trusted in rows:
        table = wanted.get(relname.lower())
        if table is not None and trusted:
            # The counters are cumulative, so no change has no clock tick to hide in.
            out[table] = Fingerprint("pg:" + value, settled=True)
    return out


def _libpq_url(url: str) -> str:
    scheme, rest = url.split("://", 1)
    return "postgresql://" + rest if scheme.split("+")[0] in ("postgresql", "postgres") else url


_MYSQL_FINGERPRINTS = """
select table_name, create_time, update_time, timestampdiff(second, update_time, now())
from information_schema.tables
where table_schema = database() and lower(table_name) in ({})
"""


def _mysql_fingerprints(url: str, tables: list[str]) -> dict[str, Fingerprint | None]:
    import pymysql

    parts = urlsplit(url)
    wanted = {t.lower(): t for t in tables}
    out: dict[str, Fingerprint | None] = dict.fromkeys(tables)
    try:
        conn = pymysql.connect(
            host=parts.hostname or "127.0.0.1",
            port=parts.port or 3306,
            user=unquote(parts.username) if parts.username else "root",
            password=unquote(parts.password) if parts.password else "",
            database=parts.path.lstrip("/") or None,
            connect_timeout=10,
        )
    except pymysql.Error:
        return out
    try:
        with conn.cursor() as cur:
            cur.execute(_MYSQL_FINGERPRINTS.format(", ".join(["%s"] * len(wanted))), list(wanted))
            rows = cur.fetchall()
    except pymysql.Error:
        return out
    finally:
        conn.close()
    for name, created, updated, age in rows:
        table = wanted.get(str(name).lower())
        if table is None or updated is None:
            continue  # never written since the server started: it cannot say
        out[table] = Fingerprint(f"mysql:{created}:{updated}", settled=age >= SETTLE_SECONDS)
    return out


# --------------------------------------------------------------------------------------------
# Remembered fingerprints
# --------------------------------------------------------------------------------------------


def state_path(paths: Paths, source: str, entity: str) -> Path:
    return paths.lake_meta / STATE_DIR / source / f"{entity}.json"


def _identity(url: str, table: str) -> str:
    """What the fingerprint was taken of: another URL or table is another source."""
    return f"{redact(url)}#{table}"


def remembered(paths: Paths, source: str, entity: str, url: str, table: str) -> dict | None:
    """The state remembered after the last read of this table (fingerprint, batch_id), or
    None when there is none for this URL and table."""
    try:
        state = json.loads(state_path(paths, source, entity).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return state if state.get("identity") == _identity(url, table) else None


def unchanged_since_last_read(
    paths: Paths, source: str, entity: str, url: str, table: str, now: Fingerprint | None
) -> str | None:
    """The batch id of the last read when ``now`` equals what was remembered after it (so
    the table has not changed since), else None."""
    if now is None:
        return None
    state = remembered(paths, source, entity, url, table)
    if state is None:
        return None
    if now.settled and state.get("fingerprint") == now.value:
        return state.get("batch_id")
    if now.content is not None and state.get("content") == now.content:
        return state.get("batch_id")
    return None


def remember(
    paths: Paths,
    source: str,
    entity: str,
    url: str,
    table: str,
    before_read: Fingerprint | None,
    batch_id: str,
) -> None:
    """After a successful read: the fingerprint taken before it, where it can be trusted (a
    settled one; a content hash always: it has no clock tick to hide a change in)."""
    path = state_path(paths, source, entity)
    if before_read is None or not (before_read.settled or before_read.content):
        forget(paths, source, entity)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    write_json_atomic(
        path,
        {
            "identity": _identity(url, table),
            "fingerprint": before_read.value if before_read.settled else None,
            "content": before_read.content,
            "batch_id": batch_id,
        },
    )


def forget(paths: Paths, source: str, entity: str) -> None:
    path = state_path(paths, source, entity)
    if path.exists():
        os.unlink(path)


# --------------------------------------------------------------------------------------------
# The two calls the ingest runner makes around one SQL entity's read
# --------------------------------------------------------------------------------------------


def before_read(
    paths: Paths, source: SourceConfig, entity: EntityConfig
) -> tuple[Fingerprint | None, str | None]:
    """(the table's fingerprint now, the batch id of the last read if nothing changed since).

    When the cheap fingerprint moved, the table's content hash (SQLite) may still show this
    table unchanged: a write elsewhere in the file. The new file fingerprint is then
    remembered with the last read's batch, so the next run's cheap look suffices again."""
    try:
        url = source.url()
    except YecaiError:
        return None, None  # the read reports the missing URL
    now = read_fingerprints(url, [entity.target]).get(entity.target)
    last = unchanged_since_last_read(paths, source.name, entity.name, url, entity.target, now)
    if now is None or last is not None:
        return now, last
    content = table_content(url, entity.target)
    if content is None:
        return now, None
    now = replace(now, content=content)
    last = unchanged_since_last_read(paths, source.name, entity.name, url, entity.target, now)
    if last is not None:
        remember(paths, source.name, entity.name, url, entity.target, now, last)
    return now, last


def after_read(
    paths: Paths,
    source: SourceConfig,
    entity: EntityConfig,
    before: Fingerprint | None,
    result: BatchResult,
) -> None:
    """Remember ``before`` if the read succeeded; a failed read leaves nothing to trust."""
    if result.status in ("succeeded", "no_change"):
        remember(
            paths, source.name, entity.name, source.url(), entity.target, before, result.batch_id
        )
    else:
        forget(paths, source.name, entity.name)
