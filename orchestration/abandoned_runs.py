"""Runs left ``STARTED`` by a process that no longer exists are failed, and their slots freed.

A run executed in process (``yecai run``, ``yecai backfill``) records which process runs it in
its tags: host, pid and the process's start time (a pid alone is reused). When that process is
killed, nothing tells Dagster: the run stays ``STARTED`` and keeps its slot in the
``warehouse`` pool, so every later run waits for it forever. Before each run starts, the runs
whose recorded process is gone are marked failed and their slots freed; so are the slots of
runs that already finished (freed by the daemon when one runs, never by a headless run).

Runs without these tags (launched by the daemon or the UI) are left to Dagster's own run
monitoring; runs recorded on another host are left alone, as their process cannot be seen.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from pathlib import Path

HOST_TAG = "yecai/host"
PID_TAG = "yecai/pid"
PID_START_TAG = "yecai/pid_start"


def process_start_ticks(pid: int) -> str | None:
    """When process ``pid`` started (clock ticks since boot, /proc/<pid>/stat field 22);
    None when there is no such process."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    # The command name (field 2) may hold spaces and parentheses: count after its last ")".
    return stat.rsplit(")", 1)[1].split()[19]


def process_tags() -> dict[str, str]:
    """The tags that name this process, for a run it executes."""
    pid = os.getpid()
    return {
        HOST_TAG: socket.gethostname(),
        PID_TAG: str(pid),
        PID_START_TAG: process_start_ticks(pid) or "",
    }


def recorded_process_is_gone(tags: dict[str, str], host: str) -> bool:
    """Whether the process a run's tags name has exited (False when it cannot be known)."""
    if tags.get(HOST_TAG) != host or not tags.get(PID_TAG, "").isdigit():
        return False
    return process_start_ticks(int(tags[PID_TAG])) != tags.get(PID_START_TAG)


@dataclass(frozen=True)
class AbandonedRun:
    run_id: str
    job_name: str
    pid: str

    def message(self) -> str:
        return (
            f"run {self.run_id} ({self.job_name}) was left STARTED by process {self.pid}, "
            "which no longer exists: marked failed and its warehouse slot freed"
        )


def fail_abandoned_runs(instance) -> list[AbandonedRun]:
    """Mark failed every unfinished run whose process is gone; free slots no live run holds."""
    import dagster as dg
    from dagster._core.storage.dagster_run import FINISHED_STATUSES, NOT_FINISHED_STATUSES

    host = socket.gethostname()
    storage = instance.event_log_storage
    abandoned = []
    unfinished = instance.get_runs(
        dg.RunsFilter(statuses=NOT_FINISHED_STATUSES, tags={HOST_TAG: host})
    )
    for run in unfinished:
        if not recorded_process_is_gone(run.tags, host):
            continue
        gone = AbandonedRun(run.run_id, run.job_name, run.tags.get(PID_TAG, "?"))
        instance.report_run_failed(run, gone.message())
        if storage.supports_global_concurrency_limits:
            # What Dagster's own daemon calls for a finished run's slots
            # (dagster/_daemon/monitoring/concurrency.py): frees claimed slots and queued claims.
            storage.free_concurrency_slots_for_run(run.run_id)
        abandoned.append(gone)
    if storage.supports_global_concurrency_limits:
        holders = storage.get_concurrency_run_ids()
        if holders:
            finished = instance.get_runs(
                dg.RunsFilter(run_ids=list(holders), statuses=FINISHED_STATUSES)
            )
            for run in finished:
                storage.free_concurrency_slots_for_run(run.run_id)
    return abandoned
