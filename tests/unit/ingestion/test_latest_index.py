"""The latest-versions index: same answer as a window over every batch, bounded memory."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from ingestion import duck
from ingestion.latest_index import (
    IndexFile,
    fold_groups,
    index_dir,
    latest_versions_files,
    load_latest_versions,
    usable_index,
)
from yecai.settings import Paths

pytestmark = pytest.mark.unit

SOURCE, ENTITY = "erp", "journal_lines"


def batch_id(day: int) -> str:
    return f"202611{day:02d}T000000000000Z-{SOURCE}-{ENTITY}"


def land(paths: Paths, day: int, select_sql: str) -> str:
    """Commit a raw batch the way landing does: Parquet plus manifest in ``batch=<id>/``."""
    bid = batch_id(day)
    folder = paths.raw / SOURCE / ENTITY / f"batch={bid}"
    folder.mkdir(parents=True)
    con = duckdb.connect()
    con.execute(
        f"copy (select _source_pk, '{bid}' as _batch_id, _row_hash, _is_deleted, 'x' as memo "
        f"from ({select_sql})) to '{folder / 'part-0.parquet'}' (format parquet)"
    )
    rows = con.execute(f"select count(*) from '{folder / 'part-0.parquet'}'").fetchone()[0]
    (folder / "manifest.json").write_text(json.dumps({"batch_id": bid, "rows": rows}))
    return bid


def keys(n: int, salt: str, deleted: str = "false", start: int = 0) -> str:
    return (
        f"select 'K' || lpad(range::varchar, 8, '0') as _source_pk, md5(range::varchar || "
        f"'{salt}') as _row_hash, {deleted} as _is_deleted from range({start}, {start + n})"
    )


def window_truth(paths: Paths) -> set[tuple]:
    """The definition (docs/interfaces.md): each key's row with the greatest ``_batch_id``."""
    glob = paths.raw / SOURCE / ENTITY / "batch=*" / "*.parquet"
    return set(
        duckdb.sql(
            f"select _source_pk, _batch_id, _row_hash, _is_deleted from '{glob}' "
            "qualify row_number() over (partition by _source_pk order by _batch_id desc) = 1"
        ).fetchall()
    )


def from_index(paths: Paths, memory_limit: str = "512MB") -> set[tuple]:
    con = duck.connect(paths.lake_meta / "spill", memory_limit=memory_limit)
    load_latest_versions(con, paths, SOURCE, ENTITY)
    return set(con.execute("select * from lake_latest").fetchall())


@pytest.fixture
def paths(tmp_path) -> Paths:
    return Paths(home=tmp_path / "home")


def test_fold_groups_keeps_large_batches_alone_and_packs_small_ones():
    batches = [("a", 5), ("b", 5), ("c", 50), ("d", 4), ("e", 4), ("f", 4)]
    assert fold_groups(batches, limit=10) == [["a", "b"], ["c"], ["d", "e"], ["f"]]


def test_an_index_is_unusable_once_a_batch_it_covers_is_gone():
    index = IndexFile(Path("latest@b@2.parquet"), "b", 2)
    assert usable_index([index], ["a", "b", "c"]) == index
    assert usable_index([index], ["b", "c"]) is None  # batch "a" removed by hand
    assert usable_index([index], ["a", "c"]) is None  # the batch it is named after is gone


def test_first_load_reads_the_batch_itself_and_writes_no_index(paths):
    land(paths, 1, keys(100, "v1"))
    assert from_index(paths) == window_truth(paths)
    assert not index_dir(paths, SOURCE, ENTITY).exists()


def test_changes_and_deletes_across_batches_match_the_window_definition(paths):
    land(paths, 1, keys(1000, "v1"))
    land(paths, 2, keys(100, "v2", start=950))  # 50 changed, 50 new
    land(paths, 3, keys(30, "v1", deleted="true", start=10))  # tombstones
    first = from_index(paths)
    assert first == window_truth(paths)
    assert len(first) == 1050
    assert sum(1 for row in first if row[3]) == 30
    files = list(index_dir(paths, SOURCE, ENTITY).iterdir())
    assert [f.name for f in files] == [f"latest@{batch_id(3)}@3.parquet"]

    land(paths, 4, keys(5, "v3", start=10))  # deleted keys come back
    assert from_index(paths) == window_truth(paths)
    files = list(index_dir(paths, SOURCE, ENTITY).iterdir())
    assert [f.name for f in files] == [f"latest@{batch_id(4)}@4.parquet"]  # old one removed


def test_a_stale_index_is_rebuilt_from_the_batches(paths):
    land(paths, 1, keys(100, "v1"))
    land(paths, 2, keys(10, "v2"))
    assert from_index(paths) == window_truth(paths)
    # An operator removes batch 2 by hand: the index (covering it) must not be trusted.
    second = paths.raw / SOURCE / ENTITY / f"batch={batch_id(2)}"
    for f in second.iterdir():
        f.unlink()
    second.rmdir()
    land(paths, 3, keys(5, "v3", start=50))
    assert from_index(paths) == window_truth(paths)


def test_latest_of_two_million_keys_fits_a_memory_cap_the_window_does_not(paths):
    land(paths, 1, keys(2_000_000, "v1"))
    land(paths, 2, keys(20_000, "v2", start=5000))
    cap = "128MB"
    glob = paths.raw / SOURCE / ENTITY / "batch=*" / "*.parquet"
    con = duck.connect(paths.lake_meta / "spill-window", memory_limit=cap)
    with pytest.raises(duckdb.OutOfMemoryException):
        con.execute(
            f"create temp table w as select _source_pk, _batch_id, _row_hash, _is_deleted "
            f"from '{glob}' qualify row_number() over (partition by _source_pk "
            "order by _batch_id desc) = 1"
        )
    con = duck.connect(paths.lake_meta / "spill", memory_limit=cap)
    assert latest_versions_files(con, paths, SOURCE, ENTITY) is not None
    load_latest_versions(con, paths, SOURCE, ENTITY)
    changed = con.execute(
        f"select count(*), count(*) filter (_batch_id = '{batch_id(2)}') from lake_latest"
    ).fetchone()
    assert changed == (2_000_000, 20_000)
