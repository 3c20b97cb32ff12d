"""``yecai info``: where everything lives."""

from __future__ import annotations

import json

import typer
from rich.console import Console
from rich.table import Table

from yecai.settings import get_paths


def register(app: typer.Typer) -> None:
    @app.command("info")
    def info(
        as_json: bool = typer.Option(False, "--json", help="Print the paths as one JSON object."),
    ) -> None:
        """Show where the lake, warehouses, reports and Dagster instance live (see YECAI_HOME)."""
        paths = get_paths().as_dict()
        if as_json:
            typer.echo(json.dumps(paths, indent=2, ensure_ascii=False))
            return
        table = Table(title="yecai", show_header=True)
        table.add_column("what")
        table.add_column("where")
        for key, value in paths.items():
            table.add_row(key, value)
        Console().print(table)
