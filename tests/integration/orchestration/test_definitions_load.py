"""Every asset, check, job, schedule and sensor is there: a missing one fails this test."""

import os
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest

from ingestion.catalog import list_entities
from yecai.settings import REPO_ROOT, get_paths

pytestmark = pytest.mark.integration


def test_fixture_project_loads_every_definition(fixture_defs):
    repo = fixture_defs.get_repository_def()
    keys = {k.to_user_string() for k in repo.asset_graph.get_all_asset_keys()}

    # Raw assets: exactly one per entity the ingestion stage lists (its catalog is the truth).
    expected_raw = {f"raw/{s}/{e}" for s, e in list_entities(get_paths())}
    assert expected_raw, "the ingestion catalog lists no entity"
    assert {k for k in keys if k.startswith("raw/")} == expected_raw | {"raw/erp/customers"}

    assert keys - expected_raw - {"raw/erp/customers"} == {
        "staging/stg_erp__customers",
        "finance/customer_count",
        "finance/gl_lines",
        "finance/period_revenue",
        "finance/revenue_total",
        "warehouse/published",
        "reports/quality_scorecard",
    }

    # Two checks (blocking gate, warning report) per raw entity and per non-staging model.
    checks = {k.to_user_string() for k in repo.asset_graph.asset_check_keys}
    for table in (
        "finance/customer_count",
        "finance/period_revenue",
        "finance/revenue_total",
        *sorted(expected_raw),
    ):
        assert f"{table}:blocking_rules" in checks
        assert f"{table}:warning_rules" in checks
    assert not any(c.startswith("staging/") for c in checks)
    blocking = [
        spec
        for spec in repo.asset_graph.asset_check_keys
        if repo.asset_graph.get_check_spec(spec).blocking
    ]
    assert {b.name for b in blocking} == {"blocking_rules"}

    assert {j.name for j in repo.get_all_jobs()} >= {
        "yecai_pipeline",
        "ingest_raw",
        "ingest_hr",
        "rebuild_periods",
        "quality_scorecard_job",
    }
    assert [s.name for s in repo.schedule_defs] == ["daily_pipeline"]
    assert {s.name for s in repo.sensor_defs} == {
        "file_drop_sensor",
        "source_change_sensor",
        "rebuild_after_ingest",
        "run_failure_alert",
        "scorecard_after_pipeline_success",
        "scorecard_after_pipeline_failure",
    }


def test_lineage_runs_from_raw_entity_through_dbt_to_publish(fixture_defs):
    graph = fixture_defs.get_repository_def().asset_graph
    staging = dg.AssetKey(["staging", "stg_erp__customers"])
    assert dg.AssetKey(["raw", "erp", "customers"]) in graph.get(staging).parent_keys
    published = graph.get(dg.AssetKey(["warehouse", "published"]))
    assert dg.AssetKey(["finance", "period_revenue"]) in published.parent_keys
    period = graph.get(dg.AssetKey(["finance", "period_revenue"]))
    assert period.partitions_def is not None
    assert graph.get(dg.AssetKey(["finance", "customer_count"])).partitions_def is None
    # A whole-history model can sit downstream of a per-period one.
    total = graph.get(dg.AssetKey(["finance", "revenue_total"]))
    assert total.partitions_def is None
    assert dg.AssetKey(["finance", "period_revenue"]) in total.parent_keys


def test_dagster_definitions_validate_passes_at_the_repository_root(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("YECAI_")}
    env["YECAI_HOME"] = str(tmp_path / "home")
    env["DAGSTER_HOME"] = str(tmp_path / "dagster")
    Path(env["DAGSTER_HOME"]).mkdir()
    dagster = Path(sys.executable).parent / "dagster"
    done = subprocess.run(
        [str(dagster), "definitions", "validate"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-3000:]
    assert "All code locations passed validation" in output


def test_daily_schedule_ingests_then_the_sensor_rebuilds_the_open_period(fixture_defs):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    schedule = fixture_defs.get_schedule_def("daily_pipeline")
    # The same two runs as `yecai run`: ingest, then (sensor rebuild_after_ingest) rebuild.
    assert schedule.job_name == "ingest_raw"
    assert fixture_defs.get_sensor_def("rebuild_after_ingest").job_name == "yecai_pipeline"
    assert schedule.cron_schedule == "0 2 * * *"
    tick = datetime(2025, 3, 15, 2, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    with dg.instance_for_test() as instance:
        context = dg.build_schedule_context(
            instance=instance,
            scheduled_execution_time=tick,
            repository_def=fixture_defs.get_repository_def(),
        )
        result = schedule.evaluate_tick(context)
    assert [r.tags["yecai/period"] for r in result.run_requests] == ["2025-03"]


def test_loading_the_definitions_does_not_import_great_expectations(yecai_home):
    """GX costs seconds to import; every `dagster dev` reload and `yecai run` would pay it."""
    code = (
        "import sys, orchestration.definitions as d; "
        "assert d.defs.get_repository_def().asset_graph.asset_check_keys; "
        "print('great_expectations' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO_ROOT,
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip().splitlines()[-1] == "False"


def test_a_pipeline_run_builds_every_model_in_one_dbt_step_between_two_check_steps(
    fixture_defs,
):
    """Whole-history and per-period models (and those built on them) share one dbt build.

    The raw tables' blocking checks run before it, the models' checks after it, and publish
    waits for both, so a failed blocking gate still keeps publish from running.
    """
    from dagster._core.execution.api import create_execution_plan

    from orchestration.runner import partition_tags

    job = fixture_defs.resolve_job_def("yecai_pipeline")
    plan = create_execution_plan(job, tags=partition_tags(("2025-01", "2025-03")))
    deps = plan.get_all_step_deps()
    assert [k for k in deps if k.startswith("dbt_")] == ["dbt_models"]
    assert sorted(k for k in deps if k.startswith("quality_")) == ["quality_models", "quality_raw"]
    assert "quality_raw" in deps["dbt_models"]
    assert "dbt_models" in deps["quality_models"]
    # Publish waits for the models' checks directly and for the raw ones through dbt.
    assert {"dbt_models", "quality_models"} <= deps["warehouse__published"]

    graph = fixture_defs.get_repository_def().asset_graph
    dbt_def = graph.get(dg.AssetKey(["finance", "period_revenue"])).assets_def
    assert dbt_def is graph.get(dg.AssetKey(["finance", "revenue_total"])).assets_def
    assert dbt_def is graph.get(dg.AssetKey(["staging", "stg_erp__customers"])).assets_def


def test_without_a_configuration_the_definitions_load_and_say_what_to_do(tmp_path, monkeypatch):
    from orchestration.definitions import SETUP_KEY, build_definitions
    from yecai.settings import Paths

    monkeypatch.delenv("YECAI_DBT_PROJECT_DIR", raising=False)
    defs = build_definitions(paths=Paths(home=tmp_path))
    graph = defs.get_repository_def().asset_graph
    assert set(graph.get_all_asset_keys()) == {SETUP_KEY}
    description = graph.get(SETUP_KEY).description
    assert "yecai demo generate" in description and "yecai init" in description


def test_a_wrong_sources_yml_shows_its_one_line_error_instead_of_crashing(tmp_path, monkeypatch):
    from orchestration.definitions import SETUP_KEY, build_definitions
    from yecai.settings import Paths

    monkeypatch.delenv("YECAI_DBT_PROJECT_DIR", raising=False)
    (tmp_path / "sources.yml").write_text("- erp\n- crm\n")
    defs = build_definitions(paths=Paths(home=tmp_path))
    description = defs.get_repository_def().asset_graph.get(SETUP_KEY).description
    assert "the file is a YAML list, not a mapping" in description
