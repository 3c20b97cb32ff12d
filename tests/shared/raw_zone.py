"""Reading the raw zone's current state in tests, the way docs/interfaces.md defines it."""

from __future__ import annotations

import duckdb

from ingestion.lake import scan
from yecai.settings import Paths


def latest_versions(paths: Paths, source: str, entity: str, *columns: str) -> dict[str, tuple]:
    """``_source_pk`` → the chosen columns of its latest version (greatest ``_batch_id``).

    Read as ingestion reads the lake: encrypted files with the home's lake key."""
    glob = str(paths.raw / source / entity / "batch=*" / "*.parquet")
    con = duckdb.connect()
    files = scan(con, paths, glob, hive_partitioning="false", union_by_name="true")
    rows = con.execute(
        f"""select _source_pk, {", ".join(columns)} from {files}
            qualify row_number() over (partition by _source_pk order by _batch_id desc) = 1"""
    ).fetchall()
    con.close()
    return {r[0]: tuple(r[1:]) for r in rows}
