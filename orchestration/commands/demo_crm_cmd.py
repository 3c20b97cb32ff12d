"""``yecai demo crm-serve``: serve the demo CRM's HTTP JSON API from its SQLite store."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from demo.crm.server import DEFAULT_PORT, DEFAULT_RATE_LIMIT, default_token, serve
from yecai.settings import get_paths

CRM_STORE_NAME = "crm.sqlite"


def crm_store_path() -> Path:
    """Where the demo CRM's store lives: ``<YECAI_HOME>/demo/crm.sqlite``."""
    return get_paths().demo / CRM_STORE_NAME


def register(app: typer.Typer) -> None:
    """Add ``crm-serve`` to the ``yecai demo`` command group."""

    @app.command("crm-serve")
    def crm_serve(
        host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
        port: Annotated[int, typer.Option("--port", help="TCP port to listen on.")] = DEFAULT_PORT,
        token: Annotated[
            str | None,
            typer.Option(
                "--token",
                help="Bearer token clients must send. Default: $YECAI_CRM_TOKEN, else 'demo-token'.",
                show_default=False,
            ),
        ] = None,
        rate_limit: Annotated[
            int,
            typer.Option(
                "--rate-limit",
                help="Requests per second per token before answering 429 (0 = no limit).",
            ),
        ] = DEFAULT_RATE_LIMIT,
        db: Annotated[
            Path | None,
            typer.Option(
                "--db",
                help="CRM store to serve. Default: <YECAI_HOME>/demo/crm.sqlite.",
                show_default=False,
            ),
        ] = None,
        quiet: Annotated[bool, typer.Option("--quiet", help="Do not log each request.")] = False,
    ) -> None:
        """Serve the demo CRM (users, accounts, contacts, opportunities) over HTTP until Ctrl-C."""
        console = Console()
        db_path = db or crm_store_path()
        effective_token = token or default_token()

        def ready(url: str) -> None:
            console.print(f"[bold green]demo CRM serving[/] {url}  (store: {db_path})")
            console.print(
                f"  try: curl -H 'Authorization: Bearer {effective_token}' "
                f"'{url}/api/v1/accounts?limit=5'"
            )
            console.print(f"  rate limit: {rate_limit or 'none'} req/s · Ctrl-C to stop")

        serve(
            db_path,
            host=host,
            port=port,
            token=effective_token,
            max_requests_per_second=rate_limit,
            on_ready=ready,
            log=None if quiet else (lambda line: console.print(f"[dim]{line}[/]", highlight=False)),
        )
