"""``yecai config check``: validate the company's configuration and show what it registers."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table

from ingestion.config import check_overrides, load_config
from yecai.config.registry import load_registry
from yecai.settings import get_paths

app = typer.Typer(
    no_args_is_help=True, help="The company's configuration (sources.yml, contracts, dbt project)."
)


@app.command("check")
def check() -> None:
    """Validate sources.yml, every entity's contract and the conforming models; list the registry.

    Exits 2 with one line per problem (file, key, what to do) when something is wrong.
    """
    paths = get_paths()
    config = load_config(paths)
    check_overrides(config)
    registry = load_registry(paths)
    table = Table(title=f"sources registered in {paths.sources_config}")
    for column in ("source", "kind", "books", "legal entities", "entities", "documents"):
        table.add_column(column, overflow="fold")
    for name, source in config.items():
        entry = registry["sources"].get(name, {})
        table.add_row(
            name,
            source.kind,
            entry.get("books", ""),
            ", ".join(entry.get("legal_entities", [])),
            ", ".join(source.entities),
            ", ".join(entry.get("documents", [])) or "(none yet)",
        )
    console = Console()
    console.print(table)
    console.print("[bold green]configuration is valid[/]")


def require_company(paths) -> None:
    """Stop a command (one line, no traceback) when the home's configuration is missing or wrong.

    ``yecai run``, ``backfill`` and ``ui`` call it first: the Dagster definitions themselves
    load without a usable configuration (to show what to do), so this is where it is enforced.
    """
    check_overrides(load_config(paths))
    load_registry(paths)


def load_usable_definitions():
    """The code location's definitions; the problem (one line) when they are only the setup asset.

    A home whose configuration or dbt project cannot be loaded still gives definitions (so the
    UI shows what to do); a command that runs jobs stops here instead of failing on a job that
    is not there.
    """
    from orchestration.definitions import setup_problem
    from orchestration.runner import load_definitions

    defs = load_definitions()
    problem = setup_problem(defs)
    if problem is not None:
        raise problem
    return defs
