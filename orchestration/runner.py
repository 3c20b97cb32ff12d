"""Run a yecai job headless, in this process, against the installation's Dagster instance.

``yecai run``, ``yecai backfill`` and the benchmark use this; the run is recorded in the same
instance the UI shows, so a headless run appears under Runs like a scheduled one.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import re
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from orchestration.signals import take_back_an_ignored_sigterm
from yecai.errors import YecaiError
from yecai.settings import Paths

RANGE_START_TAG = "dagster/asset_partition_range_start"
RANGE_END_TAG = "dagster/asset_partition_range_end"


@dataclass
class StepEvent:
    """One thing worth showing while a run progresses."""

    # started | succeeded | failed | skipped | check_failed | check_passed; and notices
    # about the run, not a step, with the whole line in ``step``: warning | waiting
    kind: str
    step: str
    message: str = ""


@dataclass
class RunOutcome:
    run_id: str
    job_name: str
    success: bool
    steps_succeeded: list[str] = field(default_factory=list)
    steps_failed: dict[str, str] = field(default_factory=dict)
    steps_skipped: list[str] = field(default_factory=list)
    checks_failed: dict[str, str] = field(default_factory=dict)


def partition_tags(period_range: tuple[str, str] | None) -> dict[str, str]:
    """Run tags that make one run cover fiscal periods ``first..last`` (pure)."""
    if period_range is None:
        return {}
    first, last = period_range
    return {RANGE_START_TAG: first, RANGE_END_TAG: last}


def root_cause_message(error) -> str:
    """The innermost error's message: the user's error, not Dagster's wrapper around it."""
    while getattr(error, "cause", None) is not None:
        error = error.cause
    message = (getattr(error, "message", "") or "").strip()
    # "dagster._core.definitions.events.Failure: not published…" → "not published…"
    return re.sub(r"^[\w.]+(Error|Exception|Failure): ", "", message)


def interpret_event(event) -> StepEvent | None:
    """Turn a Dagster event-log entry into a progress event (None for the noise)."""
    dagster_event = getattr(event, "dagster_event", None)
    if dagster_event is None:
        return None
    kind = dagster_event.event_type_value
    step = dagster_event.step_key or ""
    if kind == "STEP_START":
        return StepEvent("started", step)
    if kind == "STEP_SUCCESS":
        return StepEvent("succeeded", step)
    if kind == "STEP_SKIPPED":
        return StepEvent("skipped", step)
    if kind == "STEP_FAILURE":
        error = getattr(dagster_event.event_specific_data, "error", None)
        message = root_cause_message(error) if error is not None else dagster_event.message or ""
        return StepEvent("failed", step, message)
    if kind == "ASSET_CHECK_EVALUATION":
        evaluation = dagster_event.event_specific_data
        name = f"{evaluation.asset_key.to_user_string()}:{evaluation.check_name}"
        if evaluation.passed:
            return StepEvent("check_passed", name)
        severity = getattr(evaluation.severity, "value", str(evaluation.severity))
        return StepEvent("check_failed", name, f"severity {severity}")
    return None


def fold_outcome(run_id: str, job_name: str, success: bool, events: list[StepEvent]) -> RunOutcome:
    """Summarise a run's progress events into its outcome (pure)."""
    outcome = RunOutcome(run_id=run_id, job_name=job_name, success=success)
    for ev in events:
        if ev.kind == "succeeded":
            outcome.steps_succeeded.append(ev.step)
        elif ev.kind == "failed":
            outcome.steps_failed[ev.step] = ev.message
        elif ev.kind == "skipped":
            outcome.steps_skipped.append(ev.step)
        elif ev.kind == "check_failed":
            outcome.checks_failed[ev.step] = ev.message
    return outcome


def load_definitions():
    """The code location's Definitions (imported lazily: loading runs the dbt manifest check)."""
    from orchestration.definitions import defs

    return defs


def notify(on_event: Callable[[StepEvent], None] | None, event: StepEvent) -> None:
    """Show a notice about the run (not a step of it); logged when nobody displays events."""
    if on_event is None:
        logging.getLogger(__name__).warning("%s %s", event.kind, event.step)
        return
    try:
        on_event(event)
    except Exception:  # a progress display must never stop the run being reported
        logging.getLogger(__name__).exception("progress callback failed")


def run_job(
    paths: Paths,
    job_name: str,
    period_range: tuple[str, str] | None = None,
    tags: dict[str, str] | None = None,
    on_event: Callable[[StepEvent], None] | None = None,
    definitions=None,
    log_level: str = "WARNING",
    asset_selection: list | None = None,
    check_selection: list | None = None,
) -> RunOutcome:
    """Execute ``job_name`` in process and report its progress through ``on_event``.

    ``asset_selection`` (AssetKeys) runs only part of the job, with the checks of those assets;
    with ``check_selection`` (AssetCheckKeys) exactly those checks instead, which may include
    checks of assets the run does not materialize (the raw tables in the rebuild run).
    The run executes in a worker thread; the instance hands each of its events to a listener
    as soon as it is stored, and this thread reports them, so the caller sees steps start
    and finish as they happen.

    Before it starts, runs left unfinished by a process that is gone are failed and their
    warehouse slots freed (reported as a ``warning`` event); every child process of this one
    dies with it (``run_guard``); a wait for the warehouse is reported (``waiting``) and ends
    after ``YECAI_WAREHOUSE_WAIT_SECONDS`` with a YecaiError.
    """
    from orchestration.abandoned_runs import fail_abandoned_runs, process_tags
    from orchestration.instance import get_instance
    from orchestration.run_guard import guard_this_process
    from orchestration.warehouse_wait import WarehouseWait, wait_limit_seconds

    # First: loading the definitions may start `dbt deps`/`dbt parse`, which must die with us.
    guard_this_process()
    defs = definitions or load_definitions()
    try:
        job = defs.resolve_job_def(job_name)
    except Exception as exc:
        raise YecaiError(
            f"there is no job named {job_name!r} in the yecai definitions",
            "run `yecai ui` and look under Jobs for the names that exist",
        ) from exc
    if check_selection is not None:
        # execute_in_process takes assets only; subset the job to assets and checks first.
        job = job.get_subset(
            asset_selection=set(asset_selection or []), asset_check_selection=set(check_selection)
        )
        asset_selection = None
    if period_range is not None and job.partitions_def is None:
        period_range = None  # nothing in this job is per period: run it whole
    wait_limit = wait_limit_seconds()
    instance = get_instance(paths)
    for gone in fail_abandoned_runs(instance):
        notify(on_event, StepEvent("warning", gone.message()))
    run_id = str(uuid.uuid4())
    all_tags = {**partition_tags(period_range), **(tags or {}), **process_tags()}
    result_box: dict[str, object] = {}

    def execute() -> None:
        try:
            result_box["result"] = job.execute_in_process(
                # The console logger only echoes; the full log is in the instance either way.
                run_config={"loggers": {"console": {"config": {"log_level": log_level}}}},
                instance=instance,
                run_id=run_id,
                tags=all_tags,
                raise_on_error=False,
                asset_selection=asset_selection,
            )
        except BaseException as exc:  # surfaced to the caller below, with context
            result_box["error"] = exc

    seen: list[StepEvent] = []
    heard: queue.SimpleQueue = queue.SimpleQueue()

    def on_stored(entry) -> None:
        # Called by the instance in the run's thread right after each event is stored: only
        # hand the entry over, so the caller's display (rich prints ~10 ms a line) runs here,
        # beside the run, not in it. Polling the event log instead cost ~2 CPU s per
        # `yecai run` at scale 1.
        heard.put(entry)

    def report(entry) -> None:
        step_event = interpret_event(entry)
        if step_event is None:
            return
        seen.append(step_event)
        if on_event is not None:
            try:
                on_event(step_event)
            except Exception:  # a progress display must never stop the run being reported
                logging.getLogger(__name__).exception("progress callback failed")

    instance.add_event_listener(run_id, on_stored)
    wait = WarehouseWait(instance, run_id, wait_limit)
    # The job's steps start Dagster's compute-log tails, which it stops with SIGTERM.
    take_back_an_ignored_sigterm()
    worker = threading.Thread(target=execute, name=f"yecai-run-{job_name}", daemon=True)
    worker.start()
    while worker.is_alive() or not heard.empty():
        with contextlib.suppress(queue.Empty):
            report(heard.get(timeout=0.5))
        if worker.is_alive():
            waiting = wait.tick()  # raises once the wait exceeds the limit
            if waiting:
                notify(on_event, StepEvent("waiting", waiting))
    if "error" in result_box:
        error = result_box["error"]
        if isinstance(error, YecaiError):
            raise error
        raise YecaiError(
            f"the {job_name} run {run_id} could not start: {error}",
            "check the Dagster instance under YECAI_HOME/dagster (see `yecai info`)",
        ) from error  # type: ignore[misc]
    success = bool(result_box["result"].success)  # type: ignore[union-attr]
    return fold_outcome(run_id, job_name, success, seen)
