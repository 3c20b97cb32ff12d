"""Published warehouse versions and the publish log: read them without loading GX.

``yecai info --versions`` and analysts' tools use this; publishing itself lives in
quality/publish.py.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from yecai.errors import YecaiError
from yecai.settings import Paths


@dataclass(frozen=True)
class VersionInfo:
    version: str
    path: Path
    size_bytes: int
    published_at: str | None
    run_id: str | None
    who: str | None
    forced: bool
    reason: str | None


def publish_log_path(paths: Paths) -> Path:
    return paths.home / "quality" / "publish_log.jsonl"


def new_version(existing: set[str]) -> str:
    """A sortable version name: the UTC time of publishing, made unique."""
    base = "v" + datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    version, n = base, 1
    while version in existing:
        version, n = f"{base}-{n}", n + 1
    return version


def read_publish_log(paths: Paths) -> list[dict]:
    path = publish_log_path(paths)
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def list_versions(paths: Paths) -> list[VersionInfo]:
    """Every published version, oldest first, with who published it and whether it was forced."""
    if not paths.versions.exists():
        return []
    log = {e["version"]: e for e in read_publish_log(paths) if e.get("version")}
    out = []
    for file in sorted(paths.versions.glob("v*.duckdb")):
        e = log.get(file.stem, {})
        out.append(
            VersionInfo(
                version=file.stem,
                path=file,
                size_bytes=file.stat().st_size,
                published_at=e.get("published_at"),
                run_id=e.get("run_id"),
                who=e.get("who"),
                forced=bool(e.get("forced")),
                reason=e.get("reason"),
            )
        )
    return out


def version_path(paths: Paths, version: str) -> Path:
    """The DuckDB file of ``version`` (or ``latest``), to query the warehouse as of then."""
    versions = list_versions(paths)
    if version == "latest" and versions:
        return versions[-1].path
    for v in versions:
        if v.version == version:
            return v.path
    known = ", ".join(v.version for v in versions[-5:]) or "none yet"
    raise YecaiError(
        f"no published version {version!r} under {paths.versions}",
        f"pick one from `yecai info --versions` (latest: {known})",
    )
