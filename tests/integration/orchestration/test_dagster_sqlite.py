"""The installation's Dagster storage: Dagster's SQLite files, an event log that keeps its
connections (orchestration/dagster_sqlite.py)."""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg
import pytest
import yaml

from orchestration.dagster_sqlite import OPEN_DATABASES, PooledSqliteEventLogStorage

pytestmark = pytest.mark.integration


@dg.asset
def ledger_asset() -> None:
    """A one-step job whose run stores a materialization."""


def _instance(home: Path, storage: dict) -> dg.DagsterInstance:
    home.mkdir(parents=True, exist_ok=True)
    (home / "dagster.yaml").write_text(yaml.safe_dump({"storage": storage}), encoding="utf-8")
    return dg.DagsterInstance.from_config(str(home))


def _yecai(home: Path) -> dg.DagsterInstance:
    from orchestration.instance import instance_config
    from yecai.settings import Paths

    config = instance_config(Paths(home=home), use_postgres=False)
    return _instance(home / "dagster", config["storage"])


def _stock(home: Path) -> dg.DagsterInstance:
    return _instance(home / "dagster", {"sqlite": {"base_dir": str(home / "dagster" / "storage")}})


def _run(instance: dg.DagsterInstance) -> str:
    result = dg.materialize([ledger_asset], instance=instance)
    assert result.success
    return result.run_id


def test_history_carries_over_to_and_from_dagsters_own_sqlite_storage(tmp_path):
    yecai = _yecai(tmp_path)
    assert isinstance(yecai.event_log_storage, PooledSqliteEventLogStorage)
    first = _run(yecai)
    stock = _stock(tmp_path)
    assert type(stock.event_log_storage).__name__ == "SqliteEventLogStorage"
    event = stock.get_latest_materialization_event(dg.AssetKey("ledger_asset"))
    assert event is not None and event.run_id == first
    assert stock.get_run_by_id(first).is_success
    second = _run(stock)
    again = _yecai(tmp_path)
    latest = again.get_latest_materialization_event(dg.AssetKey("ledger_asset"))
    assert latest is not None and latest.run_id == second
    assert {r.run_id for r in again.get_runs()} == {first, second}


def test_another_process_sees_each_event_as_soon_as_it_is_stored(tmp_path):
    """Kept connections must not read an old snapshot: a reader that already read the index
    (the webserver, a sensor) sees the next run's events."""
    writer, reader = _yecai(tmp_path), _yecai(tmp_path)
    key = dg.AssetKey("ledger_asset")
    assert reader.get_latest_materialization_event(key) is None
    for _ in range(2):
        run_id = _run(writer)
        assert reader.get_latest_materialization_event(key).run_id == run_id
        assert len(reader.all_logs(run_id)) == len(writer.all_logs(run_id))


def _open_database_files(directory: Path) -> set[str]:
    names = set()
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target.startswith(str(directory)) and target.endswith(".db"):
            names.add(Path(target).name)
    return names


def test_only_the_last_few_databases_stay_open_and_they_sync_normally(tmp_path):
    instance = _yecai(tmp_path)
    runs = [_run(instance) for _ in range(OPEN_DATABASES + 4)]
    storage = instance.event_log_storage
    directory = Path(storage._base_dir)
    open_now = _open_database_files(directory)
    assert 0 < len(open_now) <= OPEN_DATABASES
    assert f"{runs[0]}.db" not in open_now  # the oldest run's database was closed
    assert f"{runs[-1]}.db" in open_now
    with storage.run_connection(runs[-1]) as conn:
        # 1 = NORMAL (Dagster's own connections use the default, 2 = FULL)
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    # every run's events are still there, closed database or open
    for run_id in runs:
        assert instance.get_run_by_id(run_id).is_success
        assert any(
            e.dagster_event and e.dagster_event.is_step_success for e in instance.all_logs(run_id)
        )
    storage.dispose()
    assert not _open_database_files(directory)
