"""With YECAI_DAGSTER_PG_URL set, runs are stored in PostgreSQL (the production set-up)."""

import dagster as dg
import psycopg
import pytest

from tests.shared.databases import PG_ADMIN_URL, checkout_database, pg_url
from yecai.settings import get_paths

pytestmark = pytest.mark.integration

DB_NAME = checkout_database("yecai_dagster_test")


@pytest.fixture
def dagster_pg_url():
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as con:
        con.execute(f"drop database if exists {DB_NAME} with (force)")
        con.execute(f"create database {DB_NAME}")
    return pg_url(DB_NAME)


def test_runs_and_materializations_land_in_postgres(
    yecai_home, fixture_defs, dagster_pg_url, monkeypatch
):
    from orchestration.defs.pipeline.jobs import PERIOD_JOB
    from orchestration.instance import get_instance
    from orchestration.runner import run_job

    monkeypatch.setenv("YECAI_DAGSTER_PG_URL", dagster_pg_url)
    paths = get_paths()
    instance = get_instance(paths)
    assert type(instance.run_storage).__name__ == "PostgresRunStorage"
    assert type(instance.event_log_storage).__name__ == "PostgresEventLogStorage"
    # The file names the variable, never the URL (it may carry a password).
    assert dagster_pg_url not in (paths.dagster_home / "dagster.yaml").read_text()

    outcome = run_job(
        paths,
        PERIOD_JOB,
        period_range=("2025-03", "2025-03"),
        definitions=fixture_defs,
        asset_selection=[dg.AssetKey(["finance", "period_revenue"])],
    )
    assert outcome.success, outcome.steps_failed

    with psycopg.connect(dagster_pg_url) as con:
        status = con.execute(
            "select status from runs where run_id = %s", (outcome.run_id,)
        ).fetchone()
        partitions = con.execute(
            "select partition from event_logs where run_id = %s "
            "and dagster_event_type = 'ASSET_MATERIALIZATION'",
            (outcome.run_id,),
        ).fetchall()
    assert status == ("SUCCESS",)
    assert partitions == [("2025-03",)]
    instance.dispose()
