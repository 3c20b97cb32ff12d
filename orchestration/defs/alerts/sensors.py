"""The run-failure sensor: tell a person, by e-mail or webhook, that a run failed and where."""

import os

import dagster as dg

from orchestration.defs.alerts.message import FailureReport, targets_from_env
from orchestration.defs.alerts.senders import send_alert
from yecai.errors import YecaiError


def failure_report(context: dg.RunFailureSensorContext) -> FailureReport:
    run = context.dagster_run
    failed_steps: list[str] = []
    errors: list[str] = []
    for event in context.get_step_failure_events():
        failed_steps.append(event.step_key or "?")
        info = getattr(event.event_specific_data, "error", None)
        if info is not None:
            errors.append(f"{event.step_key}: {info.message.strip()}")
    run_error = context.failure_event.message or ""
    return FailureReport(
        job_name=run.job_name,
        run_id=run.run_id,
        failed_steps=tuple(dict.fromkeys(failed_steps)),
        error="\n".join(errors) or run_error,
        partition=run.tags.get("dagster/partition")
        or (
            f"{run.tags['dagster/asset_partition_range_start']}.."
            f"{run.tags['dagster/asset_partition_range_end']}"
            if "dagster/asset_partition_range_start" in run.tags
            else None
        ),
    )


@dg.run_failure_sensor(
    name="run_failure_alert",
    monitor_all_code_locations=False,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="E-mails (YECAI_ALERT_SMTP_HOST/PORT/FROM/TO, over TLS: YECAI_ALERT_SMTP_TLS, "
    "_USER/_PASSWORD, _CA_FILE) or posts to a webhook (YECAI_ALERT_WEBHOOK_URL) when any yecai "
    "run fails, naming the failed steps; error text is redacted.",
)
def run_failure_alert(context: dg.RunFailureSensorContext) -> None:
    try:
        targets = targets_from_env(dict(os.environ))
    except YecaiError as exc:
        context.log.error(f"{exc.what} — {exc.fix}")
        raise
    report = failure_report(context)
    if not targets.any:
        context.log.warning(
            f"run {report.run_id} of {report.job_name} failed but no alert target is set: "
            "set YECAI_ALERT_SMTP_HOST/FROM/TO or YECAI_ALERT_WEBHOOK_URL"
        )
        return
    for what in send_alert(report, targets):
        context.log.info(f"alert sent: {what}")
