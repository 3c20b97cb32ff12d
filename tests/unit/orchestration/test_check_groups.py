"""Quality checks run in two steps (raw tables, dbt models), not a step per table."""

import dagster as dg
import pytest

from orchestration.defs.quality.checks import build_quality_checks, tables_to_run
from orchestration.defs.quality.tables import candidate_tables

pytestmark = pytest.mark.unit


def _model(name, schema, parents=(), period=False):
    return {
        "resource_type": "model",
        "name": name,
        "schema": schema,
        "tags": ["fiscal_period"] if period else [],
        "depends_on": {"nodes": [f"model.x.{p}" for p in parents]},
    }


# canonical → period_revenue (per period) → revenue_total (whole history): all of them are
# built in the one dbt step, so their checks can share one step after it.
MANIFEST = {
    "nodes": {
        "model.x.stg": _model("stg", "staging"),
        "model.x.customers": _model("customers", "canonical", ["stg"]),
        "model.x.gl_lines": _model("gl_lines", "finance", ["customers"]),
        "model.x.period_revenue": _model("period_revenue", "finance", ["gl_lines"], period=True),
        "model.x.period_margin": _model("period_margin", "finance", ["period_revenue"], True),
        "model.x.revenue_total": _model("revenue_total", "finance", ["period_margin"]),
        "test.x.t": {"resource_type": "test", "depends_on": {"nodes": ["model.x.gl_lines"]}},
    }
}


def _key(node):
    return dg.AssetKey([node["schema"], node["name"]])


def test_raw_tables_share_one_group_and_every_model_another():
    tables = candidate_tables([("erp", "customers"), ("crm", "accounts")], MANIFEST, _key)
    assert tables.group_of == {
        "raw.erp.customers": "raw",
        "raw.crm.accounts": "raw",
        "canonical.customers": "models",
        "finance.gl_lines": "models",
        "finance.period_revenue": "models",
        "finance.period_margin": "models",
        "finance.revenue_total": "models",
    }
    # Staging views and tests get no checks.
    assert "staging.stg" not in tables


def test_one_check_step_per_group_with_both_checks_on_every_table():
    tables = candidate_tables([("erp", "customers"), ("crm", "accounts")], MANIFEST, _key)
    checks = build_quality_checks(tables)
    assert sorted(c.node_def.name for c in checks) == ["quality_models", "quality_raw"]
    keys = {k for c in checks for k in c.check_keys}
    assert len(keys) == 2 * len(tables)
    for key in tables.values():
        assert dg.AssetCheckKey(key, "blocking_rules") in keys
        assert dg.AssetCheckKey(key, "warning_rules") in keys
    blocking = {spec.key for c in checks for spec in c.check_specs if spec.blocking}
    assert {k.name for k in blocking} == {"blocking_rules"}


def test_a_subset_run_checks_only_the_tables_it_selected():
    tables = {
        "finance.gl_lines": dg.AssetKey(["finance", "gl_lines"]),
        "canonical.customers": dg.AssetKey(["canonical", "customers"]),
    }
    selected = {dg.AssetCheckKey(dg.AssetKey(["finance", "gl_lines"]), "warning_rules")}
    assert tables_to_run(tables, selected) == ["finance.gl_lines"]
    assert tables_to_run(tables, set()) == []


def test_a_plain_table_dict_still_gets_one_step_per_table():
    checks = build_quality_checks({"finance.gl_lines": dg.AssetKey(["finance", "gl_lines"])})
    assert [c.node_def.name for c in checks] == ["quality_finance__gl_lines"]
