"""Tables no GX rule checks are listed as "Not checked" (with the dbt tests still on them),
never counted as passed."""

from __future__ import annotations

import pytest
import quality_fixtures as qf

from quality.checks import Check, Dimension, Severity
from quality.coverage import NotChecked, not_checked, not_checked_in
from quality.rule_overlap import Rule
from quality.scorecard import write_scorecard
from yecai.settings import Paths

pytestmark = pytest.mark.unit


def test_tables_without_checks_are_listed_with_their_dbt_tests():
    check = Check(
        "finance.gl_lines", "period_format", "regex", Dimension.VALIDITY, "finance", "finance",
        Severity.BLOCKING, "x", column="period", args={"regex": "x"},
    )  # fmt: skip
    dbt = [
        Rule("governance.audit", "not_null", "id", "dbt not_null"),
        Rule("governance.audit", "unique", "id", "dbt unique"),
    ]
    tables = ["finance.gl_lines", "finance.unruled", "governance.audit", "staging.stg_orders"]
    assert not_checked(tables, [check], dbt) == [
        NotChecked("finance.unruled", 0),
        NotChecked("governance.audit", 2),
    ]


def test_scorecard_shows_the_warehouse_tables_no_suite_checks(tmp_path, monkeypatch):
    monkeypatch.setenv("YECAI_HOME", str(tmp_path))
    paths = Paths(home=tmp_path)
    qf.build_good_warehouse(paths.build_db)
    qf.execute(paths.build_db, "create table finance.unruled as select 1 as x")
    found = {n.table: n.dbt_tests for n in not_checked_in(paths, paths.build_db)}
    # reconciliation_exceptions has dbt tests in the package and no GX rule
    assert found["governance.reconciliation_exceptions"] > 0
    assert found["finance.unruled"] == 0
    assert "finance.gl_lines" not in found and "canonical.parties" not in found
    html = write_scorecard(paths).read_text(encoding="utf-8")
    section = html.split('id="not-checked"')[1].split("</section>")[0]
    assert "finance.unruled" in section and "nothing checks it" in section
    assert "governance.reconciliation_exceptions" in section
    assert "finance.gl_lines" not in section
