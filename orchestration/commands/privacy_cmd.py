"""``yecai privacy …``: erase one person (issue 13)."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.markup import escape

from yecai.settings import get_paths

app = typer.Typer(help="Personal data: erase one person.", no_args_is_help=True)


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
