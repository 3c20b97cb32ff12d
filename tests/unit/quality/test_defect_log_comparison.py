"""The demo's defect log beside the findings: each undetectable defect gets its reason."""

from __future__ import annotations

import pytest

from quality.defect_log_comparison import (
    FIRST_EXTRACT,
    NO_PERIOD_RULE,
    ONE_SYSTEM_ONLY,
    LoggedDefect,
    alias_reasons,
    compare,
    history_reasons,
    read_defect_log,
)
from yecai.settings import Paths

pytestmark = pytest.mark.unit

CROSSWALK = [
    ("PTY-1", "erp", "customers", "C1"),
    ("PTY-1", "crm", "accounts", "ACC-1"),
    ("PTY-2", "erp", "vendors", "V2"),  # a vendor no other system holds
]


def test_an_alias_no_other_system_holds_cannot_be_seen():
    aliases = [
        LoggedDefect("cross_system_alias", "erp", "customers", "C1"),
        LoggedDefect("cross_system_alias", "erp", "vendors", "V2"),
        LoggedDefect("cross_system_alias", "crm", "accounts", "ACC-9"),  # not in the crosswalk
    ]
    assert alias_reasons(aliases, CROSSWALK) == {ONE_SYSTEM_ONLY: 2}


def test_late_and_retroactive_defects_shown_under_another_kind_or_not_at_all():
    logged = [
        LoggedDefect("late_arriving", "crm", "opportunities", "OPP-1"),
        LoggedDefect("late_arriving", "erp", "sales_orders", "SO1"),
        LoggedDefect("retroactive_change", "erp", "sales_orders", "SO2"),
        LoggedDefect("retroactive_change", "erp", "customers", "C1"),
    ]
    flagged = {
        ("crm", "opportunities", "OPP-1"): {"late_arriving"},
        ("erp", "sales_orders", "SO1"): {"late_or_retroactive"},
        ("erp", "sales_orders", "SO2"): {"late_or_retroactive"},
    }
    assert history_reasons(logged, flagged) == {FIRST_EXTRACT: 2, NO_PERIOD_RULE: 1}


def test_compare_keeps_the_findings_order_and_adds_logged_only_kinds():
    logged = [
        LoggedDefect("missing_key", "erp", "sales_orders", "SO1"),
        LoggedDefect("missing_key", "erp", "sales_orders", "SO2"),
        LoggedDefect("cross_system_alias", "erp", "vendors", "V2"),
        LoggedDefect("invalid_national_id", "hr", "employees", "E1"),
        LoggedDefect("new_record", "erp", "sales_orders", "SO3"),  # a change, not a defect
    ]
    found = {"missing_key": 1, "cross_system_alias": 0}
    result = compare(logged, found, CROSSWALK, {})
    assert [(c.kind, c.logged, c.found, c.detectable) for c in result] == [
        ("missing_key", 2, 1, 2),
        ("cross_system_alias", 1, 0, 0),
        ("invalid_national_id", 1, 0, 1),
    ]
    assert result[1].undetectable == [(ONE_SYSTEM_ONLY, 1)]


def test_no_defect_log_means_no_comparison(tmp_path):
    assert read_defect_log(Paths(home=tmp_path)) is None
    paths = Paths(home=tmp_path)
    paths.demo.mkdir(parents=True)
    (paths.demo / "ground_truth.csv").write_text(
        "kind,system,entity,key,detail\nmissing_key,erp,sales_orders,SO1,x\n", encoding="utf-8"
    )
    assert read_defect_log(paths) == [LoggedDefect("missing_key", "erp", "sales_orders", "SO1")]
