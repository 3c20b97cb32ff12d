"""``yecai docs``: build and serve the data dictionary of the published data."""

from __future__ import annotations

import webbrowser

import typer
from rich.console import Console

from orchestration.data_dictionary import (
    DEFAULT_PORT,
    build_dictionary,
    dictionary_dir,
    make_server,
)
from yecai.settings import get_paths


def register(app: typer.Typer) -> None:
    """Add ``yecai docs`` to the root app."""

    @app.command("docs")
    def docs(
        port: int = typer.Option(DEFAULT_PORT, "--port", help="Port to serve on (127.0.0.1)."),
        no_serve: bool = typer.Option(
            False, "--no-serve", help="Only build the dictionary; do not serve it."
        ),
        open_browser: bool = typer.Option(
            False, "--open", help="Open the dictionary in the web browser once it is served."
        ),
    ) -> None:
        """The data dictionary for analysts: every published table and column with its
        description, and the lineage from the sources to the marts.

        Runs `dbt docs generate` on the company's dbt project (needs a built warehouse:
        `yecai run` first), keeps the published relations, writes the site under
        <home>/reports/data_dictionary/ and serves it until Ctrl-C.
        """
        paths = get_paths()
        console = Console()
        # Take the port before the build (~30 s), so a port in use fails at once.
        server = None if no_serve else make_server(dictionary_dir(paths), port)
        try:
            with console.status("building the data dictionary…") as status:
                built = build_dictionary(paths, progress=lambda step: status.update(step))
        except BaseException:
            if server is not None:
                server.server_close()
            raise
        console.print(
            f"data dictionary: {built.relations} published relations, {built.sources} sources "
            f"→ {built.folder}",
            soft_wrap=True,
        )
        if server is None:
            return
        url = f"http://127.0.0.1:{server.server_address[1]}/"
        console.print(f"serving at {url} (Ctrl-C to stop)", highlight=False)
        if open_browser:
            webbrowser.open(url)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
