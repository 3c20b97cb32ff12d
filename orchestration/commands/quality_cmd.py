"""``yecai quality run`` (run the GX suites) and ``yecai publish`` (write–audit–publish)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from quality.results import CheckResult, new_run_id, to_json
from yecai.errors import YecaiError
from yecai.settings import get_paths

LAYER_CHOICES = ("all", "raw", "canonical", "marts")


def _results_table(results: list[CheckResult], only_failing: bool) -> Table:
    table = Table(title="quality checks", show_lines=False)
    for col in (
        "layer",
        "asset",
        "check",
        "severity",
        "result",
        "unexpected",
        "failing keys / why",
    ):
        table.add_column(col, overflow="fold")
    for r in results:
        if only_failing and r.success:
            continue
        verdict = (
            "[green]pass[/]"
            if r.success
            else ("[bold red]FAIL[/]" if r.severity == "blocking" else "[yellow]warn[/]")
        )
        why = r.error or to_json(r.failing_keys[:3]) if (r.error or r.failing_keys) else ""
        table.add_row(
            r.layer,
            r.asset,
            r.check,
            r.severity,
            verdict,
            "" if r.unexpected_count is None else str(r.unexpected_count),
            escape(why),
        )
    return table


def register(app: typer.Typer) -> None:
    quality_app = typer.Typer(
        no_args_is_help=True,
        help="Data-quality gates (Great Expectations): run the suites, see what fails.",
    )

    @quality_app.command("run")
    def run(
        layer: str = typer.Option(
            "all", "--layer", "-l", help=f"Which layer's suites to run: {', '.join(LAYER_CHOICES)}."
        ),
        table: str | None = typer.Option(
            None, "--table", "-t", help="Run only the checks of one asset, e.g. finance.gl_lines."
        ),
        db: Annotated[
            Path | None,
            typer.Option("--db", help="DuckDB warehouse to audit (default: the build warehouse)."),
        ] = None,
        show_all: bool = typer.Option(False, "--all", help="List passing checks too."),
    ) -> None:
        """Run the quality suites and record the results; exits 1 when a blocking check fails."""
        from quality.runner import run_all, run_checks_for_table, run_layer

        if layer not in LAYER_CHOICES:
            raise YecaiError(f"unknown layer {layer!r}", f"use one of: {', '.join(LAYER_CHOICES)}")
        paths = get_paths()
        console = Console()
        with console.status("running quality checks with Great Expectations…"):
            if table:
                results = run_checks_for_table(paths, table, db_path=db, build_docs=True)
                if not results:
                    raise YecaiError(
                        f"no quality checks are declared for {table!r}",
                        "check the name (schema.table, or raw.<source>.<entity>); "
                        "suites live in quality/suites/",
                    )
            elif layer == "all":
                results = run_all(paths, db_path=db, run_id=new_run_id())
            else:
                results = run_layer(paths, layer, db_path=db)
        console.print(_results_table(results, only_failing=not show_all))
        failed = [r for r in results if not r.success]
        blocking = [r for r in failed if r.severity == "blocking"]
        console.print(
            f"{len(results)} checks: {len(results) - len(failed)} passed, "
            f"{len(blocking)} blocking failures, {len(failed) - len(blocking)} warnings. "
            f"History: {paths.home / 'quality' / 'results'}"
        )
        if blocking:
            raise typer.Exit(1)

    app.add_typer(quality_app, name="quality")

    @app.command("publish")
    def publish(
        force: bool = typer.Option(
            False, "--force", help="Publish even if blocking checks fail (needs --reason)."
        ),
        reason: str | None = typer.Option(
            None, "--reason", help="Why publishing is forced; recorded in governance.publish_log."
        ),
        run_id: str | None = typer.Option(
            None,
            "--run-id",
            help="Run id to record the audit under (default: a new one). An existing run id reuses that run's recorded check results and checks only the tables it did not.",
        ),
    ) -> None:
        """Audit the build warehouse and, if no blocking check fails, publish it as a new version."""
        if force and not (reason and reason.strip()):
            raise YecaiError(
                "--force needs --reason", 'say why: yecai publish --force --reason "…"'
            )
        if reason and not force:
            raise YecaiError("--reason is only used with --force", "add --force, or drop --reason")
        from quality.publish import audit_and_publish

        paths = get_paths()
        console = Console()
        with console.status("auditing the build warehouse (all quality suites)…") as status:
            outcome = audit_and_publish(
                paths,
                run_id or new_run_id(),
                force_reason=reason if force else None,
                progress=lambda msg: status.update(escape(msg) + " …"),
            )
        if outcome.blocking_failures:
            console.print(_results_table(outcome.blocking_failures, only_failing=True))
        color = "green" if outcome.published and not outcome.forced else "yellow"
        if not outcome.published:
            color = "bold red"
        console.print(f"[{color}]{escape(outcome.message())}[/]")
        if outcome.published:
            console.print(
                f'published snapshot {outcome.snapshot_id}: yecai sql -c "select …" reads it '
                f"(earlier ones: yecai info --versions, --as-of)"
            )
        else:
            console.print(
                "fix the failing checks and rebuild, or publish anyway with "
                '--force --reason "…" (recorded)'
            )
            raise typer.Exit(1)
