"""Pure decisions: file-drop cursor, schedule period, batch and check summaries, run outcome."""

from datetime import datetime
from types import SimpleNamespace

import pytest

from orchestration.defs.ingestion.assets import summarize_batches
from orchestration.defs.ingestion.sensors import list_drop_files, new_drop_files, run_key_for
from orchestration.defs.pipeline.schedules import scheduled_run_request
from orchestration.defs.quality.tables import candidate_tables
from orchestration.defs.quality.verdict import verdicts_for
from orchestration.runner import StepEvent, fold_outcome

pytestmark = pytest.mark.unit


def test_a_file_is_new_once_and_again_when_it_changes():
    listing = {"employees_2025-01.csv": [100, 1]}
    changed, cursor = new_drop_files(listing, None)
    assert changed == ["employees_2025-01.csv"]
    assert new_drop_files(listing, cursor)[0] == []
    reexported = {"employees_2025-01.csv": [120, 2]}
    assert new_drop_files(reexported, cursor)[0] == ["employees_2025-01.csv"]


def test_same_drop_same_run_key_different_drop_different_key():
    a = {"x.csv": [1, 1]}
    b = {"x.csv": [1, 2]}
    assert run_key_for(a, ["x.csv"]) == run_key_for(dict(a), ["x.csv"])
    assert run_key_for(a, ["x.csv"]) != run_key_for(b, ["x.csv"])


def test_partial_uploads_and_lock_files_are_not_ingested(tmp_path):
    (tmp_path / "payroll.xlsx").write_bytes(b"x")
    (tmp_path / "~$payroll.xlsx").write_bytes(b"x")
    (tmp_path / ".payroll.csv.part").write_bytes(b"x")
    (tmp_path / "notes.pdf").write_bytes(b"x")
    assert list(list_drop_files(tmp_path)) == ["payroll.xlsx"]
    assert list_drop_files(tmp_path / "absent") == {}


def test_daily_tick_ingests_and_names_the_period_it_falls_in():
    # The ingest run is not partitioned; the rebuild that follows it takes the period tag.
    request = scheduled_run_request(datetime(2025, 3, 1, 2, 0))
    assert request.partition_key is None
    assert request.tags["yecai/period"] == "2025-03"
    assert scheduled_run_request(datetime(2025, 12, 31, 23, 59)).tags["yecai/period"] == "2025-12"


def _batch(status, read, landed, quarantined, batch="b1", watermark=None, message=""):
    return SimpleNamespace(
        batch_id=batch,
        status=status,
        rows_read=read,
        rows_landed=landed,
        rows_quarantined=quarantined,
        watermark=watermark,
        message=message,
    )


def test_batch_summary_adds_counts_and_collects_failures():
    summary = summarize_batches(
        [
            _batch("succeeded", 10, 8, 2, "b1", "2025-01-31"),
            _batch("failed", 0, 0, 0, "b2", None, "connection refused"),
        ]
    )
    assert (summary["rows_read"], summary["rows_landed"], summary["rows_quarantined"]) == (
        10,
        8,
        2,
    )
    assert summary["watermark"] == "2025-01-31"
    assert summary["failed"] == ["b2: connection refused"]


def _check(name, severity, success, keys=()):
    return SimpleNamespace(
        check=name,
        severity=severity,
        success=success,
        observed_value=None,
        unexpected_count=0 if success else 3,
        failing_keys=list(keys),
        error=None,
    )


def test_a_failed_blocking_check_fails_the_gate_and_a_warning_does_not():
    verdicts = verdicts_for(
        [
            _check("balanced", "blocking", False, [{"voucher": "JV1"}]),
            _check("not_null", "blocking", True),
            _check("late", "warning", False),
        ]
    )
    assert verdicts["blocking"].passed is False
    assert verdicts["blocking"].failed == ["balanced"]
    assert verdicts["blocking"].failing_keys == {"balanced": ["{'voucher': 'JV1'}"]}
    assert verdicts["warning"].passed is False and verdicts["warning"].total == 1


def test_no_checks_declared_passes_but_says_so():
    verdicts = verdicts_for([])
    assert verdicts["blocking"].passed and verdicts["blocking"].total == 0


def test_an_unknown_severity_is_treated_as_blocking():
    assert verdicts_for([_check("odd", "critical", False)])["blocking"].passed is False


def test_checked_tables_skip_staging_views_and_name_tables_as_analysts_do():
    import dagster as dg

    manifest = {
        "nodes": {
            "model.x.stg": {"resource_type": "model", "schema": "staging", "name": "stg_a"},
            "model.x.tb": {
                "resource_type": "model",
                "schema": "finance",
                "name": "tb",
                "alias": "trial_balance",
            },
            "seed.x.s": {"resource_type": "seed", "schema": "master_seeds", "name": "s"},
        }
    }
    tables = candidate_tables(
        [("erp", "customers")], manifest, lambda n: dg.AssetKey([n["schema"], n["name"]])
    )
    assert tables == {
        "raw.erp.customers": dg.AssetKey(["raw", "erp", "customers"]),
        "finance.trial_balance": dg.AssetKey(["finance", "tb"]),
    }


def test_run_outcome_names_failed_steps_and_failed_checks():
    outcome = fold_outcome(
        "r1",
        "yecai_pipeline",
        False,
        [
            StepEvent("succeeded", "raw__erp__customers"),
            StepEvent("failed", "dbt_models", "Compilation Error"),
            StepEvent("check_failed", "finance/gl_lines:blocking_rules", "severity ERROR"),
            StepEvent("skipped", "warehouse__published"),
        ],
    )
    assert outcome.steps_failed == {"dbt_models": "Compilation Error"}
    assert outcome.checks_failed == {"finance/gl_lines:blocking_rules": "severity ERROR"}
    assert outcome.steps_skipped == ["warehouse__published"]
