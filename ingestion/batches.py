"""Batch identity and the batch records in ``lake/_meta/batches/<batch_id>.json``.

One record per attempted batch, whatever its status (docs/interfaces.md). Records are
written with a temp file + rename so a reader never sees half a JSON document.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from yecai.settings import Paths

# quarantined_all: rows were read and every one was quarantined, nothing landed. Not a
# success (a drop with renamed columns or the wrong delimiter must alert someone), and not
# "failed" either: the rows are kept in quarantine with their reasons.
QUARANTINED_ALL = "quarantined_all"
STATUSES = ("succeeded", "failed", "no_change", QUARANTINED_ALL)
# Statuses that make `yecai ingest` exit non-zero and the Dagster step fail.
FAILING_STATUSES = ("failed", QUARANTINED_ALL)


@dataclass
class BatchResult:
    """The batch record's fields (docs/interfaces.md) plus a few that explain the counts."""

    batch_id: str
    source: str
    entity: str
    started_at: str
    finished_at: str
    status: str
    rows_read: int
    rows_landed: int
    rows_quarantined: int
    watermark: str | None
    message: str
    # Extras. rows_read counts records that entered the batch: new or changed source rows
    # plus tombstones for detected deletes. Rows re-read inside the look-back window that
    # match their latest landed version are *not* read into the batch; they are counted here.
    rows_unchanged: int = 0
    rows_deleted: int = 0
    added_columns: list[str] = field(default_factory=list)
    source_file: str | None = None
    source_file_sha256: str | None = None
    # A files batch's identity besides its content: the values its name carries (the
    # period), so the same bytes dropped for another period are another file.
    source_file_fields: dict[str, str] = field(default_factory=dict)
    # The lake key its raw and quarantine files were written with (docs/security.md): its
    # ID, never the key; None when they are in clear.
    key_id: str | None = None

    def check_counts(self) -> None:
        """rows_read = rows_landed + rows_quarantined, always (the raw zone's promise)."""
        if self.rows_read != self.rows_landed + self.rows_quarantined:
            raise AssertionError(
                f"batch {self.batch_id}: rows_read {self.rows_read} != landed "
                f"{self.rows_landed} + quarantined {self.rows_quarantined}"
            )


def new_batch_id(source: str, entity: str, now: datetime | None = None) -> str:
    """Sortable id: ``YYYYMMDDTHHMMSSffffffZ-<source>-<entity>``."""
    now = (now or datetime.now(UTC)).astimezone(UTC)
    return f"{now:%Y%m%dT%H%M%S%f}Z-{source}-{entity}"


def batch_time(batch_id: str) -> datetime | None:
    """When a batch began, read back from its id (``new_batch_id``); None for another shape."""
    try:
        return datetime.strptime(batch_id.split("Z-", 1)[0], "%Y%m%dT%H%M%S%f").replace(tzinfo=UTC)
    except ValueError:
        return None


def utc_now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def batches_dir(paths: Paths) -> Path:
    return paths.lake_meta / "batches"


def write_batch_record(paths: Paths, result: BatchResult) -> Path:
    result.check_counts()
    if result.status not in STATUSES:
        raise ValueError(f"unknown batch status {result.status!r}")
    folder = batches_dir(paths)
    folder.mkdir(parents=True, exist_ok=True)
    final = folder / f"{result.batch_id}.json"
    write_json_atomic(final, asdict(result))
    return final


def read_batch_records(paths: Paths) -> list[dict]:
    """Every batch record, oldest first (batch ids sort by time)."""
    folder = batches_dir(paths)
    if not folder.is_dir():
        return []
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.json"))]


def write_json_atomic(path: Path, data: dict) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    os.replace(tmp, path)
