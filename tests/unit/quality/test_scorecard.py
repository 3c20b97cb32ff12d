"""Scorecard aggregation and rendering: scores, trend, offline HTML."""

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from quality import charts
from quality.results import CheckResult
from quality.scorecard import latest_results, render, scores_by, trend

pytestmark = pytest.mark.unit

T0 = datetime(2024, 3, 1, 8, 0, tzinfo=UTC)


def _r(run, minutes, asset, check, dim, success, severity="blocking", owner="finance", keys=()):
    return CheckResult(
        run_id=run,
        checked_at=T0 + timedelta(minutes=minutes),
        layer="marts",
        asset=asset,
        check=check,
        dimension=dim,
        domain=asset.split(".")[0],
        owner=owner,
        severity=severity,
        success=success,
        observed_value=None,
        unexpected_count=0 if success else len(keys),
        failing_keys=list(keys),
    )


HISTORY = [
    _r(
        "r1",
        0,
        "finance.gl_lines",
        "voucher_balanced",
        "accuracy",
        False,
        keys=[{"voucher_id": "V9"}],
    ),
    _r(
        "r1",
        0,
        "master.parties",
        "uscc_check_digit",
        "validity",
        False,
        "warning",
        "master-data",
        keys=[{"unified_code": "P3"}],
    ),
    _r("r2", 60, "finance.gl_lines", "voucher_balanced", "accuracy", True),
    _r(
        "r2",
        60,
        "master.parties",
        "uscc_check_digit",
        "validity",
        False,
        "warning",
        "master-data",
        keys=[{"unified_code": "P3"}],
    ),
]


def test_latest_result_of_each_check_wins():
    latest = latest_results(HISTORY)
    assert [(r.check, r.run_id, r.success) for r in latest] == [
        ("voucher_balanced", "r2", True),
        ("uscc_check_digit", "r2", False),
    ]


def test_scores_per_dimension_include_dimensions_without_checks():
    scores = {s.key: s for s in scores_by(latest_results(HISTORY), "dimension")}
    assert scores["accuracy"].percent == 100.0
    assert scores["validity"].percent == 0.0 and scores["validity"].blocking_failed == 0
    assert scores["timeliness"].total == 0
    owners = {s.key: (s.passed, s.total) for s in scores_by(latest_results(HISTORY), "owner")}
    assert owners == {"finance": (1, 1), "master-data": (0, 1)}


def test_trend_is_pass_rate_per_run_in_time_order():
    labels, series = trend(HISTORY)
    assert labels == ["03-01 08:00:00", "03-01 09:00:00"]
    assert series["overall"] == [0.0, 50.0]
    assert series["accuracy"] == [0.0, 100.0]
    assert "timeliness" not in series  # no checks, no line


def test_rendered_page_is_offline_and_lists_failing_keys():
    html = render(
        HISTORY,
        {"governance.master_data_exceptions": [("invalid_uscc", 3), ("unmapped_account", 1)]},
        [("erp", "customers", "missing key", 2)],
        "data_docs/index.html",
        T0,
    )
    assert "uscc_check_digit" in html and "{&#34;unified_code&#34;: &#34;P3&#34;}" in html
    assert "invalid_uscc" in html and "missing key" in html
    assert 'href="data_docs/index.html"' in html
    # nothing fetched from the network: no external scripts, styles, fonts or images
    assert not re.search(r'(src|href)="(https?:)?//', html)
    assert "<script" not in html
    assert html.count("<svg") >= 3  # trend, exceptions, quarantine


def test_chart_escapes_labels():
    svg = charts.bar_chart([("<b>x</b>", 2.0)])
    assert "<b>" not in svg and "&lt;b&gt;" in svg


def test_empty_history_renders_a_hint():
    html = render([], {}, [], None, T0)
    assert "No quality results yet" in html


def test_failing_blocking_checks_are_listed_before_warnings():
    extra = replace(HISTORY[0], run_id="r3", checked_at=T0 + timedelta(hours=2))
    html = render([*HISTORY, extra], {}, [], None, T0)
    assert html.index("voucher_balanced</b>") < html.index("uscc_check_digit</b>")


def test_checks_dropped_from_a_suite_leave_the_scorecard():
    old = _r("r0", -60, "canonical.int_helper", "date_in_range", "validity", False, "warning")
    gone = _r("r1", 0, "finance.gl_lines", "old_rule", "validity", False)
    history = [old, gone, *HISTORY]  # r2 re-audits both assets without these two checks
    checks = {(r.asset, r.check) for r in latest_results(history)}
    assert ("finance.gl_lines", "old_rule") not in checks
    assert ("canonical.int_helper", "date_in_range") not in checks
    assert ("finance.gl_lines", "voucher_balanced") in checks


def test_quarantine_counts_group_reasons_without_row_numbers(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    from quality.scorecard import quarantine_counts
    from yecai.settings import Paths

    paths = Paths(home=tmp_path)
    folder = paths.quarantine / "hr" / "employees" / "batch=b1"
    folder.mkdir(parents=True)
    reasons = [
        "duplicate primary key within the batch (row 52 kept)",
        "duplicate primary key within the batch (row 11 kept)",
        "missing primary key employee_id; bad date 2024-13-01",
    ]
    pq.write_table(
        pa.table({"_reason": reasons, "_source_pk": ["a", "b", "c"]}), folder / "part-0.parquet"
    )
    assert quarantine_counts(paths) == [
        ("hr", "employees", "duplicate primary key within the batch", 2),
        ("hr", "employees", "bad date 2024-13-01", 1),
        ("hr", "employees", "missing primary key employee_id", 1),
    ]
