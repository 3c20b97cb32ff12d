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
import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import duckdb

from yecai.errors import YecaiError
from yecai.settings import Paths, get_paths

CATALOG_URL_ENV = "YECAI_LAKE_CATALOG_URL"
READER_CATALOG_URL_ENV = "YECAI_LAKE_READER_CATALOG_URL"
LAKE_ALIAS = "published"
META_ALIAS = f"__ducklake_metadata_{LAKE_ALIAS}"
CLOSES_TABLE = "governance.period_closes"
_PERIOD = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


@dataclass(frozen=True)
class LakeLocation:
    """Where the published lake's catalog and data live."""

    kind: str  # "sqlite" (embedded, a file under the home) or "postgres"
    catalog: str  # a file path (sqlite) or a libpq URL (postgres)
    data_path: Path

    @property
    def attach_target(self) -> str:
        """What follows ``ducklake:`` in ATTACH."""
        return f"{self.kind}:{self.catalog}"

    def display(self) -> str:
        """The catalog without a password, for messages and ``yecai info``."""
        return redact_url(self.catalog) if self.kind == "postgres" else self.catalog

    def exists(self) -> bool:
        """False only for an embedded catalog that was never written (nothing published)."""
        return self.kind != "sqlite" or Path(self.catalog).exists()

    @property
    def encrypts_data_files(self) -> bool:
        """Whether a lake created here writes every data file encrypted (DuckLake ``ENCRYPTED``).

        DuckLake keeps each file's key in the catalog. In PostgreSQL that is outside the home, so
        the files under the home (every version of personal data) are unreadable without the
        catalog server; beside an embedded catalog in the home the keys would lie next to the
        files they open and protect nothing (docs/decisions/published-lake-encryption.md).
        """
        return self.kind == "postgres"


def redact_url(url: str) -> str:
    """``postgresql://user:secret@host/db`` → ``postgresql://user:***@host/db`` (pure)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def lake_location(paths: Paths, *, reader: bool = False) -> LakeLocation:
    """The lake of this home: PostgreSQL when ``YECAI_LAKE_CATALOG_URL`` is set, else SQLite.

    ``reader=True`` prefers ``YECAI_LAKE_READER_CATALOG_URL`` (a role that may only SELECT):
    readers must not hold a connection that can make the catalog server read files.
    """
    url = os.environ.get(CATALOG_URL_ENV, "").strip()
    if reader:
        url = os.environ.get(READER_CATALOG_URL_ENV, "").strip() or url
    if not url:
        return LakeLocation("sqlite", str(paths.published_catalog), paths.published_data)
    scheme = urlsplit(url).scheme
    if scheme not in ("postgresql", "postgres"):
        raise YecaiError(
            f"{CATALOG_URL_ENV} must be a PostgreSQL URL (postgresql://user@host:port/db), "
            f"got scheme {scheme or 'none'!r}",
            "unset it to keep the catalog in a file under the home, or point it at PostgreSQL",
        )
    return LakeLocation("postgres", url, paths.published_data)


def load_extensions(con: duckdb.DuckDBPyConnection, location: LakeLocation) -> None:
    """Load DuckLake and the catalog's scanner from the pinned wheels (no internet here)."""
    import duckdb_extensions

    for name in ("ducklake", location.kind):
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
    return (
        f"attach {sql_str('ducklake:' + location.attach_target)} as {LAKE_ALIAS} "
        f"({', '.join(options)})"
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
            con.execute(attach_sql(location, read_only=True))
        except duckdb.Error as exc:
            raise YecaiError(
                f"cannot open the published lake {location.display()}: {exc}",
                "check that the catalog exists and is reachable; `yecai info` shows where",
            ) from exc
        _refuse_powerful_catalog_role(con, location)
        snapshot = resolve_snapshot(read_snapshots(con), read_closes(con), wanted)
        files = [r[0] for r in con.execute(data_files_sql(snapshot)).fetchall()]
        con.execute(f"detach {LAKE_ALIAS}")
        con.execute(attach_sql(location, read_only=True, snapshot=snapshot))
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
