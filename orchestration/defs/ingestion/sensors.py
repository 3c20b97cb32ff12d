"""Start HR ingestion when new export files land in the HR drop folder."""

import hashlib
import json
from pathlib import Path

import dagster as dg
from dagster._core.definitions.unresolved_asset_job_definition import UnresolvedAssetJobDefinition

from yecai.settings import get_paths

HR_FILE_SUFFIXES = (".csv", ".xlsx", ".xls", ".txt")


def list_drop_files(folder: Path) -> dict[str, list[int]]:
    """``{file name: [size, mtime_ns]}`` for the export files in ``folder`` (empty if absent)."""
    if not folder.is_dir():
        return {}
    listing: dict[str, list[int]] = {}
    for path in sorted(folder.iterdir()):
        # Skip partial uploads and editor lock files (~$x.xlsx, .x.csv.part).
        if not path.is_file() or path.name.startswith((".", "~$")):
            continue
        if path.suffix.lower() not in HR_FILE_SUFFIXES:
            continue
        stat = path.stat()
        listing[path.name] = [stat.st_size, stat.st_mtime_ns]
    return listing


def new_drop_files(listing: dict[str, list[int]], cursor: str | None) -> tuple[list[str], str]:
    """Files that are new or changed since ``cursor``, and the cursor to store next.

    The cursor is the listing seen last time (JSON); a file counts again when its size or
    modification time changes, so a re-exported file with the same name is ingested.
    """
    seen: dict[str, list[int]] = json.loads(cursor) if cursor else {}
    changed = [name for name, sig in sorted(listing.items()) if seen.get(name) != sig]
    return changed, json.dumps(listing, sort_keys=True)


def run_key_for(listing: dict[str, list[int]], changed: list[str]) -> str:
    """A stable run key so the same drop never starts two runs."""
    payload = json.dumps({name: listing[name] for name in changed}, sort_keys=True)
    return "hr-drop-" + hashlib.sha256(payload.encode()).hexdigest()[:16]


def build_hr_drop_sensor(job: UnresolvedAssetJobDefinition) -> dg.SensorDefinition:
    @dg.sensor(
        name="hr_drop_sensor",
        job=job,
        minimum_interval_seconds=30,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="Starts ingestion of the HR entities when export files appear or change "
        "in the HR drop folder (YECAI_HOME/demo/hr_drop).",
    )
    def hr_drop_sensor(context: dg.SensorEvaluationContext) -> dg.SensorResult:
        folder = get_paths().hr_drop
        listing = list_drop_files(folder)
        changed, cursor = new_drop_files(listing, context.cursor)
        if not changed:
            return dg.SensorResult(skip_reason=f"no new files in {folder}", cursor=cursor)
        request = dg.RunRequest(
            run_key=run_key_for(listing, changed),
            tags={"yecai/trigger": "hr_drop", "yecai/files": ",".join(changed)[:200]},
        )
        return dg.SensorResult(run_requests=[request], cursor=cursor)

    return hr_drop_sensor
