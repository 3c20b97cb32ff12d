"""`run_job` reports each step while the run goes on, and a broken progress display cannot fail it."""

import time

import dagster as dg
import pytest

from orchestration.runner import run_job
from yecai.settings import Paths

pytestmark = pytest.mark.unit


def _defs(
    seen_while_running: list[list[str]], progress: list[str], wait: bool = True
) -> dg.Definitions:
    @dg.asset
    def first() -> None:
        return None

    @dg.asset(deps=[first])
    def second() -> None:
        # The run is still going: the caller hears of the first step meanwhile.
        deadline = time.monotonic() + 10
        while wait and "succeeded first" not in progress and time.monotonic() < deadline:
            time.sleep(0.05)
        seen_while_running.append(list(progress))

    return dg.Definitions(assets=[first, second], jobs=[dg.define_asset_job("two_steps")])


def test_steps_are_reported_as_they_happen(tmp_path, monkeypatch):
    monkeypatch.delenv("YECAI_DAGSTER_PG_URL", raising=False)
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))  # run_job points it here; restored after
    progress: list[str] = []
    seen_while_running: list[list[str]] = []
    outcome = run_job(
        Paths(home=tmp_path),
        "two_steps",
        definitions=_defs(seen_while_running, progress),
        on_event=lambda e: progress.append(f"{e.kind} {e.step}"),
    )
    assert outcome.success
    assert outcome.steps_succeeded == ["first", "second"]
    assert seen_while_running[0][:2] == ["started first", "succeeded first"]
    assert progress[-1] == "succeeded second"


def test_a_failing_progress_callback_does_not_fail_the_run(tmp_path, monkeypatch):
    monkeypatch.delenv("YECAI_DAGSTER_PG_URL", raising=False)
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))  # run_job points it here; restored after

    def broken(event) -> None:
        raise RuntimeError("terminal went away")

    outcome = run_job(
        Paths(home=tmp_path), "two_steps", definitions=_defs([], [], wait=False), on_event=broken
    )
    assert outcome.success
    assert outcome.steps_succeeded == ["first", "second"]
