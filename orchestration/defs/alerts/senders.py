"""Thin network code: send an alert by SMTP or by webhook POST."""

from __future__ import annotations

import smtplib

import httpx

from orchestration.defs.alerts.message import AlertTargets, FailureReport, build_email


def send_email(report: FailureReport, targets: AlertTargets, timeout: float = 15.0) -> None:
    with smtplib.SMTP(targets.smtp_host or "", targets.smtp_port, timeout=timeout) as smtp:
        smtp.ehlo()
        # Upgrade to TLS when the server offers it; credentials never travel in clear.
        if smtp.has_extn("starttls"):
            smtp.starttls()
            smtp.ehlo()
        smtp.send_message(build_email(report, targets))


def send_webhook(report: FailureReport, url: str, timeout: float = 15.0) -> None:
    response = httpx.post(url, json=report.as_json(), timeout=timeout)
    response.raise_for_status()


def send_alert(report: FailureReport, targets: AlertTargets) -> list[str]:
    """Send to every configured target; return what went out. Errors propagate to the caller."""
    sent: list[str] = []
    errors: list[str] = []
    if targets.smtp_host:
        try:
            send_email(report, targets)
            sent.append(f"email to {', '.join(targets.smtp_to)}")
        except (OSError, smtplib.SMTPException) as exc:
            errors.append(f"SMTP {targets.smtp_host}:{targets.smtp_port}: {exc}")
    if targets.webhook_url:
        try:
            send_webhook(report, targets.webhook_url)
            sent.append(f"webhook {targets.webhook_url}")
        except httpx.HTTPError as exc:
            errors.append(f"webhook {targets.webhook_url}: {exc}")
    if errors:
        raise RuntimeError("alert delivery failed: " + "; ".join(errors))
    return sent
