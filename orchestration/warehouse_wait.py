"""A run waiting for the ``warehouse`` pool says for whom it waits, and gives up in time.

Every warehouse writer is in one Dagster pool of one slot. A step that cannot claim the slot
waits in Dagster's queue without a word; this module reads the queue while a run is in
progress so the user sees "waiting for the warehouse: held by run X since …", and ends the
wait after ``YECAI_WAREHOUSE_WAIT_SECONDS`` (default 1800) with an error that says what to do.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from orchestration.defs.shared.policies import WAREHOUSE_POOL
from yecai.errors import YecaiError

WAIT_ENV = "YECAI_WAREHOUSE_WAIT_SECONDS"
DEFAULT_WAIT_SECONDS = 1800.0


def wait_limit_seconds(env: dict[str, str] | None = None) -> float:
    """How long a run may wait for the warehouse (``YECAI_WAREHOUSE_WAIT_SECONDS``)."""
    value = (os.environ if env is None else env).get(WAIT_ENV, "").strip()
    if not value:
        return DEFAULT_WAIT_SECONDS
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if seconds <= 0:
        raise YecaiError(
            f"{WAIT_ENV}={value!r} is not a number of seconds greater than 0",
            f"set {WAIT_ENV} to e.g. 1800, or unset it for the default",
        )
    return seconds


@dataclass(frozen=True)
class Holder:
    run_id: str
    job_name: str
    since: float | None  # the holding run's start time

    def describe(self) -> str:
        when = (
            datetime.fromtimestamp(self.since, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
            if self.since
            else "an unknown time"
        )
        return f"run {self.run_id} ({self.job_name}) since {when}"


def holders_if_waiting(instance, run_id: str) -> list[Holder] | None:
    """Who holds the warehouse while a step of ``run_id`` waits for it; None when none waits."""
    info = instance.event_log_storage.get_concurrency_info(WAREHOUSE_POOL)
    if not any(p.run_id == run_id and p.assigned_timestamp is None for p in info.pending_steps):
        return None
    holders = []
    # A slot is held by a claim, or by a queued step it was assigned to and not yet claimed.
    claimed = {c.run_id for c in info.claimed_slots}
    assigned = {p.run_id for p in info.pending_steps if p.assigned_timestamp is not None}
    for other in sorted((claimed | assigned) - {run_id}):
        record = instance.get_run_record_by_id(other)
        job = record.dagster_run.job_name if record else "unknown job"
        holders.append(Holder(other, job, record.start_time if record else None))
    return holders


def describe_holders(holders: list[Holder]) -> str:
    if not holders:
        return "held by no run Dagster knows of"
    return "held by " + ", ".join(h.describe() for h in holders)


class WarehouseWait:
    """Called every few seconds while a run is in progress; announces a wait once (and again
    when the holder changes) and raises after the limit."""

    def __init__(self, instance, run_id: str, limit_seconds: float, check_every: float = 2.0):
        self.instance = instance
        self.run_id = run_id
        self.limit_seconds = limit_seconds
        self.check_every = check_every
        self._next_check = 0.0
        self._waiting_since: float | None = None
        self._announced: list[Holder] | None = None

    def tick(self, now: float | None = None) -> str | None:
        """A line to show when the wait starts or its holder changes, else None."""
        now = time.monotonic() if now is None else now
        if now < self._next_check:
            return None
        self._next_check = now + self.check_every
        holders = holders_if_waiting(self.instance, self.run_id)
        if holders is None:
            self._waiting_since, self._announced = None, None
            return None
        if self._waiting_since is None:
            self._waiting_since = now
        if now - self._waiting_since >= self.limit_seconds:
            self.give_up(holders)
        if holders != self._announced:
            self._announced = holders
            return f"for the warehouse: {describe_holders(holders)}"
        return None

    def give_up(self, holders: list[Holder]) -> None:
        """Fail this run, withdraw its place in the queue, and say what to do."""
        message = (
            f"gave up after waiting {self.limit_seconds:.0f}s for the warehouse, "
            f"{describe_holders(holders)}"
        )
        run = self.instance.get_run_by_id(self.run_id)
        if run is not None:
            self.instance.report_run_failed(run, message)
        self.instance.event_log_storage.free_concurrency_slots_for_run(self.run_id)
        raise YecaiError(
            message,
            "let that run finish (`yecai ui` → Runs) and run again; if its process is gone, "
            f"the next run marks it failed. {WAIT_ENV} sets how long to wait",
        )
