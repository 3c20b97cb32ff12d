"""The daily schedule: refresh the open fiscal period every night."""

from datetime import datetime

import dagster as dg
from dagster._core.definitions.unresolved_asset_job_definition import UnresolvedAssetJobDefinition

from orchestration.defs.shared.partitions import period_of

DAILY_CRON = "0 2 * * *"
TIMEZONE = "Asia/Shanghai"


def scheduled_run_request(moment: datetime, partitioned: bool) -> dg.RunRequest:
    """The run for one tick: the period the tick falls in (late postings land in it)."""
    period = period_of(moment)
    tags = {"yecai/trigger": "daily_schedule", "yecai/period": period}
    if partitioned:
        return dg.RunRequest(run_key=None, partition_key=period, tags=tags)
    return dg.RunRequest(run_key=None, tags=tags)


def build_daily_schedule(job: UnresolvedAssetJobDefinition, partitioned: bool):
    @dg.schedule(
        name="daily_pipeline",
        job=job,
        cron_schedule=DAILY_CRON,
        execution_timezone=TIMEZONE,
        default_status=dg.DefaultScheduleStatus.RUNNING,
        description="Every day at 02:00 China time: the whole pipeline for the open fiscal period.",
    )
    def daily_pipeline(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
        return scheduled_run_request(context.scheduled_execution_time, partitioned)

    return daily_pipeline
