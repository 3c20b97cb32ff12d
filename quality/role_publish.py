"""After a publish: write each role's copy from the snapshot just committed.

The relations are read from the published lake at that snapshot (so a role's copy is exactly
what the operator's lake shows, governance tables included); each column's class comes from
the contracts and dbt model tags (``quality.redaction.SensitiveColumns``, the same reading the
redaction of quality output uses), and ``yecai.privacy.role_copies`` writes the files.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import duckdb

from quality.published_relations import ident
from quality.redaction import SensitiveColumns
from yecai.privacy.classification import effective_classes
from yecai.privacy.role_copies import (
    RoleCopies,
    SourceRelation,
    skipped_without_token_key,
    token_key_is_set,
    write_role_copies,
)
from yecai.published import LAKE_ALIAS, attach_lake, load_extensions, read_location, sql_str
from yecai.settings import Paths

STAGING_ALIAS = "role_staging"
MEMORY_LIMIT = "2GB"


def lake_relations(
    con: duckdb.DuckDBPyConnection, sensitive: SensitiveColumns
) -> list[SourceRelation]:
    """Every table of the attached lake with its columns, descriptions and column classes."""
    tables = con.execute(
        "select schema_name, table_name, comment from duckdb_tables() where database_name = ? "
        "order by 1, 2",
        [LAKE_ALIAS],
    ).fetchall()
    columns: dict[tuple[str, str], list[tuple[str, str | None]]] = {}
    for schema, table, column, comment in con.execute(
        "select schema_name, table_name, column_name, comment from duckdb_columns() "
        "where database_name = ? order by schema_name, table_name, column_index",
        [LAKE_ALIAS],
    ).fetchall():
        columns.setdefault((schema, table), []).append((column, comment))
    out = []
    for schema, name, comment in tables:
        cols = columns.get((schema, name), [])
        names = [c for c, _ in cols]
        own = sensitive.models.get(name)
        classes = effective_classes(names, own.tags if own else {}, sensitive.upstream)
        out.append(
            SourceRelation(
                schema,
                name,
                tuple(names),
                classes,
                comment or None,
                {c: d for c, d in cols},
            )
        )
    return out


def stage(con: duckdb.DuckDBPyConnection, relations: list[SourceRelation], paths: Paths) -> None:
    """Read the snapshot once into memory (spilling to the publish spill folder, private like
    the build warehouse): four copies read from it take a third of the time they take
    reading the lake four times (docs/decisions/per-role-published.md)."""
    spill = paths.warehouse / ".publish_spill"
    spill.mkdir(mode=0o700, parents=True, exist_ok=True)
    con.execute(f"set memory_limit = '{MEMORY_LIMIT}'")
    con.execute(f"set temp_directory = {sql_str(str(spill))}")
    con.execute(f"attach ':memory:' as {STAGING_ALIAS}")
    for rel in relations:
        schema = f"{STAGING_ALIAS}.{ident(rel.schema)}"
        con.execute(f"create schema if not exists {schema}")
        con.execute(
            f"create table {schema}.{ident(rel.name)} as "
            f"select * from {LAKE_ALIAS}.{ident(rel.schema)}.{ident(rel.name)}"
        )


def publish_role_copies(
    paths: Paths,
    snapshot: int,
    version: str | None,
    env: Mapping[str, str] | None = None,
    progress: Callable[[str], None] | None = None,
) -> RoleCopies:
    """Write every role's copy of published ``snapshot``."""
    if not token_key_is_set(paths, env):
        # Nothing to write: do not read the snapshot for nothing (7 s a publish at scale 1).
        return skipped_without_token_key()
    location = read_location(paths, env)
    con = duckdb.connect(":memory:")
    try:
        con.execute("set TimeZone = 'UTC'")
        con.execute("set threads = 2")
        con.execute("set enable_progress_bar = false")
        load_extensions(con, location)
        attach_lake(con, location, read_only=True, snapshot=snapshot)
        relations = lake_relations(con, SensitiveColumns(paths))
        stage(con, relations, paths)
        return write_role_copies(
            paths,
            con,
            STAGING_ALIAS,
            relations,
            {"snapshot_id": snapshot, "version": version},
            env,
            progress,
        )
    finally:
        con.close()


def rewrite_role_copies_at_latest(
    paths: Paths,
    env: Mapping[str, str] | None = None,
    progress: Callable[[str], None] | None = None,
) -> RoleCopies | None:
    """Every role's copy re-written from the lake's latest snapshot (after an erasure or a key
    rotation changed what they must hold); None when nothing was published. The caller holds
    the publish lock."""
    from yecai.published import read_snapshots

    location = read_location(paths, env)
    if not location.exists():
        return None
    con = duckdb.connect()
    try:
        load_extensions(con, location)
        attach_lake(con, location, read_only=True)
        snaps = read_snapshots(con)
    finally:
        con.close()
    version = next((s.version for s in reversed(snaps) if s.version), None)
    return publish_role_copies(paths, snaps[-1].snapshot_id, version, env, progress)
