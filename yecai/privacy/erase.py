"""``yecai privacy erase --person <national_id>``: one person out of every store of the home.

1. Find the person: the rows of the raw and quarantine zones and the build warehouse whose
   national-ID column holds the ID give their other values (names, accounts, phones, …).
2. Rewrite (``erase_sql``): each value becomes its token, birth dates in their rows null,
   amounts stay, so the books still balance.
   - raw and quarantine Parquet: each file holding the person rewritten whole (its batch
     manifest's sizes and checksum updated);
   - the build warehouse: updated in place, then copied into a fresh file (DuckDB keeps freed
     blocks: an update alone would leave the old values on disk);
   - the published lake, every kept version: each data file holding the person rewritten in
     place with the same rows in the same order and the same field ids (delete files and
     snapshots stay valid), the catalog told its new size, and the column statistics that
     held clear values cleared; values inlined in the catalog updated; a SQLite catalog then
     vacuumed. Time travel and named closes keep working;
   - every role's copy re-written from the current snapshot.
3. Scan everything again (``scan``) and record ``erase`` in the audit log, naming the person
   by token only.

The source systems themselves (and files dropped for ingestion) are out of reach: erase there
first, or the next extraction brings the person back.
"""

from __future__ import annotations

import json
import os
import sqlite3
import struct
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from yecai.errors import YecaiError
from yecai.privacy.classification import effective_classes
from yecai.privacy.encryption import attach_encrypted, enable_encryption
from yecai.privacy.erase_sql import (
    EXACT_CLASSES,
    STRONG_CLASSES,
    Person,
    is_text,
    literal,
    plan_rewrite,
)
from yecai.privacy.keys import Key, load_key
from yecai.privacy.lake_crypto import copy_options, key_for_file, lake_keyring, parquet_scan
from yecai.privacy.policy import quote_ident
from yecai.privacy.tokens import normalise, token
from yecai.settings import Paths

Say = Callable[[str], None]


@dataclass
class ErasureReport:
    person_token: str
    files: list[str] = field(default_factory=list)  # Parquet files rewritten (relative)
    tables: list[str] = field(default_factory=list)  # build warehouse tables updated
    lake_files: int = 0  # published data files rewritten (every kept version)
    role_copies: str = ""
    catalog_tables: list[str] = field(default_factory=list)  # PostgreSQL catalog, vacuumed
    remaining: list[str] = field(default_factory=list)  # where a scan still finds a value

    def message(self) -> str:
        lines = [
            f"erased {self.person_token}: {len(self.files)} lake file(s), "
            f"{len(self.tables)} warehouse table(s), {self.lake_files} published file(s) "
            "rewritten",
            self.role_copies,
        ]
        if self.catalog_tables:
            lines.append(
                f"vacuumed (full) {len(self.catalog_tables)} table(s) of the PostgreSQL catalog"
            )
        if self.remaining:
            lines.append(f"a scan still finds the person in: {', '.join(self.remaining)}")
        else:
            lines.append(
                "a scan of the lake, the warehouses and the role copies finds them nowhere"
            )
        return "\n".join(x for x in lines if x)


# --- where the person's values can be ---------------------------------------------------


def zone_files(paths: Paths) -> Iterator[tuple[str, Path]]:
    """(``raw.<source>.<entity>``, file) of every Parquet file of the raw and quarantine zones."""
    for zone in (paths.raw, paths.quarantine):
        for f in sorted(zone.glob("*/*/batch=*/*.parquet")):
            entity = f.parent.parent
            yield f"raw.{entity.parent.name}.{entity.name}", f


def _columns_of(con: duckdb.DuckDBPyConnection, source: str) -> list[tuple[str, str]]:
    return [(d[0], str(d[1])) for d in con.execute(f"describe select * from {source}").fetchall()]


class Classes:
    """Column classes per relation: contract tags, then names (``quality.redaction``'s reading)."""

    def __init__(self, paths: Paths) -> None:
        from quality.redaction import SensitiveColumns

        self.sensitive = SensitiveColumns(paths)

    def of(self, relation: str, columns: list[tuple[str, str]]) -> dict[str, str]:
        own = self.sensitive.contracts.get(relation) or self.sensitive.models.get(
            relation.split(".")[-1]
        )
        names = [c for c, _ in columns]
        return effective_classes(names, own.tags if own else {}, self.sensitive.upstream)


def _parquet(path: Path, crypt: str = "") -> str:
    # not hive-partitioned: a batch=<id> folder would add a `batch` column to a rewritten file
    return f"read_parquet({literal(str(path))}, hive_partitioning = false{crypt})"


def _zone_parquet(con: duckdb.DuckDBPyConnection, path: Path, ring: Mapping[str, Key]) -> str:
    """A raw or quarantine file, clear or encrypted with the lake key (lake_crypto); not
    hive-partitioned, so a re-written file gains no ``batch`` column."""
    return parquet_scan(con, [path], ring, hive_partitioning="false")


def _collect(
    con: duckdb.DuckDBPyConnection,
    source: str,
    columns: list[tuple[str, str]],
    classes: Mapping[str, str],
    national_id: str,
    found: dict[str, set[str]],
) -> None:
    """Add to ``found`` (class -> values) the person's values in ``source``'s rows with the ID."""
    id_cols = [c for c, t in columns if classes.get(c) == "national_id" and is_text(t)]
    if not id_cols:
        return
    wanted = [c for c, t in columns if classes.get(c) in (*STRONG_CLASSES, *EXACT_CLASSES)]
    where = " or ".join(f"upper(trim({quote_ident(c)})) = ?" for c in id_cols)
    select = ", ".join(f"cast({quote_ident(c)} as varchar)" for c in wanted)
    for row in con.execute(
        f"select {select} from {source} where {where}", [national_id] * len(id_cols)
    ).fetchall():
        for col, value in zip(wanted, row, strict=True):
            if value is not None and str(value).strip():
                found.setdefault(classes[col], set()).add(str(value).strip())


def person_from(found: Mapping[str, set[str]], key: bytes) -> Person:
    """The person's values and their tokens, each value also in its normalised form (pure)."""
    strong: dict[str, str] = {}
    exact: dict[str, dict[str, str]] = {}
    for cls, values in found.items():
        for value in values:
            tok = token(key, cls, normalise(cls, value))
            if cls in STRONG_CLASSES:
                for form in {value, normalise(cls, value), value.lower(), value.upper()}:
                    if form:
                        strong[form] = tok
            elif cls in EXACT_CLASSES:
                exact.setdefault(cls, {})[value] = tok
    return Person(strong, exact)


def find_person(
    paths: Paths,
    national_id: str,
    key: bytes,
    classes: Classes,
    env: Mapping[str, str] | None = None,
) -> tuple[Person, dict[str, set[str]]]:
    wanted = normalise("national_id", national_id)
    found: dict[str, set[str]] = {}
    ring = lake_keyring(paths.home, env)
    con = duckdb.connect()
    try:
        for relation, f in zone_files(paths):
            source = _zone_parquet(con, f, ring)
            cols = _columns_of(con, source)
            _collect(con, source, cols, classes.of(relation, cols), wanted, found)
        if paths.build_db.exists():
            _attach_build(con, paths, read_only=True)
            for schema, table in _build_tables(con):
                source = f"build.{quote_ident(schema)}.{quote_ident(table)}"
                cols = _columns_of(con, source)
                _collect(con, source, cols, classes.of(f"{schema}.{table}", cols), wanted, found)
    finally:
        con.close()
    if not found.get("national_id"):
        raise YecaiError(
            "no row of the lake or the build warehouse carries that national ID",
            "check the number (as the source wrote it); nothing was changed",
        )
    return person_from(found, key), found


# --- rewriting ------------------------------------------------------------------------


def _matches(con: duckdb.DuckDBPyConnection, source: str, match: str) -> int:
    return int(con.execute(f"select count(*) from {source} where {match}").fetchone()[0])


def replace_file(path: Path, tmp: Path) -> None:
    os.chmod(tmp, 0o600)
    tmp.replace(path)


def erase_zone_files(
    paths: Paths,
    person: Person,
    classes: Classes,
    report: ErasureReport,
    env: Mapping[str, str] | None = None,
) -> None:
    ring = lake_keyring(paths.home, env)
    con = duckdb.connect()
    try:
        touched: set[Path] = set()
        for relation, f in zone_files(paths):
            source = _zone_parquet(con, f, ring)
            cols = _columns_of(con, source)
            plan = plan_rewrite(cols, classes.of(relation, cols), person)
            if plan is None or not _matches(con, source, plan.match):
                continue
            tmp = f.with_name(f".{f.name}.erase")
            # an encrypted file stays encrypted, with the key its manifest records
            written_with = copy_options(con, key_for_file(con, f, ring))
            con.execute(
                f"copy (select {plan.select_list(cols)} from {source}) to "
                f"{literal(str(tmp))} (format parquet{written_with})"
            )
            replace_file(f, tmp)
            touched.add(f.parent)
            report.files.append(str(f.relative_to(paths.home)))
    finally:
        con.close()
    for batch in touched:
        refresh_manifest(batch)


def refresh_manifest(batch: Path) -> None:
    """The batch manifest's file sizes and checksums, after its files were rewritten."""
    from ingestion.landing import file_checksums

    manifest = batch / "manifest.json"
    if not manifest.exists():
        return
    data = json.loads(manifest.read_text(encoding="utf-8"))
    data["checksum_sha256"], data["files"] = file_checksums(sorted(batch.glob("*.parquet")))
    tmp = manifest.with_name(".manifest.json.erase")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    replace_file(manifest, tmp)


def _attach_build(con: duckdb.DuckDBPyConnection, paths: Paths, read_only: bool) -> None:
    from yecai import build_warehouse

    build_warehouse.attach(con, paths.build_db, alias="build", read_only=read_only, home=paths.home)


def _build_tables(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    return con.execute(
        "select schema_name, table_name from duckdb_tables() where database_name = 'build' "
        "order by 1, 2"
    ).fetchall()


def erase_build(paths: Paths, person: Person, classes: Classes, report: ErasureReport) -> None:
    if not paths.build_db.exists():
        return
    con = duckdb.connect()
    try:
        _attach_build(con, paths, read_only=False)
        for schema, table in _build_tables(con):
            target = f"build.{quote_ident(schema)}.{quote_ident(table)}"
            cols = _columns_of(con, target)
            plan = plan_rewrite(cols, classes.of(f"{schema}.{table}", cols), person)
            if plan is None or not _matches(con, target, plan.match):
                continue
            con.execute(plan.update_sql(target))
            report.tables.append(f"{schema}.{table}")
        if not report.tables:
            return
        con.execute("checkpoint build")
        # A fresh file holds only the current values; the old one keeps freed blocks.
        fresh = paths.build_db.with_name(f".{paths.build_db.name}.erase")
        fresh.unlink(missing_ok=True)
        from yecai.build_warehouse import warehouse_keys

        keys = warehouse_keys(paths.home)
        if keys:  # a writer never leaves the warehouse plain once a key is set
            attach_encrypted(con, fresh, keys[0], alias="fresh")
        else:
            con.execute(f"attach {literal(str(fresh))} as fresh")
        con.execute("copy from database build to fresh")
        con.execute("detach fresh")
        con.execute("detach build")
    finally:
        con.close()
    replace_file(paths.build_db, fresh)
    paths.build_db.with_name(paths.build_db.name + ".wal").unlink(missing_ok=True)


# --- the published lake, every kept version ---------------------------------------------

FILES_SQL = """
    select f.data_file_id, f.table_id, f.path, f.path_is_relative, f.encryption_key,
           f.begin_snapshot,
           case when t.path_is_relative
                then (case when s.path_is_relative then d.value || s.path else s.path end)
                     || t.path
                else t.path end as table_path,
           s.schema_name, t.table_name
    from {m}.ducklake_data_file as f
    join {m}.ducklake_table as t on t.table_id = f.table_id
        and t.begin_snapshot = (select max(begin_snapshot) from {m}.ducklake_table as x
                                where x.table_id = f.table_id)
    join {m}.ducklake_schema as s on s.schema_id = t.schema_id
        and s.begin_snapshot = (select max(begin_snapshot) from {m}.ducklake_schema as y
                                where y.schema_id = t.schema_id)
    cross join (select value from {m}.ducklake_metadata
                where key = 'data_path' and scope is null) as d
"""


def _lake_file_key(con: duckdb.DuckDBPyConnection, file_id: int, secret: str) -> str:
    """The ``encryption_config`` value for a published file encrypted with ``secret``: its
    catalog row's key, base64 of the 16 raw bytes DuckLake wrote it with (``footer_key_value``;
    a named key would take the base64 text itself as a 24-byte key). The key goes through a
    session variable, so no statement text holds it."""
    enable_encryption(con)
    variable = f"published_file_{int(file_id)}"
    con.execute(f"set variable {variable} = ?", [secret])
    return f"{{footer_key_value: from_base64(getvariable('{variable}'))}}"


def _field_ids(con: duckdb.DuckDBPyConnection, path: Path) -> str:
    rows = con.execute(
        f"select name, field_id from parquet_schema({literal(str(path))}) "
        "where field_id is not null"
    ).fetchall()
    return _field_ids_option(rows)


def _field_ids_option(rows: list[tuple[str, int]]) -> str:
    return "{" + ", ".join(f"{literal(n)}: {int(i)}" for n, i in rows) + "}"


def _catalog_field_ids(
    con: duckdb.DuckDBPyConnection,
    table_id: int,
    snapshot: int,
    columns: list[tuple[str, str]],
) -> str:
    """The field IDs a data file was written with, from the catalog: the table's columns as
    they were at the file's first snapshot. (``parquet_schema`` cannot open an encrypted file;
    a rewritten file must carry the same IDs, DuckLake maps columns by them.)"""
    from yecai.published import META_ALIAS as m

    rows = con.execute(
        f"select column_name, column_id from {m}.ducklake_column where table_id = ? "
        "and parent_column is null and begin_snapshot <= ? "
        "and (end_snapshot is null or end_snapshot > ?)",
        [table_id, snapshot, snapshot],
    ).fetchall()
    ids = dict(rows)
    missing = [name for name, _ in columns if name not in ids]
    if missing:
        raise YecaiError(
            f"the published lake's catalog has no field ID for {', '.join(missing)} of table "
            f"{table_id} at snapshot {snapshot}: an encrypted file cannot be re-written safely",
            "this is a yecai bug: report it with the table's name. The erasure stopped here: "
            "this file and the published files after it may still hold the person",
        )
    return _field_ids_option([(name, ids[name]) for name, _ in columns])


def _footer_length(path: Path) -> int:
    with path.open("rb") as fh:
        fh.seek(-8, os.SEEK_END)
        return struct.unpack("<I", fh.read(4))[0]


def erase_lake(paths: Paths, person: Person, classes: Classes, report: ErasureReport) -> None:
    from quality.lake_writer import lake_writer, rewrite_encrypted_catalog
    from yecai.published import META_ALIAS, lake_location

    location = lake_location(paths)
    if not location.exists():
        return
    m = META_ALIAS
    touched: set[str] = set()  # catalog tables changed: old values may linger in them
    with lake_writer(paths) as con:
        files = con.execute(FILES_SQL.format(m=m)).fetchall()
        for file_id, table_id, path, relative, enc, begun, table_path, schema, table in files:
            full = Path(table_path + path if relative else path)
            if not full.exists():
                continue  # expired and cleaned up already
            # an encrypted lake's file is read and re-written with the key the catalog holds
            # for it, so the catalog row stays true and the file stays encrypted
            config = _lake_file_key(con, file_id, enc) if enc else None
            crypt = f", encryption_config = {config}" if config else ""
            source = _parquet(full, crypt)
            cols = _columns_of(con, source)
            plan = plan_rewrite(cols, classes.of(f"{schema}.{table}", cols), person)
            if plan is None or not _matches(con, source, plan.match):
                continue
            tmp = full.with_name(f".{full.name}.erase")
            con.execute(
                f"copy (select {plan.select_list(cols)} from {source}) to {literal(str(tmp))} "
                f"(format parquet, field_ids "
                f"{_catalog_field_ids(con, table_id, begun, cols) if config else _field_ids(con, full)}"
                f"{f', encryption_config {config}' if config else ''})"
            )
            replace_file(full, tmp)
            con.execute(
                f"update {m}.ducklake_data_file set file_size_bytes = ?, footer_size = ? "
                "where data_file_id = ?",
                [full.stat().st_size, _footer_length(full), file_id],
            )
            # min/max of a rewritten file may have been the person's value; cleared = unknown
            con.execute(
                f"update {m}.ducklake_file_column_stats set min_value = null, max_value = null "
                "where data_file_id = ?",
                [file_id],
            )
            con.execute(
                f"update {m}.ducklake_table_column_stats set min_value = null, max_value = null "
                "where table_id = ?",
                [table_id],
            )
            report.lake_files += 1
            touched.update(CATALOG_STATS_TABLES)
        touched.update(_erase_inlined(con, m, person, classes))
    if location.kind == "sqlite":
        db = sqlite3.connect(location.catalog)
        try:
            db.execute("vacuum")  # freed pages would still hold the old statistics
        finally:
            db.close()
    elif location.kind == "duckdb":
        # freed blocks of the DuckDB file would still hold them, and so would the readers' copy
        rewrite_encrypted_catalog(paths)
    elif touched:
        report.catalog_tables = vacuum_postgres_catalog(location.catalog, sorted(touched))


# What erase updates in the catalog for each rewritten data file.
CATALOG_STATS_TABLES = (
    "ducklake_data_file",
    "ducklake_file_column_stats",
    "ducklake_table_column_stats",
)


def vacuum_postgres_catalog(url: str, tables: list[str]) -> list[str]:
    """``VACUUM (FULL, ANALYZE)`` the PostgreSQL catalog's ``tables``; returns them qualified.

    An UPDATE leaves the old row version in the table's pages (a dead tuple) until a vacuum
    reclaims it, and a plain (auto)vacuum only marks the space reusable: the erased values,
    in column statistics and inlined rows, would still be on disk. VACUUM FULL writes each
    table (and its TOAST) into new files and drops the old ones. It takes an exclusive lock
    on each table for the seconds it runs, so readers of the lake wait for it; it needs the
    tables' owner (the publisher's role, YECAI_LAKE_CATALOG_URL). The WAL and any backup of
    the database still hold the old pages until they are recycled: out of yecai's reach.
    """
    import psycopg
    from psycopg import sql

    done: list[str] = []
    with psycopg.connect(url, autocommit=True) as db:  # VACUUM cannot run in a transaction
        found = db.execute(
            "select schemaname, tablename from pg_tables where tablename = any(%s) "
            "and schemaname not in ('pg_catalog', 'information_schema') order by 1, 2",
            [tables],
        ).fetchall()
        for schema, table in found:
            name = sql.Identifier(schema, table)
            db.execute(sql.SQL("vacuum (full, analyze) {}").format(name))
            done.append(f"{schema}.{table}")
    return done


def _erase_inlined(
    con: duckdb.DuckDBPyConnection, m: str, person: Person, classes: Classes
) -> list[str]:
    """Rows DuckLake keeps inside the catalog (small inserts) are updated there; returns the
    catalog tables updated."""
    try:
        inlined = con.execute(
            f"select i.table_name, t.table_name, i.table_id "
            f"from {m}.ducklake_inlined_data_tables as i "
            f"join {m}.ducklake_table as t using (table_id)"
        ).fetchall()
    except duckdb.Error:
        return []  # a catalog without inlined data
    meta_cols = {"row_id", "begin_snapshot", "end_snapshot"}
    updated: list[str] = []
    for stored, table, table_id in sorted(set(inlined)):
        target = f"{m}.{quote_ident(stored)}"
        cols = [c for c in _columns_of(con, target) if c[0] not in meta_cols]
        # A PostgreSQL catalog stores inlined text as bytea (BLOB here): read it as text.
        blobs = {c for c, t in cols if t.upper() == "BLOB"}
        as_text = [(c, "VARCHAR" if c in blobs else t) for c, t in cols]
        plan = plan_rewrite(as_text, classes.of(table, as_text), person)
        if plan is None:
            continue
        match = _decoded(plan.match, blobs)
        if not _matches(con, target, match):
            continue
        sets = ", ".join(
            f"{quote_ident(c)} = "
            + (f"encode({_decoded(e, blobs)})" if c in blobs else _decoded(e, blobs))
            for c, e in plan.assignments
        )
        con.execute(f"update {target} set {sets} where {match}")
        # the table's min/max may have been the person's value, as for a rewritten file
        con.execute(
            f"update {m}.ducklake_table_column_stats set min_value = null, max_value = null "
            "where table_id = ?",
            [table_id],
        )
        updated += [stored, "ducklake_table_column_stats"]
    return updated


def _decoded(sql: str, blobs: set[str]) -> str:
    """``sql`` reading each column of ``blobs`` as UTF-8 text (``quote_ident`` always quotes,
    so each reference is found exactly)."""
    for col in sorted(blobs):
        sql = sql.replace(quote_ident(col), f"decode({quote_ident(col)})")
    return sql


# --- scan -------------------------------------------------------------------------------


def _text_hits(con: duckdb.DuckDBPyConnection, source: str, values: list[str]) -> bool:
    cols = [c for c, t in _columns_of(con, source) if is_text(t)]
    if not cols or not values:
        return False
    cond = " or ".join(f"contains({quote_ident(c)}, {literal(v)})" for c in cols for v in values)
    return bool(con.execute(f"select count(*) from {source} where {cond}").fetchone()[0])


def scan(paths: Paths, values: list[str], env: Mapping[str, str] | None = None) -> list[str]:
    """Where any of ``values`` still is: lake and published Parquet (every file kept), the
    build warehouse's tables, every role copy, and the bytes of every other file of the home
    (the demo's own source systems excepted: they are the sources, not yecai's stores)."""
    strong = [v for v in values if len(v) >= 2]
    hits: list[str] = []
    skip = {paths.demo, paths.hr_drop}
    files = [
        f
        for f in sorted(paths.home.rglob("*"))
        if f.is_file() and not any(f.is_relative_to(s) for s in skip)
    ]
    ring = lake_keyring(paths.home, env)
    published_keys = _published_file_keys(paths, env)
    con = duckdb.connect()
    try:
        for f in files:
            if f.suffix != ".parquet":
                continue
            lake = f.is_relative_to(paths.lake)  # raw, quarantine, index: maybe lake-encrypted
            if lake:
                source = _zone_parquet(con, f, ring)
            elif str(f) in published_keys:  # a published version, encrypted by DuckLake
                file_id, secret = published_keys[str(f)]
                source = _parquet(
                    f, f", encryption_config = {_lake_file_key(con, file_id, secret)}"
                )
            else:
                source = _parquet(f)
            if _text_hits(con, source, strong):
                hits.append(str(f.relative_to(paths.home)))
        if paths.build_db.exists():
            _attach_build(con, paths, read_only=True)
            for schema, table in _build_tables(con):
                source = f"build.{quote_ident(schema)}.{quote_ident(table)}"
                if _text_hits(con, source, strong):
                    hits.append(f"{paths.build_db.name}:{schema}.{table}")
    finally:
        con.close()
    hits += _role_copy_hits(paths, strong, env)
    needles = [v.encode() for v in strong if len(v) >= 4]
    for f in files:
        if f.suffix == ".parquet":
            continue
        data = f.read_bytes()
        if any(n in data for n in needles):
            hits.append(str(f.relative_to(paths.home)))
    return sorted(set(hits))


def _published_file_keys(paths: Paths, env: Mapping[str, str] | None) -> dict[str, tuple[int, str]]:
    """Path -> (data file id, key) of every encrypted data file the published lake's catalog
    lists (every kept version); {} for a clear lake or nothing published."""
    from yecai.published import META_ALIAS, attach_lake, load_extensions, read_location

    location = read_location(paths, env)
    if not (location.exists() and location.encrypts_data_files):
        return {}
    con = duckdb.connect()
    try:
        load_extensions(con, location)
        attach_lake(con, location, read_only=True)
        rows = con.execute(FILES_SQL.format(m=META_ALIAS)).fetchall()
    finally:
        con.close()
    return {
        str(Path(table_path + path if relative else path)): (file_id, enc)
        for file_id, _, path, relative, enc, _, table_path, _, _ in rows
        if enc
    }


def _role_copy_hits(paths: Paths, values: list[str], env: Mapping[str, str] | None) -> list[str]:
    from yecai.privacy.policy import ROLE_NAMES
    from yecai.privacy.role_copies import READER_ALIAS, open_role_copy, role_copy_path

    hits = []
    for role in ROLE_NAMES:
        if not role_copy_path(paths, role).exists():
            continue
        con = open_role_copy(paths, role, env, purpose="erase scan")
        try:
            tables = con.execute(
                "select schema_name, table_name from duckdb_tables() where database_name = ?",
                [READER_ALIAS],
            ).fetchall()
            for schema, table in tables:
                source = f"{quote_ident(schema)}.{quote_ident(table)}"
                if _text_hits(con, source, values):
                    hits.append(f"roles/{role}:{schema}.{table}")
        finally:
            con.close()
    return hits


# --- the command ------------------------------------------------------------------------


def erase_person(
    paths: Paths,
    national_id: str,
    reason: str,
    env: Mapping[str, str] | None = None,
    progress: Say | None = None,
) -> ErasureReport:
    """Erase the person with ``national_id`` from every store of the home; see the module."""
    from yecai.privacy import audit
    from yecai.published import publish_lock

    say = progress or (lambda _msg: None)
    if not (reason or "").strip():
        raise YecaiError("erasure needs a reason for the audit log", 'pass --reason "…"')
    key = load_key("token", paths.home, env)
    assert key is not None
    _require_keys_of_encrypted_copies(paths, env)
    person_token = token(key.material, "national_id", normalise("national_id", national_id))
    with publish_lock(paths):  # no publish writes the lake or the role copies meanwhile
        classes = Classes(paths)
        say("finding the person's rows")
        person, _ = find_person(paths, national_id, key.material, classes, env)
        report = ErasureReport(person_token)
        say("rewriting the raw and quarantine zones")
        erase_zone_files(paths, person, classes, report, env)
        say("updating the build warehouse")
        erase_build(paths, person, classes, report)
        say("rewriting the published lake's files, every kept version")
        erase_lake(paths, person, classes, report)
        say("re-writing the role copies")
        report.role_copies = _rewrite_role_copies(paths, env)
        say("scanning for what is left")
        report.remaining = scan(paths, person.values(), env)
    audit.record(
        paths,
        "erase",
        reason,
        person=person_token,
        files=len(report.files),
        tables=report.tables,
        published_files=report.lake_files,
        remaining=report.remaining,
    )
    return report


def _require_keys_of_encrypted_copies(paths: Paths, env: Mapping[str, str] | None) -> None:
    """An encrypted role copy (the role that sees identities) holds the person in clear, and
    only the publish key can re-write it: without the key, stop before any file changes
    rather than erase the person everywhere else and leave them there."""
    from yecai.privacy.role_copies import ENCRYPTED_ROLES, role_copy_path

    held = [r for r in ENCRYPTED_ROLES if role_copy_path(paths, r).exists()]
    if held and load_key("publish", paths.home, env, required=False) is None:
        raise YecaiError(
            f"the {', '.join(held)} role's copy is encrypted with the publish key and may hold "
            "the person in clear, but no publish key is set; nothing was changed",
            "set YECAI_PUBLISH_KEY_FILE (docs/security.md, Keys) and run the erase again",
        )


def _rewrite_role_copies(paths: Paths, env: Mapping[str, str] | None) -> str:
    from quality.role_publish import rewrite_role_copies_at_latest

    copies = rewrite_role_copies_at_latest(paths, env)
    return copies.message() if copies else ""
