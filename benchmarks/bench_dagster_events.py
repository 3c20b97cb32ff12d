"""What storing one Dagster event costs: Dagster's SQLite event log against yecai's.

Stores the same asset materializations (each mirrored into the cross-run index, as a run's
are) into a fresh Dagster ``SqliteEventLogStorage`` and a fresh
``orchestration.dagster_sqlite.PooledSqliteEventLogStorage``, alternating, and prints wall and
CPU seconds per event (the median of the repeats).

    uv run python benchmarks/bench_dagster_events.py [--events 300] [--repeats 3]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time

import dagster as dg
from dagster._core.events import DagsterEvent, DagsterEventType, StepMaterializationData
from dagster._core.events.log import EventLogEntry
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage

from orchestration.dagster_sqlite import PooledSqliteEventLogStorage


def materialization(n: int, run_id: str) -> EventLogEntry:
    event = DagsterEvent(
        DagsterEventType.ASSET_MATERIALIZATION.value,
        "bench_job",
        event_specific_data=StepMaterializationData(
            dg.AssetMaterialization(asset_key=f"asset_{n % 50}")
        ),
    )
    return EventLogEntry(
        error_info=None,
        level=20,
        user_message="",
        run_id=run_id,
        timestamp=time.time(),
        dagster_event=event,
        job_name="bench_job",
    )


def store(storage_class, events: int) -> tuple[float, float]:
    storage = storage_class(tempfile.mkdtemp(prefix="bench-events-"))
    entries = [materialization(n, "bench-run") for n in range(events)]
    wall, cpu = time.perf_counter(), time.process_time()
    for entry in entries:
        storage.store_event(entry)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    storage.dispose()
    return wall, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=300, help="events per storage and repeat")
    parser.add_argument("--repeats", type=int, default=3, help="repeats (median reported)")
    args = parser.parse_args()
    results: dict[str, list[tuple[float, float]]] = {"dagster": [], "yecai": []}
    for _ in range(args.repeats):
        results["dagster"].append(store(SqliteEventLogStorage, args.events))
        results["yecai"].append(store(PooledSqliteEventLogStorage, args.events))
    print(f"{args.events} asset materializations, median of {args.repeats}")
    print(f"{'event log':<10} {'wall s':>8} {'CPU s':>8} {'ms/event':>9}")
    for name, runs in results.items():
        wall = statistics.median(w for w, _ in runs)
        cpu = statistics.median(c for _, c in runs)
        print(f"{name:<10} {wall:8.2f} {cpu:8.2f} {1000 * wall / args.events:9.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
