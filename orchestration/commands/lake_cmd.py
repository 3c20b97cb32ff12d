"""``yecai sql``, ``yecai close``, ``yecai prune``: read the published lake, name a period's
close, apply the retention policy."""

from __future__ import annotations

from contextlib import suppress

import duckdb
import typer
from rich.console import Console
from rich.markup import escape

from orchestration.finance_reports.warehouse import AS_OF_OPTION
from yecai import published
from yecai.errors import YecaiError
from yecai.settings import get_paths

SHELL_HELP = (
    "published data, read-only (schemas finance, business, management, governance, master, "
    "master_seeds, canonical). End a statement with ';'. .tables lists the tables, .quit leaves."
)


def split_statements(text: str) -> list[str]:
    """``a; b;`` → ``["a", "b"]``, keeping semicolons inside quotes (pure)."""
    out, current, quote = [], [], None
    for ch in text:
        if quote:
            current.append(ch)
            if ch == quote:
                quote = None
        elif ch in ("'", '"'):
            quote = ch
            current.append(ch)
        elif ch == ";":
            out.append("".join(current).strip())
            current = []
        else:
            current.append(ch)
    out.append("".join(current).strip())
    return [s for s in out if s]


def run_statement(con: duckdb.DuckDBPyConnection, sql: str) -> str | None:
    """Run one statement; its result rendered as DuckDB's box table, or None without rows."""
    try:
        rel = con.sql(sql)
    except duckdb.Error as exc:
        raise YecaiError(
            f"{type(exc).__name__}: {exc}", "fix the statement and run it again"
        ) from exc
    if rel is None:
        return None
    return str(rel)


TABLES_SQL = (
    "select schema_name || '.' || table_name as relation, comment from duckdb_tables() "
    "where database_name = current_database() order by 1"
)


def _shell(con: duckdb.DuckDBPyConnection, console: Console) -> None:
    """A small read–eval–print loop: DuckDB's Python API has no shell of its own."""
    with suppress(ImportError):  # not on every platform
        import readline  # noqa: F401  (line editing and history for input())
    console.print(f"yecai sql: {SHELL_HELP}")
    buffer = ""
    while True:
        try:
            line = input("yecai> " if not buffer else "   ...> ")
        except EOFError:
            console.print()
            return
        except KeyboardInterrupt:
            console.print()
            buffer = ""
            continue
        stripped = line.strip()
        if not buffer and stripped in (".quit", ".exit", "\\q"):
            return
        if not buffer and stripped == ".tables":
            console.print(escape(run_statement(con, TABLES_SQL) or ""), highlight=False)
            continue
        buffer += line + "\n"
        if not stripped.endswith(";"):
            continue
        for sql in split_statements(buffer):
            try:
                out = run_statement(con, sql)
            except YecaiError as exc:
                console.print(f"[bold red]error:[/] {escape(exc.what)}")
                continue
            if out:
                console.print(escape(out), highlight=False)
        buffer = ""


def _open(role: str | None, as_of: str | None) -> duckdb.DuckDBPyConnection:
    """The operator's lake, or a role's copy (yecai.privacy.role_copies) when ``role`` is set."""
    if role is None:
        return published.connect(get_paths(), as_of)
    from yecai.privacy.policy import check_role
    from yecai.privacy.role_copies import open_role_copy

    if as_of:
        raise YecaiError(
            "--as-of cannot be combined with --role: a role's copy holds the latest publish",
            "drop --as-of, or read earlier versions as the operator (without --role)",
        )
    return open_role_copy(get_paths(), check_role(role))


def _role_snapshot(con: duckdb.DuckDBPyConnection) -> str:
    from yecai.privacy.role_copies import INFO_TABLE

    snapshot, version = con.execute(f"select snapshot_id, version from {INFO_TABLE}").fetchone()
    return f"{version} (snapshot {snapshot})"


def register(app: typer.Typer) -> None:
    """Add ``sql``, ``close`` and ``prune`` to the root app."""

    @app.command("sql")
    def sql(
        command: str | None = typer.Option(
            None, "--command", "-c", help="Run these statements (';'-separated) and exit."
        ),
        as_of: str | None = AS_OF_OPTION,
        role: str | None = typer.Option(
            None,
            "--role",
            help="Open this role's copy (analyst, finance, governance, …: docs/security.md), "
            "personal data masked as the role may see it; the latest publish; audited.",
        ),
    ) -> None:
        """Query the published data read-only, closed to the filesystem: -c "select …", or an
        interactive shell without -c. Names are as analysts know them: finance.trial_balance…"""
        console = Console()
        con = _open(role, as_of)
        try:
            if command is None:
                console.print(
                    f"{role} copy of publish {_role_snapshot(con)}"
                    if role
                    else f"published snapshot {published.current_snapshot(con)}"
                    + (f" (as of {as_of})" if as_of else "")
                )
                _shell(con, console)
                return
            for statement in split_statements(command):
                out = run_statement(con, statement)
                if out:
                    typer.echo(out)
        finally:
            con.close()

    @app.command("close")
    def close(
        period: str = typer.Option(..., "--period", "-p", help="Fiscal period closed, YYYY-MM."),
        as_of: str | None = typer.Option(
            None,
            "--as-of",
            help="Name this published snapshot instead of the latest (see `yecai info "
            "--versions`).",
        ),
        note: str | None = typer.Option(None, "--note", help="Why, recorded with the close."),
    ) -> None:
        """Name the latest published snapshot as the books at a period's close.

        Read them later with --as-of close:YYYY-MM (yecai sql, trace, report statements); a
        named close never expires.
        """
        from quality.versions import close_period, who

        done = close_period(get_paths(), period, who(), as_of, note)
        console = Console()
        console.print(
            f"[green]closed {period}[/]: snapshot {done.snapshot_id} (version {done.version}); "
            f"read it with --as-of close:{period}"
        )
        if done.role_copies:
            console.print(done.role_copies, markup=False, highlight=False)

    @app.command("prune")
    def prune(
        dry_run: bool = typer.Option(
            False, "--dry-run", help="List the snapshots the policy would expire; change nothing."
        ),
    ) -> None:
        """Apply the retention policy of publish.yml: expire old snapshots (never a named close,
        never the latest publish) and delete the files only they used; also deletes files a
        killed publish left behind. Publishing applies it too when a policy is configured."""
        from quality.versions import load_policy
        from quality.versions import prune as prune_lake

        paths = get_paths()
        policy = load_policy(paths)
        if policy is None:
            Console().print(
                f"no retention policy in {paths.publish_config}: every snapshot is kept "
                "(files left by killed publishes are still removed)"
            )
        outcome = prune_lake(paths, policy, dry_run=dry_run)
        Console().print(outcome.message())
