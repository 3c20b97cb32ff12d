"""`yecai report …`: quality scorecard and financial statements."""

import typer

app = typer.Typer(no_args_is_help=True, help="Write reports: the quality scorecard, the financial statements.")
