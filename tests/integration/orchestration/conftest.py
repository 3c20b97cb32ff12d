"""Shared set-up: a YECAI_HOME in tmp_path and the small fixture dbt project."""

from pathlib import Path

import pytest

FIXTURE_DBT = Path(__file__).parent / "dbt_fixture"


@pytest.fixture
def yecai_home(tmp_path, monkeypatch):
    """An empty installation; the Dagster instance is created under it on first use."""
    home = tmp_path / "home"
    monkeypatch.setenv("YECAI_HOME", str(home))
    monkeypatch.setenv("YECAI_DBT_PROJECT_DIR", str(FIXTURE_DBT))
    monkeypatch.setenv("DAGSTER_HOME", str(home / "dagster"))
    monkeypatch.delenv("YECAI_DAGSTER_PG_URL", raising=False)
    for name in (
        "YECAI_ALERT_SMTP_HOST",
        "YECAI_ALERT_SMTP_PORT",
        "YECAI_ALERT_SMTP_FROM",
        "YECAI_ALERT_SMTP_TO",
        "YECAI_ALERT_WEBHOOK_URL",
    ):
        monkeypatch.delenv(name, raising=False)
    return home


@pytest.fixture
def fixture_defs(yecai_home):
    from orchestration.definitions import build_definitions
    from yecai.settings import get_paths

    return build_definitions(dbt_project_dir=FIXTURE_DBT, paths=get_paths())
