"""`yecai report …`: quality scorecard and financial statements."""

import typer

from orchestration.commands import report_quality_cmd, report_statements_cmd

app = typer.Typer(
    no_args_is_help=True,
    help="Write reports: the quality scorecard, the financial statements.",
)
report_quality_cmd.register(app)
report_statements_cmd.register(app)
