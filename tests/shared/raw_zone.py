"""Reading the raw zone's current state in tests, the way docs/interfaces.md defines it."""

from __future__ import annotations

import duckdb

from yecai.settings import Paths


def latest_versions(paths: Paths, source: str, entity: str, *columns: str) -> dict[str, tuple]:
    """``_source_pk`` → the chosen columns of its latest version (greatest ``_batch_id``)."""
    glob = paths.raw / source / entity / "batch=*" / "*.parquet"
    rows = duckdb.sql(
        f"""select _source_pk, {", ".join(columns)} from read_parquet('{glob}',
            hive_partitioning = false, union_by_name = true)
            qualify row_number() over (partition by _source_pk order by _batch_id desc) = 1"""
    ).fetchall()
    return {r[0]: tuple(r[1:]) for r in rows}
