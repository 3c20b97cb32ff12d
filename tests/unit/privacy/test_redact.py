"""Secrets out of log lines; sensitive values out of failing rows and GX results."""

import pytest

from quality.redaction import redact_gx_result
from yecai.privacy.redact import describe_url, redact_row, redact_secrets, redact_url

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        (
            "POST https://oapi.dingtalk.com/robot/send?access_token=9f8e7d6c5b4a failed",
            "9f8e7d6c5b4a",
        ),
        ("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx", "693a91f6-7xxx"),
        ("cannot connect to postgresql://yecai:Pa55word@db:5432/erp", "Pa55word"),
        ("mysql+pymysql://etl:hunter2@10.0.0.5/erp timed out", "hunter2"),
        ("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig", "eyJhbGciOiJIUzI1NiJ9"),
        ("sent header 'Bearer crm-t0ken-9d7e3a'", "crm-t0ken-9d7e3a"),
        ("retry with password=Secr3t! and user=etl", "Secr3t!"),
        (
            "https://x.example/file?X-Amz-Signature=abc123def456&X-Amz-Credential=AKIA1",
            "abc123def456",
        ),
    ],
)
def test_secrets_are_masked_in_text(text, secret):
    out = redact_secrets(text)
    assert secret not in out and "***" in out


def test_what_is_not_a_secret_stays():
    text = "https://erp.example/api/v1/orders?cursor=abc&limit=500 returned 500"
    assert redact_secrets(text) == text
    assert redact_url("postgresql://db:5432/erp") == "postgresql://db:5432/erp"


def test_webhooks_are_described_by_host_only():
    assert describe_url("https://hooks.slack.com/services/T0/B0/XyZ") == "https://hooks.slack.com/…"
    assert describe_url("http://127.0.0.1:8080") == "http://127.0.0.1:8080"


def test_a_row_keeps_keys_and_loses_sensitive_values():
    row = {
        "employee_key": "hr:H00037",
        "national_id": "120101199903156726",
        "detail": "call 13912345678",
        "amount": 12,
    }
    assert redact_row(row, {"national_id"}, {"employee_key"}) == {
        "employee_key": "hr:H00037",
        "detail": "call ‹phone›",
        "amount": 12,
        "_redacted": "national_id",
    }


def test_gx_results_lose_the_values_of_a_sensitive_checked_column():
    result = {
        "element_count": 3,
        "unexpected_count": 1,
        "partial_unexpected_list": ["120101199903156726"],
        "partial_unexpected_counts": [{"value": "120101199903156726", "count": 1}],
        "unexpected_list": ["120101199903156726"],
        "unexpected_index_list": [
            {"employee_key": "hr:H00037", "national_id": "120101199903156726"}
        ],
        "unexpected_index_query": "select * from t where national_id …",
    }
    out = redact_gx_result(result, ["national_id"], ["national_id"], ["employee_key"])
    assert "120101199903156726" not in repr(out)
    assert out["unexpected_count"] == 1
    assert out["unexpected_index_list"] == [
        {"employee_key": "hr:H00037", "_redacted": "national_id"}
    ]
    # an unclassified column keeps its values (scrubbed of anything that looks personal)
    plain = redact_gx_result({"partial_unexpected_list": ["XXX", "a@b.cn"]}, ["currency"], [])
    assert plain["partial_unexpected_list"] == ["XXX", "‹email›"]
    # a column nobody tagged but named like a class is treated as that class (fail closed)
    named = redact_gx_result({"partial_unexpected_list": ["13912345678"]}, ["mobile"], [])
    assert "partial_unexpected_list" not in named
    rows = redact_gx_result(
        {"observed_value": 1, "details": {"unexpected_rows": [{"id": 1, "phone": "13912345678"}]}},
        [],
        [],
        ["id"],
    )
    assert rows["details"]["unexpected_rows"] == [{"id": 1, "_redacted": "phone"}]


def test_a_log_record_is_redacted_when_it_is_made(caplog):
    import logging

    from yecai.privacy.redact import install_log_redaction

    install_log_redaction()
    install_log_redaction()  # idempotent: one redacting factory, not two stacked
    logger = logging.getLogger("yecai.test.redaction")
    with caplog.at_level(logging.INFO, logger="yecai.test.redaction"):
        logger.info("GET %s", "https://api.example/v1?access_token=abc123secret&limit=5")
        try:
            raise ValueError("cannot reach postgresql://etl:Pa55word@db/erp")
        except ValueError:
            logger.exception("ingest failed with header Bearer eyJhbGciOiJIUzI1NiJ9.x")
    text = caplog.text
    assert "abc123secret" not in text and "Pa55word" not in text
    assert "eyJhbGciOiJIUzI1NiJ9" not in text
    assert "access_token=***" in text and "ValueError" in text and "limit=5" in text
