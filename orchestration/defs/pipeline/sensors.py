"""Rebuild the scorecard after each pipeline run, whether its gates passed or not."""

from collections.abc import Sequence

import dagster as dg
from dagster._core.definitions.unresolved_asset_job_definition import UnresolvedAssetJobDefinition

# Set on runs whose launcher rebuilds the scorecard itself (``yecai run``).
INLINE_SCORECARD_TAG = "yecai/scorecard_inline"


def build_scorecard_sensors(
    monitored: Sequence[UnresolvedAssetJobDefinition],
    scorecard_job: UnresolvedAssetJobDefinition,
) -> list[dg.SensorDefinition]:
    """Two sensors (one per run status) request the scorecard job after a monitored run."""
    sensors = []
    for status in (dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE):
        name = f"scorecard_after_pipeline_{status.value.lower()}"

        @dg.run_status_sensor(
            name=name,
            run_status=status,
            monitored_jobs=list(monitored),
            request_job=scorecard_job,
            default_status=dg.DefaultSensorStatus.RUNNING,
            description=f"Rebuilds the quality scorecard after a pipeline run ends in {status.value}.",
        )
        def _after_run(context: dg.RunStatusSensorContext):
            if context.dagster_run.tags.get(INLINE_SCORECARD_TAG) == "true":
                # `yecai run` rebuilds the scorecard itself right after this run.
                return dg.SkipReason("the scorecard was rebuilt by the command that ran this")
            return dg.RunRequest(
                run_key=f"scorecard-{context.dagster_run.run_id}",
                tags={"yecai/after_run": context.dagster_run.run_id},
            )

        sensors.append(_after_run)
    return sensors
