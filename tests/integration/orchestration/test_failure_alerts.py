"""A failed run sends an alert that arrives at a real SMTP server (STARTTLS, AUTH) and a
real webhook."""

import os
import subprocess
import sys
from email import message_from_bytes, policy
from pathlib import Path

import dagster as dg
import pytest

from tests.integration.orchestration.mail_servers import (
    make_certificate,
    smtp_server,
    webhook_server,
)
from yecai.settings import REPO_ROOT, get_paths

pytestmark = pytest.mark.integration


@pytest.fixture
def tls_smtp_server(tmp_path):
    cert, key = make_certificate(tmp_path / "tls")
    with smtp_server("starttls", cert, key) as box:
        box.ca_file = str(cert)
        yield box


@pytest.fixture
def hook_server():
    with webhook_server() as server:
        yield server


def test_failed_run_alerts_by_email_and_webhook(
    yecai_home, tls_smtp_server, hook_server, monkeypatch
):
    from orchestration.defs.alerts.sensors import run_failure_alert
    from orchestration.instance import get_instance

    paths = get_paths()
    # Fail a run on purpose: the warehouse path is a folder, so dbt cannot open it.
    paths.build_db.mkdir(parents=True)
    done = subprocess.run(
        [
            str(Path(sys.executable).parent / "yecai"),
            "backfill",
            "--from",
            "2025-01",
            "--to",
            "2025-01",
            "--no-publish",
        ],
        cwd=REPO_ROOT,
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=600,
    )
    # The command fails with exit 1 and names the step that failed, without a traceback.
    assert done.returncode == 1, done.stdout + done.stderr
    assert "failed step dbt_models" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr

    instance = get_instance(paths)
    run = instance.get_runs(dg.RunsFilter(job_name="rebuild_periods"), limit=1)[0]
    assert run.status == dg.DagsterRunStatus.FAILURE

    monkeypatch.setenv("YECAI_ALERT_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("YECAI_ALERT_SMTP_PORT", str(tls_smtp_server.port))
    monkeypatch.setenv("YECAI_ALERT_SMTP_FROM", "yecai@example.com")
    monkeypatch.setenv("YECAI_ALERT_SMTP_TO", "data-team@example.com,cfo@example.com")
    monkeypatch.setenv("YECAI_ALERT_SMTP_USER", "alerts")
    monkeypatch.setenv("YECAI_ALERT_SMTP_PASSWORD", "s3cret-pass")
    monkeypatch.setenv("YECAI_ALERT_SMTP_CA_FILE", tls_smtp_server.ca_file)
    host, port = hook_server.server_address
    monkeypatch.setenv("YECAI_ALERT_WEBHOOK_URL", f"http://{host}:{port}/hooks/yecai?token=t0k")

    failure = instance.all_logs(run.run_id, of_type=dg.DagsterEventType.RUN_FAILURE)
    context = dg.build_run_status_sensor_context(
        sensor_name="run_failure_alert",
        dagster_event=failure[0].dagster_event,
        dagster_instance=instance,
        dagster_run=run,
    ).for_run_failure()
    run_failure_alert(context)

    assert len(tls_smtp_server.messages) == 1 and tls_smtp_server.tls_seen == [True]
    assert [login for login, _ in tls_smtp_server.logins] == ["alerts"]
    mail = tls_smtp_server.messages[0]
    assert mail["to"] == ["data-team@example.com", "cfo@example.com"]
    parsed = message_from_bytes(mail["data"], policy=policy.default)
    assert parsed["Subject"].strip() == (
        "[yecai] run failed: rebuild_periods [2025-01..2025-01] at dbt_models"
    )
    assert run.run_id in parsed.get_content()

    assert len(hook_server.posts) == 1
    post = hook_server.posts[0]["body"]
    assert post["event"] == "run_failure"
    assert post["run_id"] == run.run_id
    assert post["failed_steps"] == ["dbt_models"]
    assert post["error"]
