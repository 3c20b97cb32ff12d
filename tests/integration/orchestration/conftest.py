"""Shared set-up: a YECAI_HOME in tmp_path and the small fixture dbt project."""

from pathlib import Path

import pytest

FIXTURE_DBT = Path(__file__).parent / "dbt_fixture"


@pytest.fixture
def yecai_home(tmp_path, monkeypatch):
    """An installation holding the demo company's configuration (its raw entities are the
    assets) and no data; the Dagster instance is created under it on first use."""
    from demo.install import install_company

    home = tmp_path / "home"
    install_company(home)
    monkeypatch.setenv("YECAI_HOME", str(home))
    monkeypatch.setenv("YECAI_DBT_PROJECT_DIR", str(FIXTURE_DBT))
    monkeypatch.setenv("DAGSTER_HOME", str(home / "dagster"))
    monkeypatch.delenv("YECAI_DAGSTER_PG_URL", raising=False)
    for name in (
        "YECAI_ALERT_SMTP_HOST",
        "YECAI_ALERT_SMTP_PORT",
        "YECAI_ALERT_SMTP_FROM",
        "YECAI_ALERT_SMTP_TO",
        "YECAI_ALERT_SMTP_TLS",
        "YECAI_ALERT_SMTP_USER",
        "YECAI_ALERT_SMTP_PASSWORD",
        "YECAI_ALERT_SMTP_CA_FILE",
        "YECAI_ALERT_WEBHOOK_URL",
    ):
        monkeypatch.delenv(name, raising=False)
    return home


@pytest.fixture
def fixture_defs(yecai_home):
    from orchestration.definitions import build_definitions
    from yecai.settings import get_paths

    return build_definitions(dbt_project_dir=FIXTURE_DBT, paths=get_paths())


@pytest.fixture(autouse=True)
def _no_dagster_instance_left_behind():
    """Forget the instance-bound state Dagster keeps in process-wide slots after each test.

    A test whose run used an instance can leave that instance's defs-state storage as the
    "current" one; once the instance is garbage-collected, the next test that builds a
    repository fails with "Attempted to resolve undefined DagsterInstance weakref".
    """
    yield
    from dagster._core.definitions.definitions_load_context import DefinitionsLoadContext
    from dagster._core.storage.defs_state import base

    base._current_storage.set(None)
    DefinitionsLoadContext._instance = None
