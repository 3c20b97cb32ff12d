"""A run shows one updating line and a line per finished step, never a line per check."""

import io

import dagster as dg
import pytest
from rich.console import Console

from orchestration.run_progress import Tally, status_line, step_line

pytestmark = pytest.mark.unit


def _defs() -> dg.Definitions:
    @dg.asset
    def first() -> None:
        return None

    @dg.asset(deps=[first])
    def second() -> None:
        return None

    checks = [dg.AssetCheckSpec(f"rule_{i}", asset="second") for i in range(6)]

    @dg.multi_asset_check(specs=checks)
    def second_rules():
        for i, spec in enumerate(checks):
            yield dg.AssetCheckResult(
                asset_key=spec.asset_key,
                check_name=spec.name,
                passed=i != 0,
                severity=dg.AssetCheckSeverity.WARN,
            )

    return dg.Definitions(
        assets=[first, second], asset_checks=[second_rules], jobs=[dg.define_asset_job("steps")]
    )


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.delenv("YECAI_DAGSTER_PG_URL", raising=False)
    monkeypatch.setenv("YECAI_HOME", str(tmp_path))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster"))
    return tmp_path


def _run(verbose: bool) -> tuple[str, object]:
    from orchestration.commands.pipeline_cmd import _run_and_report

    out = io.StringIO()
    console = Console(file=out, width=120)  # a file, not a terminal: the CI log case
    outcome = _run_and_report("steps", None, {}, console, verbose, definitions=_defs())
    return out.getvalue(), outcome


def test_a_log_gets_a_line_per_finished_step_and_none_per_check(home):
    text, outcome = _run(verbose=False)
    lines = text.splitlines()
    assert outcome.success
    assert [line.split(" (")[0] for line in lines] == ["✔ first", "✔ second", "✔ second_rules"]
    assert "check" not in text


def test_verbose_prints_every_check_as_today(home):
    text, _ = _run(verbose=True)
    assert text.count("✔ check second:rule_") == 5
    assert "✘ check second:rule_0 — severity WARN" in text


def test_the_status_line_counts_steps_of_the_plan_and_checks(home, monkeypatch):
    from orchestration.run_progress import RunProgress

    shown: list[str] = []

    class Recorder:  # the terminal's status line, kept as text
        def update(self, text: str) -> None:
            shown.append(text)

    def recording(console, job_name, verbose, status, plan_size):
        return RunProgress(console, job_name, verbose, Recorder(), plan_size)

    monkeypatch.setattr("orchestration.run_progress.RunProgress", recording)
    _run(verbose=False)
    # The plan's size is read from the run Dagster stored: "of 3" from the first step on.
    assert "steps · step 1 of 3: first · 0 checks done" in shown
    assert shown[-1] == "steps · step 3 of 3 · 6 checks done (1 failed)"


def test_status_and_step_wording():
    tally = Tally(steps_done=2, steps_total=5, current="dbt_models", checks_passed=9)
    tally.checks_failed = 1
    assert status_line("yecai_pipeline", tally) == (
        "yecai_pipeline · step 3 of 5: dbt_models · 10 checks done (1 failed)"
    )
    assert status_line("x", Tally()) == "x · step 1 · 0 checks done"
    assert step_line("succeeded", "dbt_models", 84.4) == "[green]✔[/] dbt_models (84 s)"
    assert step_line("failed", "a[b]", 3, "boom\nmore") == "[bold red]✘[/] a\\[b] — boom"
