"""A table without GX rules is "not checked" in Dagster: no check result, so the check shows as
skipped, never as a green pass over nothing. A table with rules keeps its verdicts.

Runs the real check step on a small warehouse (the quality tests' hand-made one): its
``finance.gl_lines`` has blocking rules only, ``finance.unruled`` has none.
"""

from __future__ import annotations

import sys
from pathlib import Path

import dagster as dg
import pytest

from orchestration.defs.quality.checks import build_group_checks
from orchestration.defs.quality.verdict import reportable, verdicts_for
from orchestration.defs.shared.resources import WarehouseWriter, YecaiHome
from yecai.settings import Paths

sys.path.insert(0, str(Path(__file__).parents[1] / "quality"))
import quality_fixtures as qf  # noqa: E402

pytestmark = pytest.mark.unit

GL = dg.AssetKey(["finance", "gl_lines"])
UNRULED = dg.AssetKey(["finance", "unruled"])


def test_no_results_report_no_verdict():
    assert reportable(verdicts_for([])) == {}


def test_check_step_reports_nothing_for_a_table_without_rules(tmp_path, caplog):
    paths = Paths(home=tmp_path)
    qf.build_good_warehouse(paths.build_db)
    qf.execute(paths.build_db, "create table finance.unruled as select 1 as x")

    @dg.asset(key=GL)
    def gl_lines():
        return None

    @dg.asset(key=UNRULED)
    def unruled():
        return None

    @dg.asset(deps=[GL, UNRULED])
    def downstream():
        return None

    checks = build_group_checks("models", {"finance.gl_lines": GL, "finance.unruled": UNRULED})
    instance = dg.DagsterInstance.ephemeral()
    result = dg.materialize(
        [gl_lines, unruled, downstream, checks],
        instance=instance,
        resources={"yecai": YecaiHome(home=str(tmp_path)), "warehouse_writer": WarehouseWriter()},
    )
    assert result.success
    # the downstream step still ran, without one warning per table that has no blocking rules
    assert result.asset_materializations_for_node("downstream")
    assert not [r for r in caplog.records if "emitted no result" in r.getMessage()]
    evaluations = {
        (e.asset_key, e.check_name): e.passed for e in result.get_asset_check_evaluations()
    }
    # gl_lines has blocking rules and (now that its not-null rules are dbt's) no warning rules
    assert evaluations == {(GL, "blocking_rules"): True}
    # checks with no rules were planned and never evaluated: Dagster resolves them as skipped
    # once the run is over
    for key in (
        dg.AssetCheckKey(UNRULED, "blocking_rules"),
        dg.AssetCheckKey(UNRULED, "warning_rules"),
        dg.AssetCheckKey(GL, "warning_rules"),
    ):
        records = instance.event_log_storage.get_asset_check_execution_history(key, limit=1)
        assert [r.status.value for r in records] == ["PLANNED"], key
