"""``yecai init DIR``: scaffold an empty company configuration that runs once sources are added."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from yecai.errors import YecaiError

SCAFFOLD = Path(__file__).resolve().parents[2] / "yecai" / "scaffold" / "company"


def scaffold_company(target: Path, force: bool = False) -> list[Path]:
    """Copy the scaffold into ``target``; refuses to overwrite a configuration unless ``force``."""
    target = target.expanduser().resolve()
    if (target / "sources.yml").exists() and not force:
        raise YecaiError(
            f"{target} already holds a company configuration (sources.yml)",
            "choose an empty folder, or pass --force to overwrite the scaffold's files "
            "(your contracts, models and seed rows are not deleted)",
        )
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for path in sorted(SCAFFOLD.rglob("*")):
        if path.is_dir():
            continue
        destination = target / path.relative_to(SCAFFOLD)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, destination)
        written.append(destination)
    return written


def register(app: typer.Typer) -> None:
    @app.command("init")
    def init(
        directory: Annotated[Path, typer.Argument(help="Folder for the company's configuration.")],
        force: Annotated[
            bool,
            typer.Option("--force", help="Write the scaffold's files even if sources.yml exists."),
        ] = False,
    ) -> None:
        """Scaffold a company's configuration: sources.yml, contracts/, its dbt project (dbt/).

        The folder becomes the company's YECAI_HOME: add sources to sources.yml, their contracts
        and staging models, fill the mapping seeds, then `yecai run` (docs/onboarding.md).
        """
        written = scaffold_company(directory, force)
        console = Console()
        home = directory.expanduser().resolve()
        console.print(
            f"[bold green]company configuration written to[/] {home} ({len(written)} files)",
            soft_wrap=True,
        )
        typer.echo(
            "next:\n"
            f"  export YECAI_HOME={home}\n"
            "  1. register your systems in sources.yml (commented examples inside)\n"
            "  2. write one contract per entity in contracts/<source>/<entity>.yml\n"
            "  3. stage them and write the conforming models in dbt/models/staging/<source>/\n"
            "  4. fill the mapping seeds in dbt/seeds/ (legal_entity_map, account_mapping, …)\n"
            "  5. yecai config check, then yecai run\n"
            "docs/onboarding.md walks through every step."
        )
