"""Alerts travel encrypted and authenticated, and carry no sensitive value or secret.

Real servers on this machine: aiosmtpd with a certificate made for the test (STARTTLS or
implicit TLS, AUTH required), a plain-text SMTP server, and an HTTP webhook that keeps what it
got. The error text of the alert quotes a row (name, resident ID, card, phone) the way a
truncated HR file's batch message did; none of it may arrive.
"""

import json
from email import message_from_bytes, policy

import pytest

from orchestration.defs.alerts.message import FailureReport, targets_from_env
from orchestration.defs.alerts.senders import send_alert
from tests.integration.orchestration.mail_servers import (
    make_certificate,
    smtp_server,
    webhook_server,
)
from tests.orchestration.demo_helpers import free_port

pytestmark = [
    pytest.mark.integration,
    # the SMTPS test server requires AUTH on a socket that is TLS from the first byte, which
    # aiosmtpd does not recognise as TLS and warns about
    pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS"),
]

NATIONAL_ID = "120101199903156726"
CARD = "6222021234567890128"
PHONE = "13912345678"
WEBHOOK_TOKEN = "hook-token-4f9a2c"


def _report() -> FailureReport:
    return FailureReport(
        "ingest_hr",
        "run-42",
        ("raw_hr",),
        f"raw_hr: employees_2025-06.csv is truncated; last row: H00037,张三,{NATIONAL_ID},"
        f"中国银行,{CARD},{PHONE}",
        "2025-06",
    )


def _env(port: int, tls: str, ca: str | None, user="alerts", password="s3cret-pass") -> dict:
    env = {
        "YECAI_ALERT_SMTP_HOST": "127.0.0.1",
        "YECAI_ALERT_SMTP_PORT": str(port),
        "YECAI_ALERT_SMTP_FROM": "yecai@example.com",
        "YECAI_ALERT_SMTP_TO": "data-team@example.com",
        "YECAI_ALERT_SMTP_TLS": tls,
        "YECAI_ALERT_SMTP_USER": user,
        "YECAI_ALERT_SMTP_PASSWORD": password,
    }
    if ca:
        env["YECAI_ALERT_SMTP_CA_FILE"] = ca
    return env


def _assert_clean(text: str) -> None:
    for value in (NATIONAL_ID, CARD, PHONE, WEBHOOK_TOKEN, "s3cret-pass"):
        assert value not in text


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    return make_certificate(tmp_path_factory.mktemp("tls"))


@pytest.mark.parametrize("mode", ["starttls", "implicit"])
def test_alert_arrives_over_tls_after_login_without_sensitive_values(certificate, mode):
    cert, key = certificate
    with smtp_server(mode, cert, key) as box:
        sent = send_alert(_report(), targets_from_env(_env(box.port, mode, str(cert))))
    assert sent == ["email to data-team@example.com"]
    assert len(box.messages) == 1 and box.tls_seen == [True]
    assert [login for login, _ in box.logins] == ["alerts"]
    mail = message_from_bytes(box.messages[0]["data"], policy=policy.default)
    body = mail.get_content()
    assert "run id:       run-42" in body and "‹national_id›" in body
    _assert_clean(body + str(mail))


def test_a_server_without_starttls_is_refused_and_nothing_is_sent(certificate):
    cert, _ = certificate
    with (
        smtp_server("plain") as box,
        pytest.raises(RuntimeError, match="does not offer STARTTLS") as failure,
    ):
        send_alert(_report(), targets_from_env(_env(box.port, "starttls", str(cert))))
    assert box.messages == [] and box.logins == []
    _assert_clean(str(failure.value))


def test_an_untrusted_certificate_is_refused(certificate, tmp_path):
    cert, key = certificate
    other_ca, _ = make_certificate(tmp_path / "other", name="other")
    with (
        smtp_server("starttls", cert, key) as box,
        pytest.raises(RuntimeError, match="CERTIFICATE_VERIFY_FAILED|certificate verify"),
    ):
        send_alert(_report(), targets_from_env(_env(box.port, "starttls", str(other_ca))))
    assert box.messages == []
    # and without a CA file, the system's trust store does not know the test certificate either
    with smtp_server("starttls", cert, key) as box, pytest.raises(RuntimeError):
        send_alert(_report(), targets_from_env(_env(box.port, "starttls", None)))
    assert box.messages == []


def test_a_wrong_password_fails_without_showing_it(certificate):
    cert, key = certificate
    with (
        smtp_server("starttls", cert, key) as box,
        pytest.raises(RuntimeError, match="SMTP 127.0.0.1") as failure,
    ):
        send_alert(
            _report(),
            targets_from_env(_env(box.port, "starttls", str(cert), password="not-the-s3cret-pass")),
        )
    assert box.messages == []
    assert "not-the-s3cret-pass" not in str(failure.value)


def test_webhook_payload_and_log_lines_carry_no_value_or_token():
    with webhook_server() as server:
        host, port = server.server_address
        url = f"http://{host}:{port}/robot/send?access_token={WEBHOOK_TOKEN}"
        targets = targets_from_env({"YECAI_ALERT_WEBHOOK_URL": url})
        sent = send_alert(_report(), targets)
        closed = free_port()  # nothing listens there: delivery fails
        failing = targets_from_env(
            {"YECAI_ALERT_WEBHOOK_URL": f"http://{host}:{closed}/x?token={WEBHOOK_TOKEN}"}
        )
        with pytest.raises(RuntimeError) as failure:
            send_alert(_report(), failing)
    assert len(server.posts) == 1
    payload = server.posts[0]["body"]
    assert payload["run_id"] == "run-42" and payload["failed_steps"] == ["raw_hr"]
    assert "‹bank_account›" in payload["error"]
    _assert_clean(json.dumps(payload, ensure_ascii=False))
    assert sent == [f"webhook http://{host}:{port}/…"]
    _assert_clean(" ".join(sent) + str(failure.value))


def test_plain_text_smtp_cannot_be_configured():
    from yecai.errors import YecaiError

    with pytest.raises(YecaiError, match="never sent in clear"):
        targets_from_env({"YECAI_ALERT_SMTP_TLS": "none"})
    with pytest.raises(YecaiError, match="YECAI_ALERT_SMTP_PASSWORD"):
        targets_from_env({"YECAI_ALERT_SMTP_USER": "alerts"})
