"""``yecai ingest``: extract the configured sources into the raw Parquet lake."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn
from rich.table import Table

from ingestion.batches import FAILING_STATUSES, QUARANTINED_ALL, BatchResult
from ingestion.config import load_config
from yecai.settings import get_paths

STATUS_STYLE = {
    "succeeded": "green",
    "no_change": "dim",
    "failed": "bold red",
    QUARANTINED_ALL: "bold red",
}


def summary_table(results: list[BatchResult]) -> Table:
    """One line per batch: what was read, landed and quarantined, and the watermark."""
    table = Table(title="ingest summary")
    for name, justify in (
        ("source", "left"),
        ("entity", "left"),
        ("status", "left"),
        ("read", "right"),
        ("landed", "right"),
        ("quarantined", "right"),
        ("watermark", "left"),
    ):
        table.add_column(name, justify=justify)
    for r in results:
        style = STATUS_STYLE.get(r.status, "")
        table.add_row(
            r.source,
            r.entity + (f" ({r.source_file})" if r.source_file else ""),
            f"[{style}]{r.status}[/]",
            str(r.rows_read),
            str(r.rows_landed),
            str(r.rows_quarantined),
            r.watermark or "",
        )
    return table


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""

    @app.command("ingest")
    def ingest_command(
        source: str | None = typer.Option(
            None,
            "--source",
            "-s",
            help="Only this source (a name in sources.yml).",
        ),
        entity: str | None = typer.Option(
            None, "--entity", "-e", help="Only this entity (a contract name, e.g. customers)."
        ),
        full_refresh: bool = typer.Option(
            False,
            "--full-refresh",
            help="Re-read everything, ignoring the watermark (and re-read dropped files already "
            "landed). Rows identical to their latest landed version are still not landed twice.",
        ),
        revalidate_landed: bool = typer.Option(
            False,
            "--revalidate",
            help="Extract nothing: check the latest landed version of every record against "
            "the current contract (after tightening it) and withdraw those that now fail "
            "(quarantined with their reason, tombstoned in the raw zone, in one new batch).",
        ),
    ) -> None:
        """Extract sources into the raw zone (lake/raw), quarantining rows that break their contract.

        Incremental by default: each entity reads from its last watermark minus a look-back
        window. Exits non-zero if any batch failed; see lake/_meta/batches/ for every batch.
        With --revalidate, re-check what is already landed against the current contracts.
        """
        paths = get_paths()
        # the engine (duckdb, pyarrow) loads here, not when any yecai command starts
        from ingestion.revalidate import revalidate
        from ingestion.runner import ingest, select_entities

        pairs = select_entities(load_config(paths), source, entity)
        console = Console()
        if revalidate_landed:
            if full_refresh:
                raise typer.BadParameter("--revalidate reads no source; drop --full-refresh")
            with console.status("revalidating landed records") as status:
                results = revalidate(
                    paths, source, entity, on_progress=lambda m, _d, _t: status.update(m)
                )
            _finish(console, results)
            return
        with Progress(
            SpinnerColumn(),
            TextColumn("[progress.description]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            console=console,
            transient=False,
        ) as progress:
            overall = progress.add_task("entities", total=len(pairs))
            step = progress.add_task("", total=None)
            seen: list[str] = []

            def on_progress(message: str, done: int, total: int | None) -> None:
                # Messages are "<source>.<entity>: <phase>"; a new label means the
                # previous entity is finished.
                label = message.split(":", 1)[0]
                if label not in seen:
                    if seen:
                        progress.advance(overall)
                    seen.append(label)
                    progress.update(overall, description=f"entities — {label}")
                progress.update(step, description=message, completed=done, total=total)

            results = ingest(paths, source, entity, full_refresh, on_progress=on_progress)
            progress.update(overall, completed=len(pairs))
            progress.update(step, visible=False)
        _finish(console, results)


def _finish(console: Console, results: list[BatchResult]) -> None:
    """The summary, each failure's message, and exit 1 if any batch failed or landed
    nothing because every row was quarantined."""
    from ingestion.revalidate import REVALIDATION_NOTE

    console.print(summary_table(results))
    failed = [r for r in results if r.status in FAILING_STATUSES]
    for r in failed:
        where = f"{r.source}.{r.entity}" + (f" ({r.source_file})" if r.source_file else "")
        console.print(f"[bold red]{r.status}[/] {where}: {r.message}")
    for r in results:
        if r.status == "succeeded" and r.message.startswith(REVALIDATION_NOTE):
            console.print(f"[yellow]withdrawn[/] {r.source}.{r.entity}: {r.message}")
    if failed:
        raise typer.Exit(code=1)
