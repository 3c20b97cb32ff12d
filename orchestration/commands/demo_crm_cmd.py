"""``yecai demo crm-serve``: serve the demo CRM's HTTP JSON API from its SQLite store.

The token never goes on the command line (every user sees it in ``ps``) nor into the log:
it comes from ``$YECAI_CRM_TOKEN`` or from a file only its owner can read (``--token-file``).
"""

from __future__ import annotations

import stat
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from demo.crm.server import DEFAULT_PORT, DEFAULT_RATE_LIMIT, TOKEN_ENV, default_token, serve
from yecai.errors import YecaiError
from yecai.settings import get_paths

CRM_STORE_NAME = "crm.sqlite"


def crm_store_path() -> Path:
    """Where the demo CRM's store lives: ``<YECAI_HOME>/demo/crm.sqlite``."""
    return get_paths().demo / CRM_STORE_NAME


def read_token_file(path: Path) -> str:
    """The token in ``path``, a file that group and others cannot read."""
    try:
        mode = path.stat().st_mode
        text = path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise YecaiError(
            f"cannot read token file {path}: {exc.strerror}", "check the path"
        ) from exc
    if mode & 0o077:
        raise YecaiError(
            f"token file {path} has mode {stat.S_IMODE(mode):04o}: others can read it",
            f"chmod 600 {path}",
        )
    if not text:
        raise YecaiError(f"token file {path} is empty", "write the bearer token into it")
    return text


def register(app: typer.Typer) -> None:
    """Add ``crm-serve`` to the ``yecai demo`` command group."""

    @app.command("crm-serve")
    def crm_serve(
        host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
        port: Annotated[int, typer.Option("--port", help="TCP port to listen on.")] = DEFAULT_PORT,
        token_file: Annotated[
            Path | None,
            typer.Option(
                "--token-file",
                help="File (mode 0600) holding the bearer token clients must send. "
                f"Default: ${TOKEN_ENV}, else 'demo-token'.",
                show_default=False,
            ),
        ] = None,
        token: Annotated[
            str | None,
            typer.Option(
                "--token",
                hidden=True,  # kept for old scripts; visible in `ps`, so it warns
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
        if token:
            print(
                f"warning: --token puts the token where every user sees it (ps); "
                f"use ${TOKEN_ENV} or --token-file",
                file=sys.stderr,
            )
        effective_token = token or (read_token_file(token_file) if token_file else default_token())

        def ready(url: str) -> None:
            console.print(
                f"[bold green]demo CRM serving[/] {escape(url)}  (store: {escape(str(db_path))})"
            )
            # the hint names the variable, never the token: this output goes to crm-server.log
            console.print(
                f'  try: curl -H "Authorization: Bearer ${TOKEN_ENV}" '
                f"'{url}/api/v1/accounts?limit=5'",
                markup=False,
            )
            console.print(f"  rate limit: {rate_limit or 'none'} req/s · Ctrl-C to stop")

        serve(
            db_path,
            host=host,
            port=port,
            token=effective_token,
            max_requests_per_second=rate_limit,
            on_ready=ready,
            # a request line is whatever a client sent: printed as text, never as markup
            log=None
            if quiet
            else (lambda line: console.print(line, style="dim", markup=False, highlight=False)),
        )
