"""A failed run sends an alert that arrives at a real SMTP server and a real webhook."""

import json
import os
import socketserver
import subprocess
import sys
import threading
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import dagster as dg
import pytest

from yecai.settings import REPO_ROOT, get_paths

pytestmark = pytest.mark.integration


class _SMTPHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP (RFC 5321) to accept one message: EHLO, MAIL, RCPT, DATA, QUIT."""

    def _reply(self, line: str) -> None:
        self.wfile.write((line + "\r\n").encode())

    def handle(self) -> None:
        self._reply("220 test-smtp ready")
        envelope = {"from": None, "to": [], "data": b""}
        while True:
            raw = self.rfile.readline()
            if not raw:
                return
            command = raw.decode(errors="replace").strip()
            verb = command[:4].upper()
            if verb in ("EHLO", "HELO"):
                self._reply("250 test-smtp")
            elif verb == "MAIL":
                envelope["from"] = command.split(":", 1)[1].strip()
                self._reply("250 OK")
            elif verb == "RCPT":
                envelope["to"].append(command.split(":", 1)[1].strip())
                self._reply("250 OK")
            elif verb == "DATA":
                self._reply("354 end with <CRLF>.<CRLF>")
                lines = []
                while (line := self.rfile.readline()) not in (b".\r\n", b""):
                    lines.append(line[1:] if line.startswith(b"..") else line)
                envelope["data"] = b"".join(lines)
                self.server.messages.append(envelope)
                self._reply("250 queued")
            elif verb == "QUIT":
                self._reply("221 bye")
                return
            else:
                self._reply("250 OK")


class _WebhookHandler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.posts.append(json.loads(body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def smtp_server():
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SMTPHandler)
    server.messages = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def webhook_server():
    server = HTTPServer(("127.0.0.1", 0), _WebhookHandler)
    server.posts = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_failed_run_alerts_by_email_and_webhook(
    yecai_home, smtp_server, webhook_server, monkeypatch
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
    monkeypatch.setenv("YECAI_ALERT_SMTP_PORT", str(smtp_server.server_address[1]))
    monkeypatch.setenv("YECAI_ALERT_SMTP_FROM", "yecai@example.com")
    monkeypatch.setenv("YECAI_ALERT_SMTP_TO", "data-team@example.com,cfo@example.com")
    host, port = webhook_server.server_address
    monkeypatch.setenv("YECAI_ALERT_WEBHOOK_URL", f"http://{host}:{port}/hooks/yecai")

    failure = instance.all_logs(run.run_id, of_type=dg.DagsterEventType.RUN_FAILURE)
    context = dg.build_run_status_sensor_context(
        sensor_name="run_failure_alert",
        dagster_event=failure[0].dagster_event,
        dagster_instance=instance,
        dagster_run=run,
    ).for_run_failure()
    run_failure_alert(context)

    assert len(smtp_server.messages) == 1
    mail = smtp_server.messages[0]
    assert mail["to"] == ["<data-team@example.com>", "<cfo@example.com>"]
    parsed = message_from_bytes(mail["data"], policy=policy.default)
    assert parsed["Subject"].strip() == (
        "[yecai] run failed: rebuild_periods [2025-01..2025-01] at dbt_models"
    )
    assert run.run_id in parsed.get_content()

    assert len(webhook_server.posts) == 1
    post = webhook_server.posts[0]
    assert post["event"] == "run_failure"
    assert post["run_id"] == run.run_id
    assert post["failed_steps"] == ["dbt_models"]
    assert post["error"]
