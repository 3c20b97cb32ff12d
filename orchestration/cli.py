"""The ``yecai`` command line. Each subcommand lives in ``orchestration/commands/``."""

from __future__ import annotations

import sys

import typer
from rich.console import Console
from rich.markup import escape

from demo.errors import DemoError
from orchestration.commands import (
    config_cmd,
    contract_cmd,
    dbt_cmd,
    demo_cmd,
    docs_cmd,
    info_cmd,
    ingest_cmd,
    init_cmd,
    lake_cmd,
    pipeline_cmd,
    privacy_cmd,
    quality_cmd,
    report_cmd,
    trace_cmd,
)
from orchestration.signals import take_back_an_ignored_sigterm
from yecai.errors import YecaiError
from yecai.privacy.files import set_private_umask
from yecai.privacy.redact import install_log_redaction

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
lake_cmd.register(app)
docs_cmd.register(app)
app.add_typer(report_cmd.app, name="report")
app.add_typer(contract_cmd.app, name="contract")
app.add_typer(privacy_cmd.app, name="privacy")


def main() -> None:
    """Entry point: runs the CLI and turns a user error (YecaiError, or the demo's DemoError)
    into a message and exit code 2, never a stack trace."""
    # Everything this command and its children (dbt, dagster dev, the demo CRM) write is private.
    set_private_umask()
    # Every log line of this command (its runs included: they run in this process) is redacted.
    install_log_redaction()
    take_back_an_ignored_sigterm()
    err = Console(stderr=True)
    try:
        app()
    except (YecaiError, DemoError) as exc:
        # An error may quote data (a value, a file name): print it as text, never as markup.
        # soft_wrap: no line breaks of rich's own, which split a long path in two where a
        # user would copy it (the terminal still wraps what is too wide for it).
        err.print(f"[bold red]error:[/] {escape(exc.what)}", highlight=False, soft_wrap=True)
        if exc.fix:
            err.print(f"[yellow]what to do:[/] {escape(exc.fix)}", highlight=False, soft_wrap=True)
        sys.exit(2)


if __name__ == "__main__":
    main()
