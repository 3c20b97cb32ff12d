"""``yecai privacy …``: erase one person, apply raw retention (issue 13)."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.markup import escape

from yecai.settings import get_paths

app = typer.Typer(
    help="Personal data: erase one person, apply raw retention.", no_args_is_help=True
)


@app.command("erase")
def erase(
    person: str = typer.Option(
        ..., "--person", help="The person's national ID number, as the source wrote it."
    ),
    reason: str = typer.Option(
        ..., "--reason", help="Why (a PIPL request's reference): recorded in the audit log."
    ),
) -> None:
    """Remove one person from the lake's raw and quarantine zones, the build warehouse, every
    kept version of the published lake and every role's copy: their values become tokens,
    amounts stay (the books still balance). Recorded in the audit log by token, never the ID.
    Erase them in the source systems first, or the next extraction brings them back."""
    from yecai.privacy.erase import erase_person

    console = Console()
    report = erase_person(get_paths(), person, reason, progress=lambda m: console.print(m))
    console.print(escape(report.message()), highlight=False)
    if report.remaining:
        raise typer.Exit(1)


@app.command("retain")
def retain() -> None:
    """Apply sources.yml's raw_retention_days: in the raw zone, the personal values (classified
    columns) of record versions superseded or deleted longer ago than that become null; the
    current version of every record, its key and the batch metadata stay, so a full rebuild
    gives the same current data. Recorded in the audit log. The daily run applies it after each
    ingest too."""
    from yecai.privacy.retention import apply_retention

    console = Console()
    report = apply_retention(get_paths(), say=lambda m: console.print(m, markup=False))
    console.print(escape(report.message()), highlight=False)
