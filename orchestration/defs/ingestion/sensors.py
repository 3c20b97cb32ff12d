"""Start ingestion of the file-fed entities when export files land in a drop folder.

Every ``files`` source in ``sources.yml`` has a drop folder (``path``); the sensor watches all
of them, read from the configuration at each tick, so a source added or moved needs no code.
"""

import hashlib
import json
from pathlib import Path

import dagster as dg
from dagster._core.definitions.unresolved_asset_job_definition import UnresolvedAssetJobDefinition

from orchestration.defs.ingestion.catalog import file_drop_folders
from yecai.errors import YecaiError
from yecai.settings import get_paths

DROP_FILE_SUFFIXES = (".csv", ".xlsx", ".xls", ".txt")
SENSOR_NAME = "file_drop_sensor"


def list_drop_files(folder: Path) -> dict[str, list[int]]:
    """``{file name: [size, mtime_ns]}`` for the export files in ``folder`` (empty if absent)."""
    if not folder.is_dir():
        return {}
    listing: dict[str, list[int]] = {}
    for path in sorted(folder.iterdir()):
        # Skip partial uploads and editor lock files (~$x.xlsx, .x.csv.part).
        if not path.is_file() or path.name.startswith((".", "~$")):
            continue
        if path.suffix.lower() not in DROP_FILE_SUFFIXES:
            continue
        stat = path.stat()
        listing[path.name] = [stat.st_size, stat.st_mtime_ns]
    return listing


def list_drop_folders(folders: dict[str, Path]) -> dict[str, list[int]]:
    """``{"<source>/<file name>": [size, mtime_ns]}`` over every drop folder."""
    return {
        f"{source}/{name}": signature
        for source, folder in sorted(folders.items())
        for name, signature in list_drop_files(folder).items()
    }


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
    return "file-drop-" + hashlib.sha256(payload.encode()).hexdigest()[:16]


def build_file_drop_sensor(job: UnresolvedAssetJobDefinition) -> dg.SensorDefinition:
    @dg.sensor(
        name=SENSOR_NAME,
        job=job,
        minimum_interval_seconds=30,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="Starts ingestion of the file-fed entities when export files appear or "
        "change in the drop folder of a files source (its path in sources.yml).",
    )
    def file_drop_sensor(context: dg.SensorEvaluationContext) -> dg.SensorResult:
        try:
            folders = file_drop_folders(get_paths())
        except YecaiError as exc:
            return dg.SensorResult(skip_reason=f"sources.yml: {exc.what}", cursor=context.cursor)
        if not folders:
            return dg.SensorResult(
                skip_reason="no files source in sources.yml", cursor=context.cursor
            )
        listing = list_drop_folders(folders)
        changed, cursor = new_drop_files(listing, context.cursor)
        if not changed:
            where = ", ".join(str(f) for f in folders.values())
            return dg.SensorResult(skip_reason=f"no new files in {where}", cursor=cursor)
        request = dg.RunRequest(
            run_key=run_key_for(listing, changed),
            tags={"yecai/trigger": "file_drop", "yecai/files": ",".join(changed)[:200]},
        )
        return dg.SensorResult(run_requests=[request], cursor=cursor)

    return file_drop_sensor
