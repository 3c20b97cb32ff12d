"""Raw files checked against their batch's manifest before anything downstream reads them.

A Parquet file cut short or changed after its batch was committed would otherwise pass
ingestion and fail later inside dbt, with the file's name only in dbt's log. Each committed
manifest lists its files with their size (and, since this check, their sha256); the batch's
combined checksum covers older manifests. Two depths:

- ``quick``: sizes and Parquet's magic bytes at both ends (``PAR1``, or ``PARE`` when
  encrypted; a stat and 8 bytes a file), run
  by every ingest of the entity before it reads the lake;
- full: also every file's checksum, run by the raw-zone quality checks. A file whose
  checksum matched is remembered by (path, size, mtime) in ``lake/_meta/verified.json``, so
  each run hashes only files new or touched since (a write to a file changes its mtime).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from ingestion.batches import write_json_atomic
from ingestion.lake import committed_batches, read_manifest
from ingestion.landing import sha256_file, sha256_files
from yecai.settings import Paths

PARQUET_MAGIC = b"PAR1"
# A file written with Parquet modular encryption (an encrypted footer) starts and ends so.
ENCRYPTED_PARQUET_MAGIC = b"PARE"


@dataclass(frozen=True)
class RawFileProblem:
    source: str
    entity: str
    batch_id: str
    file: str
    problem: str

    def describe(self) -> str:
        return (
            f"raw file {self.source}/{self.entity}/batch={self.batch_id}/{self.file} "
            f"(batch {self.batch_id}): {self.problem}"
        )


def _magic_ok(path: Path, size: int) -> bool:
    if size < 2 * len(PARQUET_MAGIC):
        return False
    with path.open("rb") as fh:
        head = fh.read(len(PARQUET_MAGIC))
        fh.seek(-len(PARQUET_MAGIC), 2)
        return head in (PARQUET_MAGIC, ENCRYPTED_PARQUET_MAGIC) and fh.read() == head


def _stamp(path: Path) -> str:
    stat = path.stat()
    return f"{stat.st_size}:{stat.st_mtime_ns}"


def batch_problems(
    batch_dir: Path, quick: bool, verified: dict[str, str] | None = None
) -> list[RawFileProblem]:
    """What is wrong with one committed batch's files, per its manifest (empty: nothing)."""
    manifest = read_manifest(batch_dir)
    source, entity = batch_dir.parent.parent.name, batch_dir.parent.name
    batch_id = str(manifest.get("batch_id") or batch_dir.name.removeprefix("batch="))

    def problem(name: str, what: str) -> RawFileProblem:
        return RawFileProblem(source, entity, batch_id, name, what)

    listed = manifest.get("files") or []
    out: list[RawFileProblem] = []
    for entry in listed:
        path = batch_dir / entry["name"]
        if not path.is_file():
            out.append(problem(entry["name"], "missing (the manifest lists it)"))
            continue
        size = path.stat().st_size
        if "bytes" in entry and size != entry["bytes"]:
            out.append(problem(entry["name"], f"{size} bytes, the manifest says {entry['bytes']}"))
        elif not _magic_ok(path, size):
            out.append(problem(entry["name"], "not a complete Parquet file"))
        elif not quick and entry.get("sha256"):
            known = verified is not None and verified.get(str(path)) == _stamp(path)
            if not known and sha256_file(path) != entry["sha256"]:
                out.append(problem(entry["name"], "content differs from the manifest's sha256"))
            elif verified is not None:
                verified[str(path)] = _stamp(path)
    if "files" not in manifest:
        return out  # a manifest that lists no files (written by hand, a fixture): no claim
    names = {e["name"] for e in listed}
    out += [
        problem(p.name, "not listed in the manifest")
        for p in sorted(batch_dir.glob("*.parquet"))
        if p.name not in names
    ]
    per_file = all(e.get("sha256") for e in listed)
    if not quick and not out and not per_file and manifest.get("checksum_sha256"):
        files = [batch_dir / e["name"] for e in listed]
        if sha256_files(files) != manifest["checksum_sha256"]:
            shown = ", ".join(e["name"] for e in listed)
            out.append(problem(shown, "content differs from the manifest's checksum"))
    return out


def entity_problems(
    paths: Paths, source: str, entity: str, quick: bool = True
) -> list[RawFileProblem]:
    return [
        p
        for batch in committed_batches(paths, source, entity)
        for p in batch_problems(batch, quick)
    ]


def raw_zone_problems(paths: Paths, quick: bool = False) -> list[RawFileProblem]:
    """Every committed batch of the raw zone, checked (full depth by default)."""
    cache = paths.lake_meta / "verified.json"
    try:
        verified = json.loads(cache.read_text(encoding="utf-8")) if cache.is_file() else {}
    except (OSError, ValueError):
        verified = {}  # a cache: rebuilt by hashing again
    out: list[RawFileProblem] = []
    for manifest in sorted(paths.raw.glob("*/*/batch=*/manifest.json")):
        out += batch_problems(manifest.parent, quick, verified)
    if not quick and paths.lake_meta.is_dir():
        live = {k: v for k, v in verified.items() if Path(k).is_file()}
        write_json_atomic(cache, live)
    return out
