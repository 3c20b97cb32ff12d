"""``yecai report statements``: the CAS statements of one entity and period to XLSX and CSV."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from orchestration.finance_reports.statement_files import NegativeStyle
from orchestration.finance_reports.statements_export import export_statements
from orchestration.finance_reports.warehouse import AS_OF_OPTION, Warehouse, connect_read_only
from yecai.published import current_snapshot
from yecai.settings import get_paths


def register(app: typer.Typer) -> None:
    """Add ``statements`` under ``yecai report``."""

    @app.command("statements")
    def statements(
        entity: str = typer.Option(
            ..., "--entity", "-e", help="Legal entity code, or GROUP for the consolidated group."
        ),
        period: str = typer.Option(..., "--period", "-p", help="Fiscal period, YYYY-MM."),
        warehouse: Annotated[
            Warehouse,
            typer.Option(
                "--warehouse",
                "-w",
                help="Read the published warehouse (default) or the unpublished build.",
            ),
        ] = Warehouse.published,
        as_of: str | None = AS_OF_OPTION,
        negatives: Annotated[
            NegativeStyle,
            typer.Option(
                "--negatives",
                help="Print negative amounts in brackets (the accountants' convention, default) "
                "or with a minus sign (the CAS forms' “－”).",
            ),
        ] = NegativeStyle.parentheses,
    ) -> None:
        """Write the four CAS statements (资产负债表、利润表、现金流量表 with 补充资料、所有者权益变动表)
        of an entity, or of the consolidated GROUP, with their comparatives, to an XLSX workbook
        laid out for filing and printing, and to CSV files, under the reports folder.

        With --as-of, the statements as published then, under reports/as_of_<snapshot>/."""
        console = Console()
        reports = get_paths().reports
        with console.status(f"reading the statements of {entity} for {period}…"):
            con = connect_read_only(warehouse, as_of)
            try:
                if as_of:
                    snapshot = current_snapshot(con)
                    console.print(f"as of {as_of}: published snapshot {snapshot}")
                    reports = reports / f"as_of_{snapshot}"
                result = export_statements(con, entity, period, reports, negatives)
            finally:
                con.close()
        console.print(f"[green]wrote[/] {result.xlsx}")
        for path in result.csv_files:
            console.print(f"[green]wrote[/] {path}")
