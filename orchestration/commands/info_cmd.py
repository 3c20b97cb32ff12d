"""``yecai info``: where everything lives, and which published versions (snapshots) are kept."""

from __future__ import annotations

import json

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from yecai.published import lake_location
from yecai.settings import Paths, get_paths


def info_paths(paths: Paths) -> dict[str, str]:
    """The paths of ``yecai info``, with the catalog where it really is (PostgreSQL, or the clear
    or the encrypted file under the home)."""
    out = paths.as_dict()
    location = lake_location(paths)
    catalog = location.display() if location.kind == "postgres" else location.catalog
    out.update(
        published_warehouse=catalog,
        published_catalog=catalog,
        versions=catalog,
        published_data=str(location.data_path),
    )
    return out


def _versions(as_json: bool) -> None:
    from quality.versions import list_versions

    paths = get_paths()
    versions = list_versions(paths)
    if as_json:
        rows = [
            {
                "version": v.version,
                "snapshot_id": v.snapshot_id,
                "published_at": v.published_at,
                "run_id": v.run_id,
                "who": v.who,
                "forced": v.forced,
                "reason": v.reason,
                "size_bytes": v.size_bytes,
                "closes": list(v.closes),
            }
            for v in versions
        ]
        typer.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    console = Console()
    if not versions:
        console.print("no published versions yet (run `yecai run` or `yecai publish`)")
        return
    table = Table(title="published versions, newest last (one lakehouse snapshot each)")
    for col in (
        "snapshot",
        "version",
        "published at",
        "who",
        "forced",
        "reason",
        "added",
        "close of",
    ):
        table.add_column(col, overflow="fold")
    for v in versions:
        table.add_row(
            str(v.snapshot_id),
            v.version,
            v.published_at or "?",
            escape(v.who or "?"),
            "yes" if v.forced else "",
            escape(v.reason or ""),
            f"{v.size_bytes / 1e6:.1f} MB",
            ", ".join(v.closes),
        )
    console.print(table)
    console.print(
        'query one: yecai sql --as-of <snapshot|version|time|close:YYYY-MM> -c "select …"'
    )


def register(app: typer.Typer) -> None:
    @app.command("info")
    def info(
        as_json: bool = typer.Option(False, "--json", help="Print as JSON."),
        versions: bool = typer.Option(
            False, "--versions", help="List the published versions (snapshots) instead of paths."
        ),
    ) -> None:
        """Show where the lake, warehouses, reports and Dagster instance live (see YECAI_HOME)."""
        if versions:
            _versions(as_json)
            return
        paths = info_paths(get_paths())
        if as_json:
            typer.echo(json.dumps(paths, indent=2, ensure_ascii=False))
            return
        table = Table(title="yecai", show_header=True)
        table.add_column("what")
        table.add_column("where")
        for key, value in paths.items():
            table.add_row(key, value)
        Console().print(table)
