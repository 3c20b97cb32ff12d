"""Reading what is already in the raw zone: committed batches, manifests, latest versions.

Only committed batches are visible here: a batch folder appears in ``raw/`` by one
rename, with its manifest inside, so "has a manifest" = "is complete".
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import duckdb

from yecai.privacy.lake_crypto import lake_keyring, parquet_scan
from yecai.settings import Paths

MANIFEST = "manifest.json"


def entity_dir(paths: Paths, source: str, entity: str) -> Path:
    return paths.raw / source / entity


def quarantine_dir(paths: Paths, source: str, entity: str) -> Path:
    return paths.quarantine / source / entity


def committed_batches(paths: Paths, source: str, entity: str) -> list[Path]:
    """Batch folders with a manifest, oldest first."""
    folder = entity_dir(paths, source, entity)
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob("batch=*") if (p / MANIFEST).is_file())


def read_manifest(batch_dir: Path) -> dict:
    return json.loads((batch_dir / MANIFEST).read_text(encoding="utf-8"))


def latest_manifest(paths: Paths, source: str, entity: str) -> dict | None:
    """The newest committed batch's manifest: the one place the watermark lives."""
    batches = committed_batches(paths, source, entity)
    return read_manifest(batches[-1]) if batches else None


def _has_parquet(folder: Path) -> bool:
    return folder.is_dir() and any(folder.glob("batch=*/*.parquet"))


def raw_glob(paths: Paths, source: str, entity: str) -> str:
    return str(entity_dir(paths, source, entity) / "batch=*" / "*.parquet")


def scan(
    con: duckdb.DuckDBPyConnection,
    paths: Paths,
    files: str | Path | Sequence[str | Path],
    **options: str,
) -> str:
    """A FROM-clause expression over lake Parquet ``files`` (a glob or a list), clear or
    encrypted, each read with the home's lake key that opens it (``lake_crypto.parquet_scan``)."""
    return parquet_scan(con, files, lake_keyring(paths.home), **options)


def load_quarantine_seen(
    con: duckdb.DuckDBPyConnection, paths: Paths, source: str, entity: str
) -> None:
    """Temp table ``quarantine_seen(_source_pk, _row_hash, _batch_id)``: every quarantined
    row's key and content, with the newest batch that quarantined it."""
    qdir = quarantine_dir(paths, source, entity)
    if _has_parquet(qdir):
        qglob = str(qdir / "batch=*" / "*.parquet")
        source = scan(con, paths, qglob, union_by_name="true", hive_partitioning="false")
        con.execute(
            f"""
            create or replace temp table quarantine_seen as
            select _source_pk, _row_hash, max(_batch_id) as _batch_id
            from {source}
            group by all
            """
        )
    else:
        con.execute(
            "create or replace temp table quarantine_seen (_source_pk varchar, "
            "_row_hash varchar, _batch_id varchar)"
        )


def load_latest_rows(
    con: duckdb.DuckDBPyConnection, paths: Paths, source: str, entity: str, keys_table: str
) -> str | None:
    """Temp table ``deleted_latest``: the full latest landed row of each key in ``keys_table``.

    Returns the table name, or None when nothing has been landed yet.
    """
    if not _has_parquet(entity_dir(paths, source, entity)):
        return None
    raw = scan(
        con, paths, raw_glob(paths, source, entity), union_by_name="true", hive_partitioning="false"
    )
    con.execute(
        f"""
        create or replace temp table deleted_latest as
        select r.*
        from {raw} r
        where r._source_pk in (select _source_pk from {keys_table})
        qualify row_number() over (partition by r._source_pk order by r._batch_id desc) = 1
        """
    )
    return "deleted_latest"
