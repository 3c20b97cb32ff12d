"""Near-real-time in the Dagster UI: start the ingest run when a source says it changed.

The same cheap poll as ``yecai run --watch`` (``orchestration/watch.py``): database
fingerprints for SQL sources, one ``limit=1`` request per REST entity. A change starts
``ingest_raw``; ``rebuild_after_ingest`` then rebuilds, checks and publishes what it fed.
HR export files have their own sensor (``hr_drop_sensor``). Stopped by default: turn it on
in the UI (Automation → source_change_sensor) for near-real-time; the daily schedule stays.
"""

from __future__ import annotations

import hashlib

import dagster as dg
from dagster._core.definitions.unresolved_asset_job_definition import UnresolvedAssetJobDefinition

from orchestration.watch import poll_key, poll_sources
from yecai.settings import get_paths

WATCH_INTERVAL_SECONDS = 10


def build_source_change_sensor(job: UnresolvedAssetJobDefinition) -> dg.SensorDefinition:
    @dg.sensor(
        name="source_change_sensor",
        job=job,
        minimum_interval_seconds=WATCH_INTERVAL_SECONDS,
        default_status=dg.DefaultSensorStatus.STOPPED,
        description="Near real time: every 10 s asks each SQL and REST source whether anything "
        "changed since it was last landed (database statistics, no table scan) and starts the "
        "ingest run when one did; the rebuild and publish follow.",
    )
    def source_change_sensor(context: dg.SensorEvaluationContext):
        poll = poll_sources(get_paths())
        cost = f"{poll.queries} queries, {1000 * poll.cpu_seconds:.0f} ms CPU"
        if poll.errors:
            context.log.warning("could not poll: " + "; ".join(poll.errors))
        if not poll.changed:
            return dg.SkipReason(f"no source changed ({cost})")
        key = poll_key(poll)
        if key == context.cursor:
            return dg.SkipReason(f"already requested for these changes, waiting for it ({cost})")
        return dg.SensorResult(
            run_requests=[
                dg.RunRequest(
                    run_key="source-change-" + hashlib.sha256(key.encode()).hexdigest()[:16],
                    tags={"yecai/trigger": "source_change_sensor"},
                )
            ],
            cursor=key,
        )

    return source_change_sensor
