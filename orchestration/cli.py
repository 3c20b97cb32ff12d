"""The ``yecai`` command line. Each subcommand lives in ``orchestration/commands/``."""

from __future__ import annotations

import sys

import typer
from rich.console import Console

from demo.errors import DemoError
from orchestration.commands import (
    config_cmd,
    dbt_cmd,
    demo_cmd,
    info_cmd,
    ingest_cmd,
    init_cmd,
    pipeline_cmd,
    quality_cmd,
    report_cmd,
    trace_cmd,
)
from yecai.errors import YecaiError

app = typer.Typer(
    name="yecai",
    help="yecai (业财): lakehouse and ELT pipeline for business–finance integration.\n\n"
    "All paths derive from YECAI_HOME (default ./.yecai); `yecai info` shows them.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

info_cmd.register(app)
init_cmd.register(app)
app.add_typer(config_cmd.app, name="config")
dbt_cmd.register(app)
app.add_typer(demo_cmd.app, name="demo")
ingest_cmd.register(app)
pipeline_cmd.register(app)
quality_cmd.register(app)
trace_cmd.register(app)
app.add_typer(report_cmd.app, name="report")


def main() -> None:
    """Entry point: runs the CLI and turns a user error (YecaiError, or the demo's DemoError)
    into a message and exit code 2, never a stack trace."""
    err = Console(stderr=True)
    try:
        app()
    except (YecaiError, DemoError) as exc:
        err.print(f"[bold red]error:[/] {exc.what}")
        if exc.fix:
            err.print(f"[yellow]what to do:[/] {exc.fix}")
        sys.exit(2)


if __name__ == "__main__":
    main()
