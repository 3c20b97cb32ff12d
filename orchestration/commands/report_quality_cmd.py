"""``yecai report quality``: the governance scorecard and the GX Data Docs."""

from __future__ import annotations

import typer
from rich.console import Console

from yecai.settings import get_paths


def register(app: typer.Typer) -> None:
    """Add ``quality`` to the ``yecai report`` app."""

    @app.command("quality")
    def quality(
        skip_docs: bool = typer.Option(
            False, "--skip-docs", help="Do not rebuild the GX Data Docs, only the scorecard."
        ),
    ) -> None:
        """Write the governance scorecard (reports/scorecard.html) and rebuild the Data Docs."""
        from quality.gx_context import build_data_docs
        from quality.scorecard import write_scorecard

        paths = get_paths()
        console = Console()
        with console.status("writing the quality scorecard…"):
            docs = None if skip_docs else build_data_docs(paths)
            card = write_scorecard(paths)
        console.print(f"scorecard: {card}")
        if docs:
            console.print(f"Data Docs: {docs}")
