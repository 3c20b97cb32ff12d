"""Pure: what a run-failure alert says, and where it goes (from the environment)."""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

from yecai.errors import YecaiError


@dataclass(frozen=True)
class AlertTargets:
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_from: str | None = None
    smtp_to: tuple[str, ...] = ()
    webhook_url: str | None = None

    @property
    def any(self) -> bool:
        return bool(self.smtp_host or self.webhook_url)


def targets_from_env(env: dict[str, str]) -> AlertTargets:
    """Read YECAI_ALERT_SMTP_HOST/PORT/FROM/TO and YECAI_ALERT_WEBHOOK_URL.

    TO may list several addresses separated by commas. A half-configured SMTP target is an
    error, because an alert that silently goes nowhere is worse than none.
    """
    host = env.get("YECAI_ALERT_SMTP_HOST") or None
    port_text = env.get("YECAI_ALERT_SMTP_PORT") or "25"
    try:
        port = int(port_text)
    except ValueError as exc:
        raise YecaiError(
            f"YECAI_ALERT_SMTP_PORT={port_text!r} is not a port number",
            "set it to the SMTP server's port, e.g. 25 or 587",
        ) from exc
    sender = env.get("YECAI_ALERT_SMTP_FROM") or None
    to = tuple(a.strip() for a in (env.get("YECAI_ALERT_SMTP_TO") or "").split(",") if a.strip())
    if host and (not sender or not to):
        raise YecaiError(
            "YECAI_ALERT_SMTP_HOST is set but YECAI_ALERT_SMTP_FROM or YECAI_ALERT_SMTP_TO is not",
            "set both: the sender address and the comma-separated recipients",
        )
    return AlertTargets(
        smtp_host=host,
        smtp_port=port,
        smtp_from=sender,
        smtp_to=to,
        webhook_url=env.get("YECAI_ALERT_WEBHOOK_URL") or None,
    )


@dataclass(frozen=True)
class FailureReport:
    job_name: str
    run_id: str
    failed_steps: tuple[str, ...]
    error: str
    partition: str | None = None

    @property
    def subject(self) -> str:
        where = f" [{self.partition}]" if self.partition else ""
        steps = ", ".join(self.failed_steps) or "run"
        return f"[yecai] run failed: {self.job_name}{where} at {steps}"

    def body(self, ui_url: str | None = None) -> str:
        lines = [
            f"The yecai job {self.job_name} failed.",
            f"run id:       {self.run_id}",
            f"partition:    {self.partition or '-'}",
            f"failed steps: {', '.join(self.failed_steps) or '-'}",
            "",
            "error:",
            self.error or "(no message)",
            "",
        ]
        if ui_url:
            lines.append(f"open the run: {ui_url.rstrip('/')}/runs/{self.run_id}")
        else:
            lines.append("open the run with `yecai ui` → Runs.")
        return "\n".join(lines)

    def as_json(self) -> dict[str, Any]:
        return {
            "event": "run_failure",
            "job": self.job_name,
            "run_id": self.run_id,
            "partition": self.partition,
            "failed_steps": list(self.failed_steps),
            "error": self.error,
            "text": self.subject,
        }


def build_email(report: FailureReport, targets: AlertTargets) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = report.subject
    message["From"] = targets.smtp_from or ""
    message["To"] = ", ".join(targets.smtp_to)
    message.set_content(report.body())
    return message
