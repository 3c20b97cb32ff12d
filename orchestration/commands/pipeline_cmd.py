"""``yecai run``, ``yecai backfill`` and ``yecai ui``: the pipeline through Dagster."""

from __future__ import annotations

import contextlib
import io
import os
import signal
import subprocess
import sys
from datetime import date
from pathlib import Path

import typer
from rich.console import Console

from yecai.errors import YecaiError
from yecai.settings import REPO_ROOT, get_paths

FAILURE_LINES = 8  # of a failed step's message; the rest is in Dagster's run log
VERBOSE_HELP = "Also print Dagster's own log lines (they are always kept in the instance)."


def _quiet_library_warnings() -> None:
    """Dagster's beta/preview notices are for the developer of the definitions, not the user."""
    import warnings

    warnings.filterwarnings("ignore", module=r"dagster.*")
    warnings.filterwarnings("ignore", category=DeprecationWarning)


def _period_range(period: str | None, first: str | None, last: str | None) -> tuple[str, str]:
    """Decide which fiscal periods a run covers from the options given (pure apart from today)."""
    from orchestration.defs.shared.partitions import first_period, parse_period, period_of

    if period and (first or last):
        raise YecaiError(
            "--period cannot be combined with --from/--to", "give one period or a range"
        )
    if period:
        p = parse_period(period, "--period")
        return p, p
    start = parse_period(first, "--from") if first else first_period()
    end = parse_period(last, "--to") if last else period_of(date.today())
    if start > end:
        raise YecaiError(
            f"--from {start} comes after --to {end}", "give the earlier period in --from"
        )
    return start, end


def _rebuild_range(
    period: str | None, first: str | None, last: str | None, full_build: bool
) -> tuple[str, str]:
    """The periods the per-period models of a ``yecai run`` are asked to rewrite (pure apart
    from today): those given; every period for a full build; else the open period (this
    month). ``gl_lines`` and ``trial_balance`` add every period that new rows reach, so an
    increment's tables equal a full build's without rewriting the whole ledger each run."""
    from orchestration.defs.shared.partitions import period_of

    if period or first or last or full_build:
        return _period_range(period, first, last)
    open_period = period_of(date.today())
    return open_period, open_period


def _plan_size(token: str):
    """A function giving the number of steps in the plan of the run tagged ``token``."""

    def size() -> int | None:
        import dagster as dg

        from orchestration.instance import get_instance
        from orchestration.run_progress import PROGRESS_TAG

        try:
            instance = get_instance(get_paths())
            runs = instance.get_runs(dg.RunsFilter(tags={PROGRESS_TAG: token}), limit=1)
            if not runs or not runs[0].execution_plan_snapshot_id:
                return None
            plan = instance.get_execution_plan_snapshot(runs[0].execution_plan_snapshot_id)
        except Exception:  # a progress display must never stop the run it shows
            return None
        return len(plan.step_keys_to_execute or plan.steps)

    return size


def _run_and_report(
    job_name: str,
    period_range,
    tags: dict[str, str],
    console: Console,
    verbose: bool = False,
    asset_selection: list | None = None,
    check_selection: list | None = None,
    definitions=None,
):
    import uuid

    from orchestration.run_progress import PROGRESS_TAG, RunProgress
    from orchestration.runner import run_job

    _quiet_library_warnings()
    paths = get_paths()
    token = uuid.uuid4().hex
    # dbt's own console output is written straight to stdout by dagster-dbt; without
    # --verbose it is hidden (failed steps still report dbt's parsed error messages). Entered
    # inside the status line: rich's live display redirects sys.stdout above itself on a
    # terminal, which would otherwise print dbt's every line there.
    quiet = contextlib.nullcontext() if verbose else contextlib.redirect_stdout(io.StringIO())
    with console.status(f"{job_name} · starting…", spinner="dots") as status, quiet:
        progress = RunProgress(console, job_name, verbose, status, _plan_size(token))
        return run_job(
            paths,
            job_name,
            period_range=period_range,
            tags={**tags, PROGRESS_TAG: token},
            on_event=progress.on_event,
            log_level="DEBUG" if verbose else "CRITICAL",
            asset_selection=asset_selection,
            check_selection=check_selection,
            definitions=definitions,
        )


def _finish(outcome, console: Console, attention: int = 0, detail: bool = True) -> None:
    """The run's last line; exits 1 when it failed. ``detail=False`` when the run summary
    above already said which steps and checks failed."""
    from rich.markup import escape

    if outcome.success:
        note = f"; {attention} warning check(s) need attention (above)" if attention else ""
        console.print(
            f"[bold green]run {outcome.run_id} of {outcome.job_name} succeeded[/] "
            f"({len(outcome.steps_succeeded)} steps){note}",
            soft_wrap=True,
        )
        return
    console.print(f"[bold red]run {outcome.run_id} of {outcome.job_name} failed[/]")
    if detail:
        for step, message in outcome.steps_failed.items():
            lines = (message or "").splitlines() or [""]
            console.print(f"  failed step [bold]{step}[/]: {escape(lines[0])}", highlight=False)
            # the step's own detail lines (other failing dbt nodes, dbt's log), a few at most
            for line in lines[1:FAILURE_LINES]:
                console.print(f"    {line.strip()}", markup=False, highlight=False)
        for check, message in outcome.checks_failed.items():
            console.print(f"  failed check [bold]{check}[/] ({escape(message)})")
        if outcome.steps_skipped:
            console.print(f"  skipped because of it: {', '.join(outcome.steps_skipped)}")
        if outcome.job_name != "quality_scorecard_job" and "warehouse__published" not in (
            outcome.steps_succeeded
        ):
            console.print("  nothing was published: analysts stay on the last published version")
    console.print("[yellow]what to do:[/] open `yecai ui` → Runs → this run for the full log")
    raise typer.Exit(code=1)


def _print_summary(outcome, console: Console) -> int:
    """The run summary of pipeline run ``outcome``; returns the warnings that need attention."""
    from orchestration import run_summary

    paths = get_paths()
    summary = run_summary.gather(paths, outcome.run_id, outcome.steps_failed, outcome.checks_failed)
    for line in run_summary.render(summary):
        console.print(line, markup=False, highlight=False, soft_wrap=True)
    run_summary.remember(paths, summary)
    return len(summary.failed_of("warning"))


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""

    @app.command("run")
    def run(
        period: str | None = typer.Option(
            None, "--period", help="Build one fiscal period (YYYY-MM) instead of all."
        ),
        first: str | None = typer.Option(
            None,
            "--from",
            help="First fiscal period (YYYY-MM) the per-period models rewrite. Default: "
            "YECAI_FIRST_PERIOD for a full build; for an increment, the open period (this "
            "month) and every earlier period the new rows reach.",
        ),
        last: str | None = typer.Option(
            None, "--to", help="Last fiscal period (YYYY-MM); default the current month."
        ),
        scorecard: bool = typer.Option(
            True, "--scorecard/--no-scorecard", help="Rebuild the quality scorecard afterwards."
        ),
        full: bool = typer.Option(
            False,
            "--full",
            help="Rebuild every dbt model and run every check, not only what the new rows feed.",
        ),
        verbose: bool = typer.Option(False, "--verbose", "-v", help=VERBOSE_HELP),
        watch: bool = typer.Option(
            False,
            "--watch",
            help="Keep running: poll the sources cheaply and run the increment whenever one "
            "changed (near real time). Ctrl-C stops.",
        ),
        interval: float = typer.Option(
            10.0, "--interval", help="With --watch: seconds between polls of the sources."
        ),
    ) -> None:
        """Run the pipeline headless through Dagster: ingest, dbt, quality gates, publish.

        The same two runs the daily schedule starts: `ingest_raw` lands every raw entity, then
        `yecai_pipeline` rebuilds the dbt models fed by entities that received rows since the
        last publish (everything the first time, or with --full), checks them and publishes.
        The ledger's per-period models rewrite only the open period and the periods the new
        rows reach, unless --period or --from/--to name others.
        Recorded in the Dagster instance under YECAI_HOME/dagster. Exits 1 and names the failed
        step when a run fails. With --watch it keeps going (orchestration/watch.py).
        """
        from orchestration.commands.config_cmd import load_usable_definitions, require_company

        if watch:
            from orchestration.watch import watch_from_cli

            def once(full_run: bool) -> None:
                run(period, first, last, scorecard, full_run, verbose, False, interval)

            watch_from_cli(get_paths(), once, interval, full_first=full)
            return
        from orchestration.defs.pipeline.increment import (
            INGEST_RUN_TAG,
            INLINE_TRANSFORM_TAG,
            TransformPlanner,
        )
        from orchestration.defs.pipeline.jobs import INGEST_JOB, PIPELINE_JOB, SCORECARD_JOB
        from orchestration.defs.pipeline.sensors import INLINE_SCORECARD_TAG
        from orchestration.instance import get_instance

        require_company(get_paths())
        console = Console(file=sys.stdout)
        period_range = _period_range(period, first, last)  # checks the options before a run
        if full:
            console.print(
                "[bold]yecai run --full[/] every period in the data, rebuilt from scratch"
            )
        elif period or first or last:
            console.print(f"[bold]yecai run[/] periods {period_range[0]}..{period_range[1]}")
        else:
            # the rebuild line, once planned, says which periods (every one the first time)
            console.print("[bold]yecai run[/] what changed since the last publish")
        _quiet_library_warnings()
        defs = load_usable_definitions()
        tags = {"yecai/trigger": "yecai run"}
        if scorecard:
            tags[INLINE_SCORECARD_TAG] = "true"
        ingest_tags = {**tags, INLINE_TRANSFORM_TAG: "true"}
        outcome = _run_and_report(INGEST_JOB, None, ingest_tags, console, verbose, definitions=defs)
        if outcome.success:
            paths = get_paths()
            plan = TransformPlanner.from_definitions(defs).plan(
                get_instance(paths), defs.resolve_asset_graph(), paths, full=full
            )
            period_range = _rebuild_range(period, first, last, plan.full)
            console.print(
                f"[bold]rebuild[/] {plan.summary()}; per-period models from "
                f"{period_range[0]} to {period_range[1]}",
                soft_wrap=True,
            )
            outcome = _run_and_report(
                PIPELINE_JOB,
                period_range,
                {**tags, **plan.tags(), INGEST_RUN_TAG: outcome.run_id},
                console,
                verbose,
                asset_selection=plan.asset_keys,
                check_selection=plan.check_keys,
                definitions=defs,
            )
        if scorecard:
            # The scorecard matters most after a failed gate, so it runs either way.
            card = _run_and_report(
                SCORECARD_JOB,
                None,
                {"yecai/after_run": outcome.run_id},
                console,
                verbose,
                definitions=defs,
            )
            if not card.success:
                console.print("[yellow]the scorecard could not be rebuilt; see the run log[/]")
        attention = _print_summary(outcome, console)
        _finish(outcome, console, attention, detail=False)

    @app.command("backfill")
    def backfill(
        first: str = typer.Option(..., "--from", help="First fiscal period to rebuild (YYYY-MM)."),
        last: str = typer.Option(..., "--to", help="Last fiscal period to rebuild (YYYY-MM)."),
        publish: bool = typer.Option(
            True,
            "--publish/--no-publish",
            help="Audit and publish the warehouse after the rebuild (default), or leave the "
            "rebuilt periods in build.duckdb for inspection.",
        ),
        verbose: bool = typer.Option(False, "--verbose", "-v", help=VERBOSE_HELP),
    ) -> None:
        """Rebuild the per-period models for fiscal periods FROM..TO (and what is built on them), then re-publish.

        Only those periods' partitions are rebuilt; other periods keep their data. To backfill
        from the UI instead: `yecai ui` → Assets → a per-period model → Materialize → range.
        """
        from orchestration.commands.config_cmd import load_usable_definitions, require_company
        from orchestration.defs.pipeline.jobs import PERIOD_JOB

        require_company(get_paths())
        _quiet_library_warnings()
        console = Console(file=sys.stdout)
        period_range = _period_range(None, first, last)
        defs = load_usable_definitions()
        job_names = {job.name for job in defs.jobs or []}
        if PERIOD_JOB not in job_names:
            raise YecaiError(
                "no dbt model is built per fiscal period, so there is nothing to backfill",
                "tag per-period models with `tags: ['fiscal_period']` in dbt_project/, or use "
                "`yecai run` to rebuild everything",
            )
        console.print(f"[bold]yecai backfill[/] periods {period_range[0]}..{period_range[1]}")
        tags = {"yecai/backfill": f"{period_range[0]}..{period_range[1]}"}
        selection = None
        if not publish:
            from orchestration.defs.quality.assets import PUBLISH_KEY

            job = defs.resolve_job_def(PERIOD_JOB)
            selection = [key for key in job.asset_layer.executable_asset_keys if key != PUBLISH_KEY]
        outcome = _run_and_report(PERIOD_JOB, period_range, tags, console, verbose, selection)
        _finish(outcome, console)

    @app.command("ui")
    def ui(
        port: int = typer.Option(3000, "--port", help="Port for the Dagster web UI."),
        host: str = typer.Option("127.0.0.1", "--host", help="Interface to listen on."),
    ) -> None:
        """Start the Dagster UI (webserver and daemon) with the yecai code location loaded.

        Schedules and sensors run while it is up. Stop with Ctrl-C.
        """
        from orchestration.commands.config_cmd import require_company
        from orchestration.instance import ensure_instance
        from yecai.config import is_configured

        paths = get_paths()
        if is_configured(paths):
            # A wrong sources.yml stops here in one line; without one the UI still starts and
            # its only asset (setup/company_configuration) says what to do.
            require_company(paths)
        dagster_home = ensure_instance(paths)
        executable = Path(sys.executable).parent / "dagster"
        if not executable.exists():
            raise YecaiError(
                f"the dagster command was not found at {executable}",
                "install the project with `uv sync`",
            )
        env = {**os.environ, "DAGSTER_HOME": str(dagster_home), "YECAI_HOME": str(paths.home)}
        console = Console()
        console.print(
            f"[bold]Dagster UI[/] on http://{host}:{port} (instance {dagster_home}); Ctrl-C stops"
        )
        cmd = [str(executable), "dev", "--host", host, "--port", str(port)]
        child = subprocess.Popen(cmd, cwd=REPO_ROOT, env=env)

        def stop(signum, frame) -> None:
            # `dagster dev` shuts its webserver, daemon and code servers down on SIGINT;
            # pass a terminate on as that, so a supervisor's SIGTERM leaves no orphans.
            child.send_signal(signal.SIGINT)

        signal.signal(signal.SIGTERM, stop)
        try:
            code = child.wait()
        except KeyboardInterrupt:
            code = child.wait()
        if code not in (0, -2, 130):
            raise typer.Exit(code=code)
