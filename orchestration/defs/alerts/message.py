"""Pure: what a run-failure alert says, and where it goes (from the environment)."""

from __future__ import annotations

from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from yecai.errors import YecaiError
from yecai.privacy.redact import describe_url, redact_text

# How the connection is encrypted: STARTTLS on a submission port, or TLS from the first byte
# (SMTPS). There is no plain-text mode: credentials and alert text never travel in clear.
TLS_MODES = {"starttls": 587, "implicit": 465}


@dataclass(frozen=True)
class AlertTargets:
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_from: str | None = None
    smtp_to: tuple[str, ...] = ()
    webhook_url: str | None = None
    smtp_tls: str = "starttls"
    smtp_user: str | None = None
    smtp_password: str | None = field(default=None, repr=False)
    # a CA bundle that signs the server's certificate (a company CA); default: the system's
    smtp_ca_file: str | None = None

    @property
    def any(self) -> bool:
        return bool(self.smtp_host or self.webhook_url)

    @property
    def webhook_shown(self) -> str:
        """The webhook as logs may show it: scheme and host, never the token in its URL."""
        return describe_url(self.webhook_url) if self.webhook_url else "-"


def targets_from_env(env: dict[str, str]) -> AlertTargets:
    """Read YECAI_ALERT_SMTP_HOST/PORT/FROM/TO/TLS/USER/PASSWORD/CA_FILE and
    YECAI_ALERT_WEBHOOK_URL.

    TO may list several addresses separated by commas. A half-configured SMTP target is an
    error, because an alert that silently goes nowhere is worse than none.
    """
    host = env.get("YECAI_ALERT_SMTP_HOST") or None
    tls = (env.get("YECAI_ALERT_SMTP_TLS") or "starttls").strip().lower()
    if tls not in TLS_MODES:
        raise YecaiError(
            f"YECAI_ALERT_SMTP_TLS={tls!r} is not a TLS mode",
            "use starttls (port 587) or implicit (port 465); alerts are never sent in clear",
        )
    port_text = env.get("YECAI_ALERT_SMTP_PORT") or str(TLS_MODES[tls])
    try:
        port = int(port_text)
    except ValueError as exc:
        raise YecaiError(
            f"YECAI_ALERT_SMTP_PORT={port_text!r} is not a port number",
            "set it to the SMTP server's port, e.g. 587 (STARTTLS) or 465 (implicit TLS)",
        ) from exc
    sender = env.get("YECAI_ALERT_SMTP_FROM") or None
    to = tuple(a.strip() for a in (env.get("YECAI_ALERT_SMTP_TO") or "").split(",") if a.strip())
    if host and (not sender or not to):
        raise YecaiError(
            "YECAI_ALERT_SMTP_HOST is set but YECAI_ALERT_SMTP_FROM or YECAI_ALERT_SMTP_TO is not",
            "set both: the sender address and the comma-separated recipients",
        )
    user = env.get("YECAI_ALERT_SMTP_USER") or None
    password = env.get("YECAI_ALERT_SMTP_PASSWORD") or None
    if bool(user) != bool(password):
        raise YecaiError(
            "only one of YECAI_ALERT_SMTP_USER and YECAI_ALERT_SMTP_PASSWORD is set",
            "set both to log in to the SMTP server, or neither for a server that needs no login",
        )
    ca_file = env.get("YECAI_ALERT_SMTP_CA_FILE") or None
    if ca_file and not Path(ca_file).is_file():
        raise YecaiError(
            f"YECAI_ALERT_SMTP_CA_FILE={ca_file} is not a file",
            "point it at the PEM bundle of the CA that signed the SMTP server's certificate",
        )
    return AlertTargets(
        smtp_host=host,
        smtp_port=port,
        smtp_from=sender,
        smtp_to=to,
        webhook_url=env.get("YECAI_ALERT_WEBHOOK_URL") or None,
        smtp_tls=tls,
        smtp_user=user,
        smtp_password=password,
        smtp_ca_file=ca_file,
    )


@dataclass(frozen=True)
class FailureReport:
    """What an alert says. ``error`` is redacted on the way in (secrets masked, anything that
    looks like an ID number, card, phone or e-mail scrubbed): a step's error may quote a row."""

    job_name: str
    run_id: str
    failed_steps: tuple[str, ...]
    error: str
    partition: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "error", redact_text(self.error or ""))

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
