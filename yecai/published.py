"""The one way to read published data: ``connect(paths, as_of=None)``, closed to the filesystem.

Published data is a DuckLake (docs/decisions/published-lakehouse.md): Parquet files under
``<home>/warehouse/published_data/`` and a catalog that is either a SQLite file under the home
(the default, ``<home>/warehouse/published.sqlite``) or a PostgreSQL database
(``YECAI_LAKE_CATALOG_URL``). Every publish is one snapshot; ``as_of`` picks an earlier one.

The connection returned here attaches the lake read-only at one snapshot (so every query of
the session sees the same books, whatever is published meanwhile), makes it the default
catalog (``finance.trial_balance`` works unqualified), and then shuts the door: external access
off, only the lake's own data files allowed, configuration locked. ``read_csv('/etc/passwd')``,
``COPY … TO``, ``ATTACH`` and reading any other file fail.

Everything that reads published data (``yecai trace``, ``yecai report statements``, ``yecai
sql``, ``yecai info``, tests) goes through ``connect``.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import duckdb
from filelock import FileLock, Timeout

from yecai.errors import YecaiError
from yecai.privacy.encryption import enable_encryption
from yecai.privacy.keys import Key
from yecai.settings import Paths, get_paths

log = logging.getLogger(__name__)

CATALOG_URL_ENV = "YECAI_LAKE_CATALOG_URL"
READER_CATALOG_URL_ENV = "YECAI_LAKE_READER_CATALOG_URL"
LAKE_ALIAS = "published"
META_ALIAS = f"__ducklake_metadata_{LAKE_ALIAS}"
CLOSES_TABLE = "governance.period_closes"
_PERIOD = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


@dataclass(frozen=True)
class LakeLocation:
    """Where the published lake's catalog and data live, and the keys of an encrypted catalog."""

    # "sqlite": embedded, a clear file under the home (no publish key when it was created);
    # "duckdb": embedded, an encrypted DuckDB file under the home (created with a publish key);
    # "postgres": a catalog server (YECAI_LAKE_CATALOG_URL)
    kind: str
    catalog: str  # a file path (sqlite, duckdb) or a libpq URL (postgres)
    data_path: Path
    # duckdb: the publish keys that may open the catalog, current first (a rotation adds the
    # previous one); empty when none is set, and then attaching says which variable to set
    keys: tuple[Key, ...] = field(default=(), repr=False)

    @property
    def attach_target(self) -> str:
        """What follows ``ducklake:`` in ATTACH."""
        return f"{self.kind}:{self.catalog}"

    def display(self) -> str:
        """The catalog without a password, for messages and ``yecai info``."""
        return redact_url(self.catalog) if self.kind == "postgres" else self.catalog

    def exists(self) -> bool:
        """False only for an embedded catalog that was never written (nothing published)."""
        return self.kind == "postgres" or Path(self.catalog).exists()

    @property
    def encrypts_data_files(self) -> bool:
        """Whether a lake created here writes every data file encrypted (DuckLake ``ENCRYPTED``).

        DuckLake keeps each file's key in the catalog. That protects the files only where the
        catalog is not readable beside them: in PostgreSQL (outside the home), or in an
        encrypted DuckDB catalog under the publish key (kept outside the home). A clear SQLite
        catalog would hold the keys next to the files they open
        (docs/decisions/published-lake-encryption.md).
        """
        return self.kind in ("postgres", "duckdb")


def redact_url(url: str) -> str:
    """``postgresql://user:secret@host/db`` → ``postgresql://user:***@host/db`` (pure)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def lake_location(
    paths: Paths, *, reader: bool = False, env: Mapping[str, str] | None = None
) -> LakeLocation:
    """The lake of this home: PostgreSQL when ``YECAI_LAKE_CATALOG_URL`` is set, else embedded.

    Embedded, the lake is the one already there: a clear SQLite catalog stays clear, an
    encrypted DuckDB catalog stays encrypted. A new one is encrypted when a publish key is set
    (``YECAI_PUBLISH_KEY`` or ``…_FILE``), clear SQLite otherwise.

    ``reader=True``: on PostgreSQL, prefer ``YECAI_LAKE_READER_CATALOG_URL`` (a role that may
    only SELECT: readers must not hold a connection that can make the catalog server read
    files); an encrypted embedded catalog is read through its reader copy, which every write
    re-makes, so readers and the one writer never lock each other out. ``env`` (default the
    process's) is where the publish keys are read from.
    """
    url = os.environ.get(CATALOG_URL_ENV, "").strip()
    if reader:
        url = os.environ.get(READER_CATALOG_URL_ENV, "").strip() or url
    if not url:
        return _embedded(paths, reader, env)
    scheme = urlsplit(url).scheme
    if scheme not in ("postgresql", "postgres"):
        raise YecaiError(
            f"{CATALOG_URL_ENV} must be a PostgreSQL URL (postgresql://user@host:port/db), "
            f"got scheme {scheme or 'none'!r}",
            "unset it to keep the catalog in a file under the home, or point it at PostgreSQL",
        )
    return LakeLocation("postgres", url, paths.published_data)


def read_location(paths: Paths, env: Mapping[str, str] | None = None) -> LakeLocation:
    """Where a pipeline step that only reads the lake (role copies, the docs table) attaches
    it: an encrypted embedded catalog's reader copy, which no writer ever locks; elsewhere the
    lake itself, as the writer sees it."""
    location = lake_location(paths, env=env)
    if location.kind != "duckdb":
        return location
    catch_up_reader_copy(paths, env)
    return lake_location(paths, reader=True, env=env)


# How long a writer of the lake waits for another one (a publish, a close, a prune) to finish.
PUBLISH_LOCK_TIMEOUT_S = 600


def publish_lock(paths: Paths, timeout: float = PUBLISH_LOCK_TIMEOUT_S) -> FileLock:
    """The one lock every writer of the published lake holds (publish, close, prune, erasure,
    key rotation); readers take it only to catch the reader copy up (``catch_up_reader_copy``)."""
    paths.warehouse.mkdir(parents=True, exist_ok=True)
    return FileLock(str(paths.warehouse / ".publish.lock"), timeout=timeout)


def refresh_reader_copy(paths: Paths) -> None:
    """Copy the encrypted catalog to the one readers open, once no writer holds it.

    A DuckDB file admits one writing process and no reader beside it, so readers open a copy:
    the copy is the catalog as last committed and closed, made by copying its bytes (it stays
    encrypted) and renaming over the old one (a reader that has the old one open keeps it).
    A catalog with a WAL was not closed (a publish killed after its commit): its copy would
    miss what the WAL holds, so it is left to ``catch_up_reader_copy``.
    """
    catalog, copy = paths.published_encrypted_catalog, paths.published_reader_catalog
    if not catalog.exists() or _wal(catalog).exists():
        return
    os.chmod(catalog, 0o600)  # DuckDB creates it under the process's umask
    tmp = copy.with_name(f".{copy.name}.{os.getpid()}.tmp")  # one per process: never shared
    shutil.copyfile(catalog, tmp)
    os.chmod(tmp, 0o600)
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, copy)


def catch_up_reader_copy(paths: Paths, env: Mapping[str, str] | None = None) -> None:
    """Bring the readers' copy up to the encrypted catalog when a writer died before making it.

    A publish killed after its commit leaves the catalog with a WAL (or, killed after closing
    it, newer than the copy): its snapshot is committed, and without this readers would not
    see it until the next publish. When no writer holds the publish lock, the catalog is opened
    read-write once (DuckDB replays the WAL and folds it in at close) and copied again. A
    writer at work, or a reader that may not write the warehouse folder, reads the copy it has.
    """
    catalog, copy = paths.published_encrypted_catalog, paths.published_reader_catalog
    if not _reader_copy_behind(catalog, copy):
        return
    location = lake_location(paths, env=env)
    if location.kind != "duckdb":  # a file left from an earlier lake: not this lake's
        return
    try:
        with publish_lock(paths, timeout=0):
            if not _reader_copy_behind(catalog, copy):  # a writer caught it up meanwhile
                return
            con = duckdb.connect(":memory:")
            try:
                attach_catalog_file(con, location, "behind")
                con.execute("checkpoint behind")
            finally:
                con.close()
            refresh_reader_copy(paths)
    except Timeout:
        return  # a writer is at work: it re-makes the copy when it closes the catalog
    except YecaiError:
        return  # no publish key opens the catalog: the reader's own attach says what to set
    except (OSError, duckdb.Error) as exc:
        log.warning(
            "a publish was cut off after its commit, and its snapshot could not be made "
            "readable from here (%s): readers see the previous publish until the next one, "
            "or until `yecai sql` is run once as the user who publishes",
            exc,
        )


def attach_catalog_file(con: duckdb.DuckDBPyConnection, location: LakeLocation, alias: str) -> None:
    """Attach an encrypted embedded catalog's DuckDB file itself (not as a lake) as ``alias``,
    read-write, with whichever publish key opens it. The caller holds the publish lock.

    Read-write, so that a WAL left by a publish killed after its commit is replayed and folded
    in at close; read-only, it would stay beside the file to be replayed onto whatever replaces it.
    """
    enable_encryption(con)  # DuckDB writes an encrypted file only with OpenSSL
    with_catalog_key(
        location,
        lambda key: con.execute(
            f"attach {sql_str(location.catalog)} as {alias} (encryption_key ?)",
            [catalog_secret(key)],
        ),
    )


def _reader_copy_behind(catalog: Path, copy: Path) -> bool:
    if not catalog.exists():
        return False
    if _wal(catalog).exists() or not copy.exists():
        return True
    return catalog.stat().st_mtime_ns > copy.stat().st_mtime_ns


def _wal(database: Path) -> Path:
    return database.with_name(database.name + ".wal")


def _embedded(paths: Paths, reader: bool, env: Mapping[str, str] | None) -> LakeLocation:
    from yecai.privacy.keys import load_key, load_keyring

    clear = paths.published_catalog
    if clear.exists():
        return LakeLocation("sqlite", str(clear), paths.published_data)
    encrypted = paths.published_encrypted_catalog
    has_key = load_key("publish", paths.home, env, required=False) is not None
    if not (encrypted.exists() or has_key):
        return LakeLocation("sqlite", str(clear), paths.published_data)
    keys = tuple(load_keyring("publish", paths.home, env).values()) if has_key else ()
    catalog = encrypted
    if reader and paths.published_reader_catalog.exists():
        catalog = paths.published_reader_catalog
    return LakeLocation("duckdb", str(catalog), paths.published_data, keys)


def load_extensions(con: duckdb.DuckDBPyConnection, location: LakeLocation) -> None:
    """Load DuckLake and the catalog's scanner from the pinned wheels (no internet here)."""
    import duckdb_extensions

    # a DuckDB catalog needs no scanner: DuckDB reads its own files
    for name in ("ducklake", location.kind) if location.kind != "duckdb" else ("ducklake",):
        duckdb_extensions.import_extension(name, con=con)
        con.execute(f"load {name}")


def sql_str(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def attach_sql(
    location: LakeLocation,
    *,
    read_only: bool,
    snapshot: int | None = None,
    create: bool = False,
    encrypted: bool = False,
) -> str:
    """The ATTACH statement for the lake (pure). ``encrypted`` (with ``create``): a lake made
    by this statement encrypts its data files; an existing clear lake refuses it."""
    options = []
    if create:
        options.append(f"data_path {sql_str(str(location.data_path) + '/')}")
        if encrypted:
            options.append("encrypted")
    else:
        options.append("create_if_not_exists false")
    if read_only:
        options.append("read_only")
    if snapshot is not None:
        options.append(f"snapshot_version {int(snapshot)}")
    if location.kind == "duckdb":
        options.append("meta_encryption_key ?")  # a parameter: no key in SQL text or a log
    return (
        f"attach {sql_str('ducklake:' + location.attach_target)} as {LAKE_ALIAS} "
        f"({', '.join(options)})"
    )


def catalog_secret(key: Key) -> str:
    """The encrypted catalog's DuckDB key: a subkey of the publish key, never the key."""
    return key.derive("ducklake-catalog").hex()


def attach_lake(
    con: duckdb.DuckDBPyConnection,
    location: LakeLocation,
    *,
    read_only: bool,
    snapshot: int | None = None,
    create: bool = False,
    encrypted: bool = False,
) -> None:
    """Attach the lake as ``published`` (``attach_sql``), with the key of an encrypted catalog.

    During a publish key rotation either key may have written the catalog: each is tried.
    Raises YecaiError when no key is set or none opens it; DuckDB's own error otherwise.
    """
    sql = attach_sql(
        location, read_only=read_only, snapshot=snapshot, create=create, encrypted=encrypted
    )
    if location.kind != "duckdb":
        con.execute(sql)
        return
    with_catalog_key(location, lambda key: con.execute(sql, [catalog_secret(key)]))


def with_catalog_key(location: LakeLocation, opening: Callable[[Key], object]) -> None:
    """Call ``opening`` with each publish key until one opens the encrypted catalog.

    YecaiError, saying which variable to set, when no key is set or none opens it.
    """
    if not location.keys:
        raise YecaiError(
            f"the published lake's catalog {location.catalog} is encrypted and no publish key "
            "is set",
            "set YECAI_PUBLISH_KEY_FILE (or YECAI_PUBLISH_KEY) to the key it was created with",
        )
    for key in location.keys:
        try:
            opening(key)
            return
        except duckdb.Error as exc:
            if "Wrong encryption key" not in str(exc):
                raise
    raise YecaiError(
        f"the published lake's catalog {location.catalog} was not written with the publish "
        f"key configured here ({', '.join(k.key_id for k in location.keys)})",
        "set YECAI_PUBLISH_KEY_FILE to the key it was created with; during a rotation the "
        "old one goes in YECAI_PUBLISH_KEY_PREVIOUS_FILE",
    )


# --- snapshots ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Snapshot:
    """One DuckLake snapshot with what yecai recorded on it (``commit_extra_info``)."""

    snapshot_id: int
    snapshot_time: datetime
    author: str | None
    message: str | None
    info: dict

    @property
    def kind(self) -> str:
        """``publish``, ``close``, ``prune`` or ``other`` (DuckLake's own, e.g. creation)."""
        return str(self.info.get("kind", "other"))

    @property
    def version(self) -> str | None:
        return self.info.get("version")


def parse_extra_info(text: str | None) -> dict:
    """yecai's JSON on a snapshot; anything else (DuckLake's own, hand-made) is ``{}`` (pure)."""
    if not text:
        return {}
    try:
        data = json.loads(text)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def read_snapshots(con: duckdb.DuckDBPyConnection) -> list[Snapshot]:
    """Every snapshot of the attached lake, oldest first."""
    rows = con.execute(
        f"select snapshot_id, snapshot_time, author, commit_message, commit_extra_info "
        f"from {LAKE_ALIAS}.snapshots() order by snapshot_id"
    ).fetchall()
    return [Snapshot(int(r[0]), r[1], r[2], r[3], parse_extra_info(r[4])) for r in rows]


# --- as of -------------------------------------------------------------------------------


@dataclass(frozen=True)
class AsOf:
    """What ``--as-of`` asked for: one of a snapshot id, a version label, a time, a close."""

    snapshot: int | None = None
    version: str | None = None
    timestamp: datetime | None = None
    close: str | None = None

    def describe(self) -> str:
        if self.snapshot is not None:
            return f"snapshot {self.snapshot}"
        if self.version is not None:
            return f"version {self.version}"
        if self.timestamp is not None:
            return f"time {self.timestamp.isoformat()}"
        return f"close {self.close}"


AS_OF_HELP = (
    "Read the books as published then: a snapshot id (e.g. 7), a version (v20250331T…Z), a "
    "time (2025-04-01 or 2025-04-01T08:00:00+08:00; UTC when no zone is given) or a named "
    "close (close:2025-03). Default: the latest publish."
)


def parse_as_of(text: str | None) -> AsOf | None:
    """``--as-of`` text → what it names (pure). ``None``/``latest`` → the latest snapshot."""
    if text is None or text.strip() in ("", "latest"):
        return None
    value = text.strip()
    if value.isdigit():
        return AsOf(snapshot=int(value))
    if value.startswith("close:"):
        period = value.removeprefix("close:")
        if not _PERIOD.match(period):
            raise YecaiError(
                f"--as-of {value!r}: {period!r} is not a fiscal period",
                "name a close as close:YYYY-MM, e.g. close:2025-03",
            )
        return AsOf(close=period)
    if re.match(r"^v\d{8}T", value):
        return AsOf(version=value)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise YecaiError(
            f"--as-of {value!r} is neither a snapshot id, a version, a time nor a close",
            "use e.g. --as-of 7, --as-of v20250331T120000000000Z, --as-of 2025-04-01 or "
            "--as-of close:2025-03 (see `yecai info --versions`)",
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return AsOf(timestamp=moment)


def resolve_snapshot(snapshots: list[Snapshot], closes: dict[str, int], as_of: AsOf | None) -> int:
    """The snapshot id ``as_of`` names among ``snapshots`` (pure); the latest for ``None``."""
    published = [s for s in snapshots if s.kind in ("publish", "close")]
    if not published:
        raise YecaiError(
            "nothing has been published yet",
            "run the pipeline (`yecai run`) or `yecai publish` after a build",
        )
    hint = "see `yecai info --versions` for the snapshots kept"
    if as_of is None:
        return snapshots[-1].snapshot_id
    if as_of.snapshot is not None:
        if any(s.snapshot_id == as_of.snapshot for s in snapshots):
            return as_of.snapshot
        raise YecaiError(f"no snapshot {as_of.snapshot} in the published lake", hint)
    if as_of.version is not None:
        for s in snapshots:
            if s.version == as_of.version and s.kind == "publish":
                return s.snapshot_id
        raise YecaiError(f"no published version {as_of.version!r} is kept", hint)
    if as_of.close is not None:
        if as_of.close in closes:
            return closes[as_of.close]
        named = ", ".join(sorted(closes)) or "none yet"
        raise YecaiError(
            f"period {as_of.close} has not been closed (closes: {named})",
            f"name the current publish as its close with `yecai close --period {as_of.close}`",
        )
    moment = as_of.timestamp
    assert moment is not None
    before = [s for s in published if s.snapshot_time <= moment]
    if not before:
        first = published[0].snapshot_time.isoformat()
        raise YecaiError(
            f"nothing was published at or before {moment.isoformat()} (first: {first})", hint
        )
    return before[-1].snapshot_id


def read_closes(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """``{period: snapshot_id}`` of every named close (the latest naming of each period)."""
    try:
        rows = con.execute(
            f"select period, snapshot_id from {LAKE_ALIAS}.{CLOSES_TABLE} order by closed_at"
        ).fetchall()
    except duckdb.CatalogException:  # no close named yet (duckdb_tables() is slow on a lake)
        return {}
    return {period: int(snapshot) for period, snapshot in rows}


# --- the closed reader -------------------------------------------------------------------


def data_files_sql(snapshot: int) -> str:
    """Every data and delete file a reader pinned at ``snapshot`` may need, as absolute paths.

    Files that began at or before the snapshot: the snapshot's own files and those of every
    earlier snapshot still kept, so ``AT (VERSION => n)`` works inside the session too.
    Relative paths are joined data path / schema path / table path / file path, as DuckLake
    stores them (docs: usage/paths).
    """
    m = META_ALIAS
    return f"""
        with data_path as (
            select value as root from {m}.ducklake_metadata
            where key = 'data_path' and scope is null
        ),
        tables as (
            select t.table_id,
                   case when t.path_is_relative
                        then (case when s.path_is_relative then d.root || s.path else s.path end)
                             || t.path
                        else t.path end as table_path
            from {m}.ducklake_table as t
            join {m}.ducklake_schema as s on s.schema_id = t.schema_id
            cross join data_path as d
        ),
        files as (
            select table_id, path, path_is_relative from {m}.ducklake_data_file
            where begin_snapshot <= {int(snapshot)}
            union all
            select table_id, path, path_is_relative from {m}.ducklake_delete_file
            where begin_snapshot <= {int(snapshot)}
        )
        select distinct case when f.path_is_relative then t.table_path || f.path else f.path end
        from files as f join tables as t using (table_id)
    """


def _refuse_powerful_catalog_role(con: duckdb.DuckDBPyConnection, location: LakeLocation) -> None:
    """A reader on PostgreSQL must not be a role that can make the server read or run files."""
    if location.kind != "postgres":
        return
    query = (
        "select rolsuper or pg_has_role(current_user, 'pg_read_server_files', 'member') "
        "or pg_has_role(current_user, 'pg_execute_server_program', 'member') "
        "from pg_roles where rolname = current_user"
    )
    powerful = con.execute(
        f"select * from postgres_query({sql_str(META_ALIAS)}, {sql_str(query)})"
    ).fetchone()[0]
    if powerful:
        raise YecaiError(
            f"readers would reach the PostgreSQL catalog {location.display()} as a superuser "
            "(or a role that can read server files): through it, SQL could read the server's "
            "files",
            f"set {READER_CATALOG_URL_ENV} to a role that may only SELECT the catalog "
            "(README: Opening the published data)",
        )


def connect(
    paths: Paths | None = None,
    as_of: str | AsOf | None = None,
) -> duckdb.DuckDBPyConnection:
    """A read-only, closed connection to the published data as of ``as_of`` (default: latest).

    ``as_of`` is ``--as-of`` text (see ``parse_as_of``) or an ``AsOf``. The connection's
    default catalog is the lake, so ``select * from finance.trial_balance`` works as before.
    Raises YecaiError when nothing was published or ``as_of`` names nothing kept.
    """
    paths = paths or get_paths()
    wanted = parse_as_of(as_of) if isinstance(as_of, str) or as_of is None else as_of
    catch_up_reader_copy(paths)
    location = lake_location(paths, reader=True)
    if not location.exists():
        raise YecaiError(
            f"nothing has been published yet: no catalog at {location.display()}",
            "run the pipeline (`yecai run`), or read the unpublished build with "
            "`--warehouse build`",
        )
    con = duckdb.connect(":memory:")
    try:
        con.execute("set TimeZone = 'UTC'")
        load_extensions(con, location)
        try:
            attach_lake(con, location, read_only=True)
        except duckdb.Error as exc:
            raise YecaiError(
                f"cannot open the published lake {location.display()}: {exc}",
                "check that the catalog exists and is reachable; `yecai info` shows where",
            ) from exc
        _refuse_powerful_catalog_role(con, location)
        snapshot = resolve_snapshot(read_snapshots(con), read_closes(con), wanted)
        files = [r[0] for r in con.execute(data_files_sql(snapshot)).fetchall()]
        con.execute(f"detach {LAKE_ALIAS}")
        attach_lake(con, location, read_only=True, snapshot=snapshot)
        con.execute(f"use {LAKE_ALIAS}")
        # Close the door: from here on only the lake's own files of this snapshot are
        # readable, nothing is writable, and no setting can be changed back.
        # (a literal list: a Python list parameter makes DuckDB import pandas, ~4 s)
        con.execute(f"set allowed_paths = [{', '.join(sql_str(f) for f in files)}]")
        con.execute("set enable_external_access = false")
        con.execute("set lock_configuration = true")
    except BaseException:
        con.close()
        raise
    return con


def current_snapshot(con: duckdb.DuckDBPyConnection) -> int:
    """The snapshot a connection from ``connect`` reads."""
    return int(con.execute(f"select id from {LAKE_ALIAS}.current_snapshot()").fetchone()[0])
