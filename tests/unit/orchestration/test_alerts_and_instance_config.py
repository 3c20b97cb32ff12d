"""Alert targets from the environment, the alert text, and dagster.yaml content."""

import pytest

from orchestration.defs.alerts.message import FailureReport, build_email, targets_from_env
from orchestration.instance import ensure_instance, instance_config
from yecai.errors import YecaiError
from yecai.settings import Paths

pytestmark = pytest.mark.unit


def test_no_alert_variables_means_no_target():
    assert targets_from_env({}).any is False


def test_smtp_without_recipients_is_an_error_not_a_silent_no_alert():
    with pytest.raises(YecaiError, match="YECAI_ALERT_SMTP_FROM or YECAI_ALERT_SMTP_TO"):
        targets_from_env({"YECAI_ALERT_SMTP_HOST": "mail"})


def test_a_non_numeric_port_names_the_variable():
    with pytest.raises(YecaiError, match="YECAI_ALERT_SMTP_PORT"):
        targets_from_env({"YECAI_ALERT_SMTP_PORT": "smtp"})


def test_recipients_split_on_commas():
    targets = targets_from_env(
        {
            "YECAI_ALERT_SMTP_HOST": "mail",
            "YECAI_ALERT_SMTP_PORT": "2525",
            "YECAI_ALERT_SMTP_FROM": "yecai@example.com",
            "YECAI_ALERT_SMTP_TO": "a@example.com, b@example.com",
        }
    )
    assert targets.smtp_to == ("a@example.com", "b@example.com")
    assert targets.smtp_port == 2525
    message = build_email(
        FailureReport("yecai_pipeline", "run-1", ("dbt_models",), "boom", "2025-01"), targets
    )
    assert message["To"] == "a@example.com, b@example.com"
    assert message["Subject"] == "[yecai] run failed: yecai_pipeline [2025-01] at dbt_models"
    assert "run id:       run-1" in message.get_content()


def test_sqlite_by_default_postgres_from_the_environment_without_the_secret(tmp_path):
    paths = Paths(home=tmp_path)
    sqlite = instance_config(paths, use_postgres=False)
    assert sqlite["storage"] == {
        "custom": {
            "module": "orchestration.dagster_sqlite",
            "class": "YecaiSqliteStorage",
            "config": {"base_dir": str(tmp_path / "dagster" / "storage")},
        }
    }
    assert sqlite["concurrency"]["pools"]["default_limit"] == 1
    pg = instance_config(paths, use_postgres=True)
    assert pg["storage"] == {"postgres": {"postgres_url": {"env": "YECAI_DAGSTER_PG_URL"}}}


def test_ensure_instance_writes_dagster_yaml_under_yecai_home(tmp_path, monkeypatch):
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    home = ensure_instance(Paths(home=tmp_path), env={"YECAI_DAGSTER_PG_URL": "postgresql://x/y"})
    text = (home / "dagster.yaml").read_text()
    assert "YECAI_DAGSTER_PG_URL" in text and "postgresql://x/y" not in text
    import os

    assert os.environ["DAGSTER_HOME"] == str(tmp_path / "dagster")
