"""Fiscal periods and the dbt invocation they turn into."""

import json
import os
from datetime import date

import pytest

from orchestration.defs.shared.partitions import (
    build_fiscal_periods,
    parse_period,
    period_of,
    periods_between,
)
from orchestration.defs.transform.dbt_args import (
    FULL_BUILD_TAG,
    count_buildable_nodes,
    dbt_build_args,
    dbt_env,
    period_vars,
)
from orchestration.runner import partition_tags
from yecai.errors import YecaiError
from yecai.settings import DBT_PACKAGE_DIR, Paths

pytestmark = pytest.mark.unit


def test_periods_between_crosses_a_year_end():
    assert periods_between("2024-11", "2025-02") == ["2024-11", "2024-12", "2025-01", "2025-02"]


@pytest.mark.parametrize("bad", ["2025-13", "2025-1", "25-01", "2025/01", ""])
def test_a_malformed_period_is_a_user_error_that_shows_the_format(bad):
    with pytest.raises(YecaiError) as err:
        parse_period(bad, "--from")
    assert "YYYY-MM" in (err.value.fix or "")


def test_a_reversed_range_is_refused_not_silently_empty():
    with pytest.raises(YecaiError, match="comes after"):
        periods_between("2025-03", "2025-01")


def test_the_open_month_is_a_partition_so_the_daily_run_can_refresh_it():
    partitions = build_fiscal_periods("2025-01")
    keys = partitions.get_partition_keys()
    assert keys[0] == "2025-01"
    assert keys[-1] == period_of(date.today())


def test_one_period_run_sets_period_but_a_range_does_not():
    assert period_vars("2025-03", "2025-03") == {
        "period": "2025-03",
        "period_from": "2025-03",
        "period_to": "2025-03",
    }
    assert "period" not in period_vars("2025-01", "2025-03")


def test_build_args_carry_the_vars_as_json():
    args = dbt_build_args(("2025-01", "2025-02"))
    assert args[args.index("--vars") + 1 :][0] == json.dumps(
        {"period_from": "2025-01", "period_to": "2025-02"}, sort_keys=True
    )
    assert dbt_build_args()[0] == "build"
    assert "--vars" not in dbt_build_args()


def test_build_args_run_each_test_only_where_its_parents_are_built():
    """Dagster splits the dbt models into steps; a test must not run before its parents."""
    args = dbt_build_args()
    assert args[args.index("--indirect-selection") + 1] == "buildable"


def test_build_args_leave_dbt_unit_tests_to_the_test_suite():
    """Unit tests check a model's SQL on fixed rows, not the day's data (run by hand and in CI)."""
    for args in (dbt_build_args(), dbt_build_args(("2025-01", "2025-01"), full_refresh=True)):
        assert args[args.index("--exclude-resource-type") + 1] == "unit_test"


def test_dbt_env_points_at_this_installation(tmp_path):
    env = dbt_env(Paths(home=tmp_path))
    assert env["YECAI_WAREHOUSE_PATH"] == str(tmp_path / "warehouse" / "build.duckdb")
    assert env["YECAI_RAW_ZONE"] == str(tmp_path / "lake" / "raw")
    assert env["YECAI_LAKE_META"] == str(tmp_path / "lake" / "_meta")
    assert env["YECAI_DBT_PACKAGE_DIR"] == str(DBT_PACKAGE_DIR)
    # a home without a company still gets a registry: an empty one
    assert json.loads(env["YECAI_SOURCE_REGISTRY"]) == {"sources": {}, "documents": {}}
    assert env["YECAI_DBT_TEMP_DIRECTORY"] == str(tmp_path / "warehouse" / "build.duckdb.tmp")


def test_dbt_duckdb_is_capped_by_default_and_by_the_operator(tmp_path, monkeypatch):
    monkeypatch.delenv("YECAI_DBT_MEMORY_LIMIT", raising=False)
    default = dbt_env(Paths(home=tmp_path))["YECAI_DBT_MEMORY_LIMIT"]  # DuckDB's own: 80 % of RAM
    ram_mib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2**20
    assert default.endswith("MiB") and abs(int(default[:-3]) - 0.8 * ram_mib) <= 1
    monkeypatch.setenv("YECAI_DBT_MEMORY_LIMIT", " 1.5 GiB ")
    assert dbt_env(Paths(home=tmp_path))["YECAI_DBT_MEMORY_LIMIT"] == "1.5GiB"


def test_dbt_builds_one_model_at_a_time_under_an_operators_memory_cap(tmp_path, monkeypatch):
    monkeypatch.delenv("YECAI_DBT_MEMORY_LIMIT", raising=False)
    monkeypatch.delenv("YECAI_DBT_THREADS", raising=False)
    assert dbt_env(Paths(home=tmp_path))["YECAI_DBT_THREADS"] == "2"
    # a Dagster process has put dbt's environment into its own: the default cap is no cap
    monkeypatch.setenv(
        "YECAI_DBT_MEMORY_LIMIT", dbt_env(Paths(home=tmp_path))["YECAI_DBT_MEMORY_LIMIT"]
    )
    assert dbt_env(Paths(home=tmp_path))["YECAI_DBT_THREADS"] == "2"
    monkeypatch.setenv("YECAI_DBT_MEMORY_LIMIT", "2GB")  # the models would share it
    assert dbt_env(Paths(home=tmp_path))["YECAI_DBT_THREADS"] == "1"
    monkeypatch.setenv("YECAI_DBT_THREADS", " 3 ")  # the operator's word wins
    assert dbt_env(Paths(home=tmp_path))["YECAI_DBT_THREADS"] == "3"


@pytest.mark.parametrize("bad", ["0", "two", "1.5", "-1"])
def test_a_thread_count_dbt_would_refuse_is_an_error_naming_the_variable(
    tmp_path, monkeypatch, bad
):
    monkeypatch.setenv("YECAI_DBT_THREADS", bad)
    with pytest.raises(YecaiError, match="YECAI_DBT_THREADS") as raised:
        dbt_env(Paths(home=tmp_path))
    assert "unset it" in raised.value.fix


@pytest.mark.parametrize("bad", ["2", "lots", "2 gigabytes", "-1GB", "80%"])
def test_a_memory_cap_duckdb_would_refuse_is_an_error_naming_the_variable(
    tmp_path, monkeypatch, bad
):
    monkeypatch.setenv("YECAI_DBT_MEMORY_LIMIT", bad)
    with pytest.raises(YecaiError, match="YECAI_DBT_MEMORY_LIMIT") as raised:
        dbt_env(Paths(home=tmp_path))
    assert "MiB" in raised.value.fix  # what unsetting it gives


def test_a_full_build_refreshes_every_model_and_every_period():
    """`yecai run --full`: --full-refresh, and no period window (every period in the data)."""
    args = dbt_build_args(("2024-01", "2026-12"), full_refresh=True)
    assert "--full-refresh" in args and "--vars" not in args
    assert "--full-refresh" not in dbt_build_args(("2024-01", "2026-12"))


def test_the_dbt_step_reads_the_full_build_tag_the_planner_sets():
    from orchestration.defs.pipeline.increment import FULL_TAG

    assert FULL_BUILD_TAG == FULL_TAG


def test_per_period_selection_counts_only_tagged_buildable_nodes():
    manifest = {
        "nodes": {
            "model.a": {"resource_type": "model", "tags": ["fiscal_period"]},
            "model.b": {"resource_type": "model", "config": {"tags": ["fiscal_period"]}},
            "model.c": {"resource_type": "model", "tags": []},
            "seed.d": {"resource_type": "seed", "tags": []},
            "test.e": {"resource_type": "test", "tags": ["fiscal_period"]},
        }
    }
    assert count_buildable_nodes(manifest, per_period=True) == 2
    assert count_buildable_nodes(manifest, per_period=False) == 2
    assert count_buildable_nodes({"nodes": {}}, per_period=True) == 0


def test_range_run_tags_are_dagster_partition_range_tags():
    assert partition_tags(("2025-01", "2025-03")) == {
        "dagster/asset_partition_range_start": "2025-01",
        "dagster/asset_partition_range_end": "2025-03",
    }
    assert partition_tags(None) == {}


def test_only_models_tagged_fiscal_period_get_the_monthly_partitions():
    from orchestration.defs.transform.translator import YecaiDbtTranslator

    periods = build_fiscal_periods("2025-01")
    translator = YecaiDbtTranslator(period_partitions=periods)
    tagged = {"resource_type": "model", "name": "trial_balance", "tags": ["fiscal_period"]}
    by_config = {"resource_type": "model", "name": "gl", "config": {"tags": ["fiscal_period"]}}
    whole = {"resource_type": "model", "name": "balance_sheet", "tags": ["finance"]}
    assert translator.get_partitions_def(tagged) is periods
    assert translator.get_partitions_def(by_config) is periods
    assert translator.get_partitions_def(whole) is None
    assert YecaiDbtTranslator().get_partitions_def(tagged) is None
