"""Backfilling fiscal periods rebuilds those partitions and leaves every other period alone."""

import os
import subprocess
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from yecai.settings import REPO_ROOT, get_paths

pytestmark = pytest.mark.integration

PERIOD_ASSET = dg.AssetKey(["finance", "period_revenue"])


def _materialized_partitions(instance) -> Counter:
    records = instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=PERIOD_ASSET), limit=1000
    ).records
    return Counter(r.asset_materialization.partition for r in records)


def _warehouse_rows(paths):
    with duckdb.connect(str(paths.build_db), read_only=True) as con:
        return {
            period: (revenue, currency, built_at)
            for period, revenue, currency, built_at in con.execute(
                "select period, revenue, currency, built_at from finance.period_revenue"
            ).fetchall()
        }


def test_backfill_two_periods_then_rebuild_one(yecai_home, fixture_defs):
    paths = get_paths()
    yecai = Path(sys.executable).parent / "yecai"
    done = subprocess.run(
        [str(yecai), "backfill", "--from", "2025-01", "--to", "2025-02", "--no-publish"],
        cwd=REPO_ROOT,
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
    assert "rebuild_periods succeeded" in done.stdout

    from orchestration.instance import get_instance

    instance = get_instance(paths)
    assert _materialized_partitions(instance) == Counter({"2025-01": 1, "2025-02": 1})
    rows = _warehouse_rows(paths)
    assert set(rows) == {"2025-01", "2025-02"}
    assert rows["2025-02"][:2] == (Decimal("200.00"), "CNY")
    # The whole-history model built on the periods was refreshed in the same run.
    with duckdb.connect(str(paths.build_db), read_only=True) as con:
        total = con.execute("select revenue, periods from finance.revenue_total").fetchone()
    assert total == (Decimal("300.00"), 2)

    # Rebuild February only: January's partition and its row stay as they were.
    from orchestration.defs.pipeline.jobs import PERIOD_JOB
    from orchestration.runner import run_job

    outcome = run_job(
        paths,
        PERIOD_JOB,
        period_range=("2025-02", "2025-02"),
        definitions=fixture_defs,
        asset_selection=[PERIOD_ASSET],
    )
    assert outcome.success, outcome.steps_failed
    assert _materialized_partitions(instance) == Counter({"2025-01": 1, "2025-02": 2})
    after = _warehouse_rows(paths)
    assert after["2025-01"] == rows["2025-01"]
    assert after["2025-02"][2] > rows["2025-02"][2]


def test_backfill_with_a_reversed_range_says_what_to_do(yecai_home):
    yecai = Path(sys.executable).parent / "yecai"
    done = subprocess.run(
        [str(yecai), "backfill", "--from", "2025-03", "--to", "2025-01"],
        cwd=REPO_ROOT,
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 2
    assert "comes after" in done.stderr and "what to do" in done.stderr
    assert "Traceback" not in done.stderr
