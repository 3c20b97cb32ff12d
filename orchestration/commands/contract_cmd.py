"""``yecai contract draft``: write an entity's contract from what its source says about itself."""

from __future__ import annotations

import typer
from rich.console import Console

from ingestion.config import load_config
from ingestion.contract_sources import draft_contracts
from yecai.settings import get_paths

app = typer.Typer(
    no_args_is_help=True,
    help="Contracts of a company's entities: draft them from a live source.",
)


@app.command("draft")
def draft_command(
    source: str = typer.Option(..., "--source", "-s", help="A source configured in sources.yml."),
    entity: str | None = typer.Option(
        None, "--entity", "-e", help="Only this entity (default: every entity of the source)."
    ),
    force: bool = typer.Option(
        False, "--force", help="Overwrite a contract that already exists (default: keep it)."
    ),
) -> None:
    """Draft contracts/<source>/<entity>.yml from the source itself.

    SQL: the database's catalogue (types, NOT NULL, primary key). Files: the newest export
    named like the entity (CSV in any encoding the files connector reads, XLSX). REST: the
    first page of the entity's endpoint. Money declared with scale 2 becomes decimal(18,2).
    A source without a declared key gets `primary_key: TODO`, which the contract loader
    refuses until you name the key; updated_at-like columns are named as cursor candidates.
    Review the draft before ingesting with it.
    """
    console = Console()
    outcomes = draft_contracts(load_config(get_paths()), source, entity, force)
    for o in outcomes:
        mark = "[green]wrote[/]" if o.written else "[dim]kept[/]"
        console.print(f"{mark} {o.path}  ({o.message})")
    if any("TODO" in o.message for o in outcomes):
        console.print(
            "[yellow]some drafts have primary_key: TODO[/] — name the key before ingesting"
        )
