"""Incremental runs after the ERP moves on, and recovery after an extraction is killed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from demo.defects import DefectLog
from demo.erp.advance import advance_erp
from demo.install import install_company
from demo.sqlio import parse_target
from ingestion.batches import read_batch_records
from ingestion.lake import MANIFEST
from ingestion.runner import ingest
from tests.shared.demo_home import generate_demo_company
from yecai.settings import REPO_ROOT, Paths

pytestmark = pytest.mark.integration


def lake_state(paths: Paths, entity: str) -> dict[str, str]:
    """Live records of an entity: _source_pk → _row_hash of its latest version."""
    glob = paths.raw / "erp" / entity / "batch=*" / "*.parquet"
    rows = duckdb.sql(
        f"""select _source_pk, _row_hash, _is_deleted from read_parquet('{glob}',
            hive_partitioning = false, union_by_name = true)
            qualify row_number() over (partition by _source_pk order by _batch_id desc) = 1"""
    ).fetchall()
    return {pk: h for pk, h, deleted in rows if not deleted}


def landed_versions(paths: Paths, entity: str) -> list[tuple[str, str, bool]]:
    glob = paths.raw / "erp" / entity / "batch=*" / "*.parquet"
    return duckdb.sql(
        f"select _source_pk, _row_hash, _is_deleted from read_parquet('{glob}', "
        "hive_partitioning = false, union_by_name = true)"
    ).fetchall()


def reference_state(tmp_path: Path, erp_sqlite: Path, monkeypatch) -> Paths:
    """A clean, single full ingest of the same source into a fresh lake."""
    ref = Paths(home=tmp_path / f"ref-{time.monotonic_ns()}")
    install_company(ref.home)
    monkeypatch.setenv("YECAI_ERP_URL", f"sqlite:///{erp_sqlite}")
    assert {r.status for r in ingest(ref, source="erp")} == {"succeeded"}
    return ref


def entities(paths: Paths) -> list[str]:
    return sorted(p.name for p in (paths.raw / "erp").iterdir())


def test_second_run_picks_up_new_changed_and_deleted_rows_once(tmp_path, monkeypatch):
    paths = Paths(home=tmp_path / "home")
    generate_demo_company(paths, seed=3, scale=0.01)
    erp = paths.demo / "erp.sqlite"
    monkeypatch.setenv("YECAI_ERP_URL", f"sqlite:///{erp}")
    ingest(paths, source="erp")
    first = {e: lake_state(paths, e) for e in entities(paths)}

    log = DefectLog()
    advance_erp(parse_target(erp), 20, log)
    second = ingest(paths, source="erp")
    assert {r.status for r in second} <= {"succeeded", "no_change"}
    kinds = {d.kind for d in log.entries}
    assert {"new_record", "changed_record", "deleted_record"} <= kinds

    current = {e: lake_state(paths, e) for e in entities(paths)}
    for d in log.entries:
        now = current[d.entity]
        if d.kind == "new_record":
            assert d.key in now and d.key not in first[d.entity], d
        elif d.kind == "changed_record":
            assert now[d.key] != first[d.entity][d.key], d
        elif d.kind == "deleted_record":
            assert d.key not in now and d.key in first[d.entity], d

    # The lake's current state is exactly what one clean full load of the source gives,
    # and no version of any row was landed twice.
    ref = reference_state(tmp_path, erp, monkeypatch)
    for entity in entities(ref):
        assert lake_state(paths, entity) == lake_state(ref, entity), entity
        versions = landed_versions(paths, entity)
        assert len(versions) == len(set(versions)), entity
    assert {r.status for r in ingest(paths, source="erp")} == {"no_change"}


KILL_SCRIPT = """
import sys
from ingestion.runner import ingest
from yecai.settings import get_paths
ingest(get_paths(), source="erp")
"""


def test_killed_extraction_recovers_with_no_partial_batch_and_nothing_lost(tmp_path, monkeypatch):
    paths = Paths(home=tmp_path / "home")
    generate_demo_company(paths, seed=4, scale=0.01)
    erp = paths.demo / "erp.sqlite"
    env = {**os.environ, "YECAI_HOME": str(paths.home), "YECAI_ERP_URL": f"sqlite:///{erp}"}
    proc = subprocess.Popen([sys.executable, "-c", KILL_SCRIPT], env=env, cwd=REPO_ROOT)
    staging = paths.lake_meta / "tmp"
    deadline = time.monotonic() + 60
    killed_mid_batch = False
    while time.monotonic() < deadline and proc.poll() is None:
        done = (
            len(list((paths.lake_meta / "batches").glob("*.json")))
            if paths.lake_meta.exists()
            else 0
        )
        if done >= 5 and staging.is_dir() and any(staging.iterdir()):
            os.kill(proc.pid, signal.SIGKILL)
            killed_mid_batch = True
            break
        time.sleep(0.005)
    proc.wait(timeout=30)
    assert killed_mid_batch, "the extraction finished before it could be killed"
    assert any(staging.iterdir())  # it really died half-way through a batch

    monkeypatch.setenv("YECAI_ERP_URL", f"sqlite:///{erp}")
    results = ingest(paths, source="erp")
    assert {r.status for r in results} <= {"succeeded", "no_change"}
    assert list(staging.iterdir()) == []
    records = {r["batch_id"] for r in read_batch_records(paths)}
    for entity in entities(paths):
        for batch in (paths.raw / "erp" / entity).iterdir():
            assert (batch / MANIFEST).is_file()  # no half batch is visible
            assert batch.name.removeprefix("batch=") in records
    ref = reference_state(tmp_path, erp, monkeypatch)
    assert entities(paths) == entities(ref)
    for entity in entities(ref):
        assert lake_state(paths, entity) == lake_state(ref, entity), entity  # nothing lost
        versions = landed_versions(paths, entity)
        assert len(versions) == len(set(versions)), entity  # nothing doubled
