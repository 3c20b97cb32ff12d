"""The daily schedule: ingest every night, then (sensor) rebuild what the new rows feed."""

from datetime import datetime

import dagster as dg
from dagster._core.definitions.unresolved_asset_job_definition import UnresolvedAssetJobDefinition

from orchestration.defs.pipeline.increment import PERIOD_TAG
from orchestration.defs.shared.partitions import period_of

DAILY_CRON = "0 2 * * *"
TIMEZONE = "Asia/Shanghai"


def scheduled_run_request(moment: datetime) -> dg.RunRequest:
    """The ingest run for one tick, tagged with the period the tick falls in: the rebuild
    that follows it refreshes that (open) period, where late postings land."""
    period = period_of(moment)
    return dg.RunRequest(run_key=None, tags={"yecai/trigger": "daily_schedule", PERIOD_TAG: period})


def build_daily_schedule(ingest_job: UnresolvedAssetJobDefinition):
    @dg.schedule(
        name="daily_pipeline",
        job=ingest_job,
        cron_schedule=DAILY_CRON,
        execution_timezone=TIMEZONE,
        default_status=dg.DefaultScheduleStatus.RUNNING,
        description="Every day at 02:00 China time: ingest every raw entity; the "
        "rebuild_after_ingest sensor then rebuilds the models the new rows feed for the open "
        "fiscal period, checks them and publishes (the same two runs as `yecai run`).",
    )
    def daily_pipeline(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
        return scheduled_run_request(context.scheduled_execution_time)

    return daily_pipeline
