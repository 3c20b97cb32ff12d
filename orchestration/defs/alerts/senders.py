"""Thin network code: send an alert by SMTP (TLS always, login when configured) or webhook.

SMTP goes through the standard library's ``smtplib`` with an ``ssl`` context that verifies the
server's certificate and host name (against ``YECAI_ALERT_SMTP_CA_FILE`` when set). Dagster's
own e-mail sensor was not used: it takes the password as a string when definitions load and
has no setting for a company CA. A server that does not offer STARTTLS is refused: the alert
is not sent rather than sent in clear. Errors and logs name the webhook by scheme and host
only; its URL often carries the token.
"""

from __future__ import annotations

import smtplib
import ssl

import httpx

from orchestration.defs.alerts.message import AlertTargets, FailureReport, build_email
from yecai.privacy.redact import redact_text


class PlainTextRefused(smtplib.SMTPException):
    """The server offered no STARTTLS: yecai does not send alerts or credentials in clear."""


def tls_context(targets: AlertTargets) -> ssl.SSLContext:
    """Certificate and host name verified; TLS 1.2 at least."""
    context = ssl.create_default_context(cafile=targets.smtp_ca_file)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


def _open(targets: AlertTargets, timeout: float) -> smtplib.SMTP:
    host, port, context = targets.smtp_host or "", targets.smtp_port, tls_context(targets)
    if targets.smtp_tls == "implicit":
        return smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
    smtp = smtplib.SMTP(host, port, timeout=timeout)
    try:
        smtp.ehlo()
        if not smtp.has_extn("starttls"):
            raise PlainTextRefused(
                f"{host}:{port} does not offer STARTTLS; set YECAI_ALERT_SMTP_TLS=implicit for "
                "an SMTPS port (465), or enable STARTTLS on the server"
            )
        smtp.starttls(context=context)
        smtp.ehlo()
    except BaseException:
        smtp.close()
        raise
    return smtp


def send_email(report: FailureReport, targets: AlertTargets, timeout: float = 15.0) -> None:
    with _open(targets, timeout) as smtp:
        if targets.smtp_user:
            smtp.login(targets.smtp_user, targets.smtp_password or "")
        smtp.send_message(build_email(report, targets))


def send_webhook(report: FailureReport, url: str, timeout: float = 15.0) -> None:
    response = httpx.post(url, json=report.as_json(), timeout=timeout)
    response.raise_for_status()


def send_alert(report: FailureReport, targets: AlertTargets) -> list[str]:
    """Send to every configured target; return what went out. Errors propagate to the caller,
    with secrets (the webhook's token, the SMTP password) out of their text."""
    sent: list[str] = []
    errors: list[str] = []
    if targets.smtp_host:
        try:
            send_email(report, targets)
            sent.append(f"email to {', '.join(targets.smtp_to)}")
        except (OSError, smtplib.SMTPException) as exc:
            errors.append(f"SMTP {targets.smtp_host}:{targets.smtp_port}: {redact_text(str(exc))}")
    if targets.webhook_url:
        try:
            send_webhook(report, targets.webhook_url)
            sent.append(f"webhook {targets.webhook_shown}")
        except httpx.HTTPError as exc:
            # httpx puts the full URL in its messages: say what failed, not where exactly
            status = getattr(getattr(exc, "response", None), "status_code", None)
            why = f"HTTP {status}" if status else type(exc).__name__
            errors.append(f"webhook {targets.webhook_shown}: {why}")
    if errors:
        message = "alert delivery failed: " + "; ".join(errors)
        if targets.smtp_password:
            message = message.replace(targets.smtp_password, "***")
        raise RuntimeError(message)
    return sent
