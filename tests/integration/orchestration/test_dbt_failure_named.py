"""A dbt model whose SQL fails is named, with dbt's own message, by the run and by the CLI.

The fixture's ``revenue_total`` reads a column that does not exist when
YECAI_FIXTURE_FAIL_DBT_MODEL=yes. Before, the step's message began "The dbt CLI process with
command" and that first line was all `yecai run` / `yecai backfill` printed.
"""

import os
import subprocess

import pytest

from tests.orchestration.demo_helpers import YECAI
from yecai.settings import REPO_ROOT, get_paths

pytestmark = pytest.mark.integration


def test_failing_model_is_named_in_the_dagster_failure(yecai_home, fixture_defs, monkeypatch):
    import dagster as dg

    from orchestration.instance import get_instance
    from orchestration.runner import root_cause_message, run_job

    monkeypatch.setenv("YECAI_FIXTURE_FAIL_DBT_MODEL", "yes")
    outcome = run_job(
        get_paths(),
        "rebuild_periods",
        period_range=("2025-01", "2025-01"),
        definitions=fixture_defs,
        asset_selection=[
            dg.AssetKey(["finance", "period_revenue"]),
            dg.AssetKey(["finance", "revenue_total"]),
        ],
        check_selection=[],
    )
    assert not outcome.success
    message = outcome.steps_failed["dbt_models"]
    first = message.splitlines()[0]
    assert first.startswith("dbt model finance.revenue_total failed: "), first
    assert "no_such_column" in first and "not found" in first, first  # DuckDB's binder error
    assert "The dbt CLI process with command" not in message
    assert "dbt.log" in message  # where the full account is

    # The failure Dagster recorded (the UI and the alerts show it) says the same.
    instance = get_instance(get_paths())
    failures = instance.all_logs(outcome.run_id, of_type=dg.DagsterEventType.STEP_FAILURE)
    assert failures
    # (after the step's one retry Dagster wraps it in "Exceeded max_retries"; the cause is ours)
    recorded = root_cause_message(failures[-1].dagster_event.event_specific_data.error)
    assert "dbt model finance.revenue_total failed" in recorded


def test_cli_prints_the_failing_model_and_dbts_message(yecai_home, fixture_defs):
    env = {**os.environ, "YECAI_FIXTURE_FAIL_DBT_MODEL": "yes"}
    done = subprocess.run(
        [str(YECAI), "backfill", "--from", "2025-01", "--to", "2025-01", "--no-publish"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 1, (done.stdout + done.stderr)[-3000:]
    said = " ".join(done.stdout.split())
    assert "failed step dbt_models: dbt model finance.revenue_total failed:" in said, said
    assert "no_such_column" in said
    assert "The dbt CLI process" not in said
    assert "Traceback" not in done.stdout + done.stderr
