"""Run drill-through queries and print each link of the chain as a rich table.

Every cell is source data (document numbers, names, descriptions) and is printed as plain
text: a ``[link=…]`` or ``[bold]`` in a document number must show as written, not become a
clickable link or a style.
"""

from __future__ import annotations

from decimal import Decimal

import duckdb
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from orchestration.finance_reports.drilldown_sql import Query


def run_query(con: duckdb.DuckDBPyConnection, query: Query) -> tuple[list[str], list[tuple]]:
    """Column names and rows of a query; an empty query (nothing to look up) gives nothing."""
    if not query.sql:
        return [], []
    cursor = con.execute(query.sql, list(query.params))
    return [d[0] for d in cursor.description], cursor.fetchall()


def _cell(value: object) -> Text:
    """A value as literal text (rich would read ``[…]`` in a string as markup)."""
    if value is None:
        return Text("")
    if isinstance(value, Decimal):
        return Text(f"{value:,.2f}")
    return Text(str(value))


def print_table(console: Console, title: str, columns: list[str], rows: list[tuple]) -> None:
    """One rich table; amounts right-aligned with thousands separators."""
    table = Table(title=Text(title), show_lines=False, title_justify="left")
    numeric = [
        bool(rows) and all(isinstance(r[i], (int, Decimal)) or r[i] is None for r in rows)
        for i in range(len(columns))
    ]
    for name, is_number in zip(columns, numeric, strict=True):
        table.add_column(Text(name), justify="right" if is_number else "left", overflow="fold")
    for row in rows:
        table.add_row(*(_cell(v) for v in row))
    if not rows:
        console.print(f"[bold]{escape(title)}[/]: [yellow]nothing found[/]", highlight=False)
        return
    console.print(table)
