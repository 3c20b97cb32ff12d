"""The run summary, gathered from a small real warehouse, publish log and results history."""

import json
from datetime import UTC, datetime

import duckdb
import pytest

from orchestration import run_summary
from quality.results import CheckResult, append_history
from quality.versions import publish_log_path
from yecai.settings import Paths

RUN = "run-2"


@pytest.fixture
def paths(tmp_path):
    paths = Paths(home=tmp_path)
    paths.warehouse.mkdir(parents=True)
    with duckdb.connect(str(paths.build_db)) as con:
        con.execute("create schema finance; create schema governance")
        con.execute(
            "create table finance.trial_balance as select * from (values "
            "('E02', '2025-02'), ('E01', '2025-01'), ('E01', '2025-02')) t(entity_code, period)"
        )
        con.execute(
            "create table governance.reconciliation_exceptions as select * from (values "
            "('missing_booking'), ('missing_booking'), ('amount_differs')) t(exception_type)"
        )
        con.execute(
            "create table governance.master_data_exceptions as select * from (values "
            "('unmapped_code')) t(kind)"
        )
    return paths


def _result(asset, check, severity, success, unexpected=None, error=None):
    return CheckResult(
        run_id=RUN,
        checked_at=datetime.now(UTC),
        layer="marts",
        asset=asset,
        check=check,
        dimension="validity",
        domain="finance",
        owner="governance",
        severity=severity,
        success=success,
        observed_value=None,
        unexpected_count=unexpected,
        error=error,
    )


def _log(paths, *entries):
    path = publish_log_path(paths)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as fh:
        for e in entries:
            fh.write(json.dumps(e) + "\n")


def test_published_run_with_a_warning_lists_it_under_needs_attention(paths):
    append_history(
        paths,
        [
            _result("finance.trial_balance", "nets_to_zero", "blocking", True),
            _result("canonical.party", "uscc_valid", "warning", False, unexpected=3),
            _result("canonical.party", "row_count", "warning", True),
        ],
    )
    _log(
        paths,
        {"version": "v1", "run_id": "run-1", "status": "published", "snapshot_id": 1},
        {"version": "v2", "run_id": RUN, "status": "published", "snapshot_id": 4},
    )
    summary = run_summary.gather(paths, RUN)
    assert summary.published and summary.version == "v2" and summary.snapshot_id == 4
    assert summary.periods == ["2025-01", "2025-02"] and summary.entities == ["E01", "E02"]
    text = "\n".join(run_summary.render(summary))
    assert "published     version v2 (snapshot 4)" in text
    assert "periods       2025-01..2025-02 (2)" in text
    assert "entities      E01, E02" in text
    assert "checks        2 passed · 1 warning failed · 0 blocking failed" in text
    assert "needs attention\n  ⚠ warning   canonical.party · uscc_valid: 3 unexpected" in text
    # First run: every kind is new; counted from the warehouse, by table and kind.
    assert "exceptions    4 open for governance" in text
    assert "reconciliation_exceptions: missing_booking        2  new" in text
    assert "yecai docs" in text and "yecai ui" in text


def test_blocked_run_says_why_and_what_analysts_stay_on(paths):
    append_history(
        paths,
        [
            _result("finance.gl_lines", "voucher_balanced", "blocking", False, unexpected=2),
            _result("finance.gl_lines", "amounts_decimal", "blocking", True),
        ],
    )
    _log(
        paths,
        {"version": "v1", "run_id": "run-1", "status": "published", "snapshot_id": 1},
        {
            "version": None,
            "run_id": RUN,
            "status": "blocked",
            "failed_checks": ["finance.gl_lines/voucher_balanced"],
        },
    )
    failed_step = {"warehouse__published": "not published: 1 blocking check(s) failed; …"}
    summary = run_summary.gather(paths, RUN, steps_failed=failed_step)
    assert not summary.published
    lines = run_summary.render(summary)
    assert "NOT published — analysts stay on version v1" in lines
    assert "  because     1 blocking check(s) failed at the publish audit" in lines
    assert "built periods 2025-01..2025-02 (2)" in lines
    assert "  ✘ blocking  finance.gl_lines · voucher_balanced: 2 unexpected" in lines
    assert not any("step warehouse__published" in line for line in lines)


def test_dbt_failure_is_the_reason_when_publish_never_ran(paths):
    summary = run_summary.gather(
        paths, RUN, steps_failed={"dbt_models": "dbt model finance.x failed: boom\n  more"}
    )
    lines = run_summary.render(summary)
    assert "NOT published — nothing is published yet" in lines
    assert "  because     step dbt_models failed: dbt model finance.x failed: boom" in lines
    assert "                more" in lines  # dbt's detail lines follow, indented


def test_exception_deltas_come_from_the_run_before(paths):
    first = run_summary.gather(paths, "run-1")
    run_summary.remember(paths, first)
    with duckdb.connect(str(paths.build_db)) as con:
        con.execute(
            "delete from governance.reconciliation_exceptions where exception_type = 'amount_differs'"
        )
        con.execute("insert into governance.master_data_exceptions values ('unmapped_code')")
    second = run_summary.gather(paths, RUN)
    deltas = {e.label: (e.count, e.delta) for e in second.exceptions}
    assert deltas == {
        "master_data_exceptions: unmapped_code": (2, 1),
        "reconciliation_exceptions: missing_booking": (2, 0),
        # fixed since the run before: shown once at zero, so the fix is visible
        "reconciliation_exceptions: amount_differs": (0, -1),
    }
    text = "\n".join(run_summary.render(second))
    assert "+1" in text and "no change" in text and "-1" in text


def test_a_busy_or_missing_warehouse_still_gives_a_summary(tmp_path):
    summary = run_summary.gather(Paths(home=tmp_path), RUN)
    text = "\n".join(run_summary.render(summary))
    assert "periods" not in text and "exceptions    none open" in text
    assert "checks        none ran" in text
