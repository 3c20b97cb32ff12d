"""What a run shows while it runs: one updating line, not one line per check.

On a terminal a status line says "step k of n", the step running and the checks done so far;
each finished step leaves one line. In a log (stdout not a terminal: CI, a pipe) the status
line is not drawn, so only the finished steps' lines appear: short either way. With
``--verbose`` every event is printed as it happens, checks included. The wording is pure
(``status_line``, ``step_line``); ``RunProgress`` only counts and prints.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from rich.console import Console
from rich.markup import escape

ICONS = {
    "started": "[cyan]▶[/]",
    "succeeded": "[green]✔[/]",
    "failed": "[bold red]✘[/]",
    "skipped": "[yellow]↷[/]",
    "check_failed": "[bold red]✘ check[/]",
    "check_passed": "[green]✔ check[/]",
    "warning": "[yellow]warning[/]",
    "waiting": "[yellow]waiting[/]",
}
FINISHED = ("succeeded", "failed", "skipped")
# Events about the run itself (orchestration.runner): printed even without --verbose.
ABOUT_THE_RUN = ("warning", "waiting")
# A tag unique to one invocation, so the progress display finds its own run's plan.
PROGRESS_TAG = "yecai/progress"


@dataclass
class Tally:
    steps_done: int = 0
    steps_total: int | None = None  # known once the run's plan is stored
    current: str = ""
    checks_passed: int = 0
    checks_failed: int = 0
    started_at: dict[str, float] = field(default_factory=dict)


def status_line(job_name: str, tally: Tally) -> str:
    """The one updating line (pure)."""
    of = f" of {tally.steps_total}" if tally.steps_total else ""
    step = min(tally.steps_done + 1, tally.steps_total or tally.steps_done + 1)
    checks = tally.checks_passed + tally.checks_failed
    failed = f" ({tally.checks_failed} failed)" if tally.checks_failed else ""
    current = f": {tally.current}" if tally.current else ""
    return f"{job_name} · step {step}{of}{current} · {checks} checks done{failed}"


def step_line(kind: str, step: str, seconds: float | None, message: str = "") -> str:
    """The line a finished step leaves (pure; rich markup, the step's text escaped)."""
    took = f" ({seconds:.0f} s)" if seconds is not None and kind == "succeeded" else ""
    line = f"{ICONS.get(kind, kind)} {escape(step)}{took}"
    if message:
        first = message.splitlines()[0]
        line += f" — {escape(first if len(first) <= 160 else first[:159] + '…')}"
    return line


def event_line(event) -> str:
    """Every event as one line, as ``--verbose`` prints them (pure)."""
    line = f"{ICONS.get(event.kind, event.kind)} {escape(event.step)}"
    if event.message:
        line += f" — {escape(event.message.splitlines()[0][:200])}"
    return line


class RunProgress:
    """Counts a run's events and shows them; ``on_event`` is the runner's callback."""

    def __init__(self, console: Console, job_name: str, verbose: bool, status, plan_size):
        self.console = console
        self.job_name = job_name
        self.verbose = verbose
        self.status = status  # rich Status (a no-op off a terminal)
        self.plan_size = plan_size  # () -> number of steps in the run's plan, or None
        self.tally = Tally()

    def on_event(self, event) -> None:
        t = self.tally
        if self.verbose:
            self.console.print(event_line(event), highlight=False)
        if event.kind == "started":
            t.current = event.step
            t.started_at[event.step] = time.monotonic()
            if t.steps_total is None:
                t.steps_total = self.plan_size()
        elif event.kind in FINISHED:
            t.steps_done += 1
            began = t.started_at.pop(event.step, None)
            if not self.verbose:
                took = time.monotonic() - began if began is not None else None
                self.console.print(
                    step_line(event.kind, event.step, took, event.message),
                    highlight=False,
                    soft_wrap=True,
                )
            if t.current == event.step:
                t.current = next(iter(t.started_at), "")
        elif event.kind == "check_passed":
            t.checks_passed += 1
        elif event.kind == "check_failed":
            t.checks_failed += 1
        elif event.kind in ABOUT_THE_RUN and not self.verbose:
            # an abandoned run cleaned up, a wait for the warehouse: always said, once
            self.console.print(event_line(event), highlight=False, soft_wrap=True)
        self.status.update(status_line(self.job_name, t))
