"""A compacted index of each entity's latest landed versions, kept beside the raw zone.

Every incremental batch compares what it read with the lake's latest version of each key
(``_source_pk, _batch_id, _row_hash, _is_deleted``) and looks for keys gone from the
source. Computing that from the raw batches means a window over every version ever landed;
on an 8.7M-line journal DuckDB's window cannot spill enough and fails at the 512 MB cap
(docs/benchmarks.md, "Rerun at scale 10"). So the latest versions are read from a base that
holds one row per key, plus the few batches landed after it:

    latest(base ∪ newer batches) = latest(newer batches) ∪ (base rows whose key no newer
                                   batch holds)

The second half is an anti-join whose build side is the newer batches' keys (small), so it
streams the base with bounded memory. A batch never holds two rows of one key (in-batch
duplicates are quarantined, tombstones are keys the batch did not read), so the base can be
the first landed batch itself: a first load writes no index. Before each batch, the
batches landed since are folded into a new index file (one Parquet per entity), so the
batch reads one plain scan.

The index is a cache, never the truth: it is named after the last batch it covers and how
many committed batches that is (``latest@<batch_id>@<count>.parquet``); if that batch or
count no longer matches the raw zone (a batch removed by hand), it is rebuilt from the
batches. It lives under ``lake/_meta/latest/``, outside ``raw/``, so no reader of the raw
zone ever sees it. Callers hold the entity's ingest lock.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

from ingestion.duck import sql_str
from ingestion.lake import committed_batches, load_quarantine_seen, scan
from yecai.privacy.keys import Key
from yecai.privacy.lake_crypto import copy_options
from yecai.settings import Paths

LATEST_COLUMNS = "_source_pk, _batch_id, _row_hash, _is_deleted"
# Folding several small batches at once takes one window over them; keep that window small.
FOLD_GROUP_ROWS = 1_000_000
_INDEX_NAME = re.compile(r"^latest@(?P<batch>[^@]+)@(?P<count>\d+)\.parquet$")


def index_dir(paths: Paths, source: str, entity: str) -> Path:
    return paths.lake_meta / "latest" / source / entity


@dataclass(frozen=True)
class IndexFile:
    path: Path
    batch_id: str  # the newest batch it covers
    batch_count: int  # how many committed batches it covers


def _index_files(folder: Path) -> list[IndexFile]:
    if not folder.is_dir():
        return []
    found = []
    for path in folder.iterdir():
        match = _INDEX_NAME.match(path.name)
        if match:
            found.append(IndexFile(path, match["batch"], int(match["count"])))
    return sorted(found, key=lambda f: f.batch_id)


def _batch_id(batch_dir: Path) -> str:
    return batch_dir.name.removeprefix("batch=")


def usable_index(index_files: list[IndexFile], batch_ids: list[str]) -> IndexFile | None:
    """The newest index that still agrees with the raw zone's committed batches (pure).

    It agrees when the batch it is named after is committed and exactly ``batch_count``
    committed batches are that old or older.
    """
    for index in reversed(index_files):
        covered = sum(1 for b in batch_ids if b <= index.batch_id)
        if index.batch_id in batch_ids and covered == index.batch_count:
            return index
    return None


def fold_groups(batch_rows: list[tuple[str, int]], limit: int = FOLD_GROUP_ROWS) -> list[list[str]]:
    """Split batches (oldest first, with their row counts) into groups to fold in one step (pure).

    A batch of ``limit`` rows or more is a group of its own (no window needed); smaller
    consecutive batches share a group until it would reach ``limit`` rows.
    """
    groups: list[list[str]] = []
    current: list[str] = []
    current_rows = 0
    for batch_id, rows in batch_rows:
        if rows >= limit:
            if current:
                groups.append(current)
            groups.append([batch_id])
            current, current_rows = [], 0
            continue
        if current and current_rows + rows > limit:
            groups.append(current)
            current, current_rows = [], 0
        current.append(batch_id)
        current_rows += rows
    if current:
        groups.append(current)
    return groups


def _scan(con: duckdb.DuckDBPyConnection, paths: Paths, files: list[Path]) -> str:
    return scan(con, paths, files, union_by_name="true", hive_partitioning="false")


def _group_sql(source: str, several_batches: bool) -> str:
    sql = f"select {LATEST_COLUMNS} from {source}"
    if several_batches:
        sql += " qualify row_number() over (partition by _source_pk order by _batch_id desc) = 1"
    return sql


def _row_count(con: duckdb.DuckDBPyConnection, paths: Paths, files: list[Path]) -> int:
    """Rows in the files (a count over Parquet is answered from the footers)."""
    return int(con.execute(f"select count(*) from {_scan(con, paths, files)}").fetchone()[0])


def _write_index(
    con: duckdb.DuckDBPyConnection, select_sql: str, target: Path, key: Key | None
) -> None:
    """Write the index atomically: a reader sees the old file or the new, never half.

    It holds the entity's keys and row hashes, so it is encrypted like the entity's files."""
    tmp = target.with_name("." + target.name + ".tmp")
    # Row order means nothing in the index; keeping it would buffer the copy's output.
    con.execute("set preserve_insertion_order = false")
    try:
        con.execute(
            f"copy ({select_sql}) to '{sql_str(str(tmp))}' "
            f"(format parquet, compression zstd{copy_options(con, key)})"
        )
    finally:
        con.execute("reset preserve_insertion_order")
    os.replace(tmp, target)


def _merge_sql(base_source: str, newer_source: str | None, several_batches: bool) -> str:
    """Latest versions of base ∪ newer, where ``newer_source`` reads the batches newer than
    the base (None: none) and the base holds one row per key."""
    base_scan = f"select {LATEST_COLUMNS} from {base_source}"
    if newer_source is None:
        return base_scan
    newer = _group_sql(newer_source, several_batches)
    return f"""
        with newer as ({newer})
        select * from newer
        union all
        select * from ({base_scan}) i
        where not exists (select 1 from newer n where n._source_pk = i._source_pk)
    """


def latest_versions_files(
    con: duckdb.DuckDBPyConnection,
    paths: Paths,
    source: str,
    entity: str,
    key: Key | None = None,
) -> list[Path] | None:
    """Parquet files holding exactly the latest version of every key; None if nothing landed.

    The newest usable index, else the first landed batch itself (a batch holds one row per
    key, so after a first load nothing needs writing). Batches landed after it are folded
    into a new index first, so what callers read is always one plain scan: joined against
    the source's key set, a merge query nested inside the delete detection's anti-join ran
    out of memory at 512 MB on 8.7M keys, a scan of a file does not. A new index is written
    with ``key`` (the entity's lake key; None: clear).
    """
    folder = index_dir(paths, source, entity)
    batches = committed_batches(paths, source, entity)
    batch_ids = [_batch_id(b) for b in batches]
    files_of = {_batch_id(b): sorted(b.glob("*.parquet")) for b in batches}
    files_of = {b: files for b, files in files_of.items() if files}
    index = usable_index(_index_files(folder), batch_ids)
    if index is not None:
        base_id, base = index.batch_id, [index.path]
    elif files_of:
        base_id = next(iter(files_of))
        base = files_of[base_id]
    else:
        _remove_index_files(folder, keep=None)
        return None
    tail = [b for b in files_of if b > base_id]
    if tail:
        folder.mkdir(parents=True, exist_ok=True)
        rows = {b: _row_count(con, paths, files_of[b]) for b in tail}
        for group in fold_groups([(b, rows[b]) for b in tail]):
            covered = sum(1 for b in batch_ids if b <= group[-1])
            target = folder / f"latest@{group[-1]}@{covered}.parquet"
            newer = _scan(con, paths, [f for b in group for f in files_of[b]])
            merged = _merge_sql(_scan(con, paths, base), newer, several_batches=len(group) > 1)
            _write_index(con, merged, target, key)
            base = [target]
    _remove_index_files(folder, keep=base[0] if base[0].parent == folder else None)
    return base


def _remove_index_files(folder: Path, keep: Path | None) -> None:
    """Older indexes and a killed compaction's leftovers (callers hold the entity lock)."""
    if folder.is_dir():
        for path in folder.iterdir():
            if path != keep:
                path.unlink(missing_ok=True)


def load_latest_versions(
    con: duckdb.DuckDBPyConnection,
    paths: Paths,
    source: str,
    entity: str,
    key: Key | None = None,
) -> None:
    """View ``lake_latest(_source_pk, _batch_id, _row_hash, _is_deleted)`` and temp table
    ``quarantine_seen``: the lake's latest version of every key (docs/interfaces.md) and
    what was quarantined before.

    A view over the files: its few uses each stream them once, nothing is copied.
    """
    files = latest_versions_files(con, paths, source, entity, key)
    if files is None:
        con.execute(
            "create or replace temp table lake_latest (_source_pk varchar, _batch_id varchar, "
            "_row_hash varchar, _is_deleted boolean)"
        )
    else:
        con.execute(
            f"create or replace temp view lake_latest as select {LATEST_COLUMNS} "
            f"from {_scan(con, paths, files)}"
        )
    load_quarantine_seen(con, paths, source, entity)
