"""dbt tests are not Dagster asset checks, yet a failing one still stops the run.

The fixture project has one singular dbt test on ``period_revenue`` that fails when
YECAI_FIXTURE_FAIL_DBT_TEST=yes. ``dbt build`` runs it in the dbt step right after building
``period_revenue``; dbt skips the model built on it and exits non-zero, and the step fails.
"""

import dagster as dg
import pytest

from tests.integration.orchestration.conftest import FIXTURE_DBT
from yecai.settings import get_paths

pytestmark = pytest.mark.integration

PERIOD_REVENUE = dg.AssetKey(["finance", "period_revenue"])
REVENUE_TOTAL = dg.AssetKey(["finance", "revenue_total"])


def _rebuild(fixture_defs, started: list[str]):
    from orchestration.runner import run_job

    return run_job(
        get_paths(),
        "rebuild_periods",
        period_range=("2025-01", "2025-02"),
        definitions=fixture_defs,
        asset_selection=[PERIOD_REVENUE, REVENUE_TOTAL],
        check_selection=[],  # the quality suites are not what this test is about
        on_event=lambda e: started.append(e.step) if e.kind == "started" else None,
    )


def test_dbt_tests_are_not_loaded_as_asset_checks(fixture_defs):
    checks = fixture_defs.get_repository_def().asset_graph.asset_check_keys
    # Only the quality stage's two gates per table; no check per dbt test.
    assert {c.name for c in checks} == {"blocking_rules", "warning_rules"}


def test_a_failing_dbt_test_fails_the_dbt_step_and_stops_downstream(
    yecai_home, fixture_defs, monkeypatch
):
    from orchestration.instance import get_instance

    # First with the test passing: both models build (so the failure below is the test's).
    started: list[str] = []
    passing = _rebuild(fixture_defs, started)
    assert passing.success, passing.steps_failed
    # The per-period model and the whole-history one built on it: one step, one dbt build.
    assert [s for s in started if s.startswith("dbt_")] == ["dbt_models"]
    assert "dbt_models" in passing.steps_succeeded
    # dbt's debug log in the step's target folder is text (dagster-dbt reads only stdout).
    (log,) = (FIXTURE_DBT / "target").glob(f"dbt_models-{passing.run_id[:7]}-*/dbt.log")
    first_line = log.read_text(encoding="utf-8").splitlines()[0]
    assert "Running with dbt" in first_line and not first_line.lstrip().startswith("{")

    monkeypatch.setenv("YECAI_FIXTURE_FAIL_DBT_TEST", "yes")
    started = []
    failing = _rebuild(fixture_defs, started)
    assert not failing.success
    assert "dbt_models" in failing.steps_failed
    # The first line, the one `yecai run` prints, names the failing test and dbt's verdict.
    first = failing.steps_failed["dbt_models"].splitlines()[0]
    assert "test period_revenue_fails_on_request failed" in first, first
    assert "Got 2 results, configured to fail if != 0" in first, first
    assert "dbt skipped 1 node(s)" in failing.steps_failed["dbt_models"]

    instance = get_instance(get_paths())
    # The tested model was built in the failing run; the model built on it was not (dbt
    # skipped it), so its latest materialization is still the passing run's.
    latest_period = instance.get_latest_materialization_event(PERIOD_REVENUE)
    assert latest_period is not None and latest_period.run_id == failing.run_id
    latest_total = instance.get_latest_materialization_event(REVENUE_TOTAL)
    assert latest_total is not None and latest_total.run_id == passing.run_id
