"""`yecai demo …`: stand up and move the demo group company (see demo/)."""

import typer

app = typer.Typer(no_args_is_help=True, help="The demo group company: generate it, serve its CRM, move it forward in time.")
