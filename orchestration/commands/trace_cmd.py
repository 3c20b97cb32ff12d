"""``yecai trace``: drill from a statement line, an account or a voucher down to documents."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from orchestration.finance_reports import drilldown_sql as q
from orchestration.finance_reports.statement_layout import parse_period
from orchestration.finance_reports.trace_render import print_table, run_query
from orchestration.finance_reports.warehouse import (
    AS_OF_OPTION,
    Warehouse,
    connect_read_only,
    require_relation,
)
from yecai.errors import YecaiError

DOCUMENT_COLUMNS = ("source_document_type", "source_document_id")


def _documents_behind(columns: list[str], rows: list[tuple]) -> list[tuple[str, str]]:
    """(document type, id) pairs of the journal lines shown, to look the documents up."""
    if not rows:
        return []
    type_at, id_at = (columns.index(c) for c in DOCUMENT_COLUMNS)
    return [(row[type_at], row[id_at]) for row in rows]


def register(app: typer.Typer) -> None:
    """Add ``yecai trace`` to the root app."""

    @app.command("trace")
    def trace(
        entity: str = typer.Option(
            None, "--entity", "-e", help="Legal entity code (as in finance.trial_balance)."
        ),
        period: str = typer.Option(None, "--period", "-p", help="Fiscal period, YYYY-MM."),
        line: str = typer.Option(
            None,
            "--line",
            "-l",
            help="Statement line code, e.g. BS04 (应收账款), IS01 (营业收入), CF_NET_OPERATING.",
        ),
        account: str = typer.Option(
            None, "--account", "-a", help="Unified account code (or its prefix), e.g. 1122."
        ),
        voucher: str = typer.Option(None, "--voucher", "-v", help="Voucher id or voucher number."),
        limit: int = typer.Option(20, "--limit", "-n", help="How many journal lines to show."),
        warehouse: Annotated[
            Warehouse,
            typer.Option(
                "--warehouse",
                "-w",
                help="Read the published warehouse (default) or the unpublished build.",
            ),
        ] = Warehouse.published,
        as_of: str | None = AS_OF_OPTION,
    ) -> None:
        """Trace a statement line, an account or a voucher to its journal lines and documents.

        Give --entity and --period with --line or --account, or give --voucher alone.
        """
        starts = [
            name
            for name, value in (("--line", line), ("--account", account), ("--voucher", voucher))
            if value
        ]
        if len(starts) != 1:
            raise YecaiError(
                "trace needs exactly one of --line, --account or --voucher"
                + (f" (got {', '.join(starts)})" if starts else ""),
                "e.g. yecai trace --entity E01 --period 2024-03 --line BS04",
            )
        if not voucher and not (entity and period):
            raise YecaiError(
                f"{starts[0]} needs --entity and --period",
                "e.g. yecai trace --entity E01 --period 2024-03 " + f"{starts[0]} …",
            )
        if period:
            parse_period(period)
        console = Console()
        con = connect_read_only(warehouse, as_of)
        try:
            for relation in (
                "gl_lines",
                "trial_balance",
                "statement_drilldown",
                "business_documents",
            ):
                require_relation(con, "finance", relation)
            if line:
                steps = [
                    q.line_amount_query(entity, period, line),
                    q.line_accounts_query(entity, period, line),
                    q.line_journal_query(entity, period, line, limit),
                ]
            elif account:
                steps = [q.account_journal_query(entity, period, account, limit)]
            else:
                steps = [q.voucher_journal_query(voucher)]
            journal: tuple[list[str], list[tuple]] = ([], [])
            for step in steps:
                columns, rows = run_query(con, step)
                print_table(console, step.title, columns, rows)
                journal = (columns, rows)
            if line and not run_query(con, steps[0])[1]:
                raise YecaiError(
                    f"no line {line} for entity {entity} in {period}",
                    "check the entity and period in finance.trial_balance and the line code in "
                    "finance.statement_lines",
                )
            documents = q.documents_query(_documents_behind(*journal))
            columns, rows = run_query(con, documents)
            print_table(console, documents.title, columns, rows)
        finally:
            con.close()
