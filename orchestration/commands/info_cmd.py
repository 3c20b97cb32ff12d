"""``yecai info``: where everything lives, and which warehouse versions are published."""

from __future__ import annotations

import json

import typer
from rich.console import Console
from rich.table import Table

from yecai.settings import get_paths


def _versions(as_json: bool) -> None:
    from quality.versions import list_versions

    paths = get_paths()
    versions = list_versions(paths)
    if as_json:
        rows = [
            {
                "version": v.version,
                "path": str(v.path),
                "published_at": v.published_at,
                "run_id": v.run_id,
                "who": v.who,
                "forced": v.forced,
                "reason": v.reason,
                "size_bytes": v.size_bytes,
            }
            for v in versions
        ]
        typer.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    console = Console()
    if not versions:
        console.print(f"no published versions yet under {paths.versions} (run `yecai publish`)")
        return
    table = Table(title="published warehouse versions (newest last)")
    for col in ("version", "published at", "who", "forced", "reason", "run id", "file"):
        table.add_column(col, overflow="fold")
    for v in versions:
        table.add_row(
            v.version,
            v.published_at or "?",
            v.who or "?",
            "yes" if v.forced else "",
            v.reason or "",
            v.run_id or "",
            str(v.path),
        )
    console.print(table)
    console.print("query a version: duckdb -readonly <file>  (published.duckdb is the newest)")


def register(app: typer.Typer) -> None:
    @app.command("info")
    def info(
        as_json: bool = typer.Option(False, "--json", help="Print as JSON."),
        versions: bool = typer.Option(
            False, "--versions", help="List the published warehouse versions instead of paths."
        ),
    ) -> None:
        """Show where the lake, warehouses, reports and Dagster instance live (see YECAI_HOME)."""
        if versions:
            _versions(as_json)
            return
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
