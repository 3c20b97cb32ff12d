"""The whole graph on the demo company: `yecai run` ingests, builds, gates and publishes."""

import csv
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import httpx
import pytest

from yecai.settings import REPO_ROOT, get_paths

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

YECAI = Path(sys.executable).parent / "yecai"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _yecai(*args: str, timeout: int = 1800) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(YECAI), *args],
        cwd=REPO_ROOT,
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture
def demo_company(tmp_path, monkeypatch):
    home = tmp_path / "home"
    monkeypatch.setenv("YECAI_HOME", str(home))
    monkeypatch.delenv("YECAI_DBT_PROJECT_DIR", raising=False)
    monkeypatch.delenv("YECAI_DAGSTER_PG_URL", raising=False)
    monkeypatch.setenv("YECAI_FIRST_PERIOD", "2025-01")
    done = _yecai("demo", "generate", "--seed", "42", "--scale", "0.01", timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]

    port = _free_port()
    token = "e2e-token"
    monkeypatch.setenv("YECAI_CRM_URL", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("YECAI_CRM_TOKEN", token)
    crm = subprocess.Popen(
        [str(YECAI), "demo", "crm-serve", "--port", str(port), "--token", token],
        cwd=REPO_ROOT,
        env=dict(os.environ),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(120):
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        yield get_paths()
    finally:
        crm.terminate()
        crm.wait(timeout=30)


def test_yecai_run_materializes_the_whole_graph_on_the_demo(demo_company):
    paths = demo_company
    done = _yecai("run", "--from", "2025-01", "--to", "2025-12")
    assert done.returncode == 0, (done.stdout + done.stderr)[-4000:]
    assert "yecai_pipeline succeeded" in done.stdout

    # Published: analysts have a warehouse, and the scorecard was written after the run.
    assert paths.published_db.exists()
    assert any(paths.reports.rglob("*")), "no report was written"

    from ingestion.catalog import list_entities
    from orchestration.instance import get_instance

    instance = get_instance(paths)
    run = instance.get_runs(dg.RunsFilter(job_name="yecai_pipeline"), limit=1)[0]
    assert run.status == dg.DagsterRunStatus.SUCCESS
    materialized = {
        tuple(e.dagster_event.asset_key.path[1:3]): (
            e.dagster_event.event_specific_data.materialization
        )
        for e in instance.all_logs(run.run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION)
        if e.dagster_event.asset_key.path[0] == "raw"
    }
    # Every raw entity ran, and its counts balance: rows in = landed + quarantined.
    for source, entity in list_entities(paths):
        found = materialized.get((source, entity))
        meta = found.metadata if found is not None else None
        assert meta is not None, f"raw/{source}/{entity} was not materialized"
        read = meta["rows_read"].value
        assert read == meta["rows_landed"].value + meta["rows_quarantined"].value

    # Every entity the demo's defect log names was ingested by this run (ground truth).
    with (paths.demo / "ground_truth.csv").open(encoding="utf-8") as handle:
        defect_entities = {(r["system"], r["entity"]) for r in csv.DictReader(handle)}
    raw_entities = set(list_entities(paths))
    named = defect_entities & raw_entities
    assert named, "the defect log names no raw entity"
    assert named <= set(materialized)

    # The dbt models and the publish step ran in the same run.
    keys = {
        tuple(e.dagster_event.asset_key.path)
        for e in instance.all_logs(run.run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION)
    }
    assert ("warehouse", "published") in keys
    assert ("finance", "trial_balance") in keys
