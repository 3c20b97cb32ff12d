"""Landing a batch: write everything under ``lake/_meta/tmp/<batch_id>/``, then rename it in.

The raw batch folder (with its manifest) is renamed into ``raw/`` last, so it is the
commit point: before it nobody sees the batch, after it the whole batch is there.
``recover`` tidies what a killed run left behind, under the entity's lock.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock

from ingestion.batches import BatchResult, batches_dir, write_batch_record
from ingestion.lake import MANIFEST, committed_batches, entity_dir, quarantine_dir, read_manifest
from yecai.settings import Paths


@dataclass(frozen=True)
class Stage:
    """Where one batch is assembled before it is committed."""

    root: Path

    @property
    def raw(self) -> Path:
        return self.root / "raw"

    @property
    def quarantine(self) -> Path:
        return self.root / "quarantine"

    @property
    def spill(self) -> Path:
        return self.root / "spill"


def tmp_root(paths: Paths) -> Path:
    return paths.lake_meta / "tmp"


def new_stage(paths: Paths, batch_id: str) -> Stage:
    stage = Stage(tmp_root(paths) / batch_id)
    stage.raw.mkdir(parents=True, exist_ok=False)
    stage.quarantine.mkdir(parents=True, exist_ok=True)
    return stage


def entity_lock(paths: Paths, source: str, entity: str) -> FileLock:
    """One writer per entity at a time (CLI, Dagster, a schedule may all try)."""
    folder = paths.lake_meta / "locks"
    folder.mkdir(parents=True, exist_ok=True)
    return FileLock(str(folder / f"{source}-{entity}.lock"))


def sha256_files(files: list[Path]) -> str:
    """One checksum over the batch's Parquet files, in name order."""
    return file_checksums(files)[0]


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def file_checksums(files: list[Path]) -> tuple[str, list[dict]]:
    """The batch's checksum (``sha256_files``) and the manifest's ``files`` entries (name,
    size, sha256, checked before reads: ingestion.raw_integrity), reading each file once."""
    combined = hashlib.sha256()
    entries = []
    for f in sorted(files, key=lambda p: p.name):
        combined.update(f.name.encode())
        own = hashlib.sha256()
        with f.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                combined.update(chunk)
                own.update(chunk)
        entries.append({"name": f.name, "bytes": f.stat().st_size, "sha256": own.hexdigest()})
    return combined.hexdigest(), entries


def write_manifest(stage: Stage, manifest: dict) -> None:
    (stage.raw / MANIFEST).write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2, default=str), encoding="utf-8"
    )


def commit(paths: Paths, stage: Stage, source: str, entity: str, batch_id: str) -> Path:
    """Rename the staged batch into the lake: quarantine first, raw (the commit point) last."""
    final_raw = entity_dir(paths, source, entity) / f"batch={batch_id}"
    final_q = quarantine_dir(paths, source, entity) / f"batch={batch_id}"
    if any(stage.quarantine.glob("*.parquet")):
        final_q.parent.mkdir(parents=True, exist_ok=True)
        os.rename(stage.quarantine, final_q)
    final_raw.parent.mkdir(parents=True, exist_ok=True)
    os.rename(stage.raw, final_raw)
    return final_raw


def discard(stage: Stage) -> None:
    shutil.rmtree(stage.root, ignore_errors=True)


def recover(paths: Paths, source: str, entity: str) -> list[str]:
    """Tidy after a killed run of this entity; call with the entity lock held.

    - staging folders of this entity: deleted (never visible, never counted);
    - quarantine batches with no committed raw batch: deleted (their batch never happened);
    - committed raw batches with no batch record: the record is written from the manifest.
    Returns what was done, for the log.
    """
    done: list[str] = []
    suffix = f"-{source}-{entity}"
    root = tmp_root(paths)
    if root.is_dir():
        for folder in root.iterdir():
            if folder.name.endswith(suffix):
                shutil.rmtree(folder, ignore_errors=True)
                done.append(f"removed unfinished staging folder {folder.name}")
    committed = {p.name for p in committed_batches(paths, source, entity)}
    qdir = quarantine_dir(paths, source, entity)
    if qdir.is_dir():
        for folder in qdir.glob("batch=*"):
            if folder.name not in committed:
                shutil.rmtree(folder, ignore_errors=True)
                done.append(f"removed quarantine of uncommitted {folder.name}")
    for name in sorted(committed):
        batch_id = name.removeprefix("batch=")
        if not (batches_dir(paths) / f"{batch_id}.json").is_file():
            m = read_manifest(entity_dir(paths, source, entity) / name)
            write_batch_record(paths, BatchResult(**m["batch"]))
            done.append(f"wrote missing batch record for {batch_id}")
    return done
