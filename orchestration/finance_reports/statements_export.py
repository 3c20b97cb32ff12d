"""Read the four statement marts for one entity and period and write them to files."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from orchestration.finance_reports.statement_files import NegativeStyle, write_csv, write_xlsx
from orchestration.finance_reports.statement_layout import (
    EQUITY_STATEMENT,
    STATEMENTS,
    PrintedStatement,
    StatementKind,
    layout_equity_statement,
    layout_statement,
    parse_period,
    report_file_stem,
)
from orchestration.finance_reports.warehouse import require_relation
from yecai.errors import YecaiError

GROUP_ENTITY = "GROUP"
LINE_COLUMNS = (
    "line_code, line_name_zh, line_name_en, line_order, is_total, line_kind, panel, "
    "currency, amount, comparative_amount"
)
EQUITY_COLUMNS = (
    "line_code, line_name_zh, line_order, is_total, column_code, column_name_zh, column_order, "
    "currency, amount, comparative_amount"
)


@dataclass(frozen=True)
class ExportResult:
    """What was written, for the command to print."""

    xlsx: Path
    csv_files: tuple[Path, ...]
    statements: tuple[PrintedStatement, ...]


def entity_name(con: duckdb.DuckDBPyConnection, entity_code: str) -> str:
    """The legal entity's name as the statement heading prints it."""
    row = con.execute(
        "select max(entity_name) from finance.balance_sheet where entity_code = ?", [entity_code]
    ).fetchone()
    return row[0] if row and row[0] else entity_code


def read_statement_rows(
    con: duckdb.DuckDBPyConnection, kind: StatementKind, entity_code: str, period: str
) -> list[dict[str, object]]:
    """The mart's rows for one entity and period, as dicts (amounts stay Decimal)."""
    require_relation(con, "finance", kind.mart)
    columns = EQUITY_COLUMNS if kind.key == EQUITY_STATEMENT.key else LINE_COLUMNS
    cursor = con.execute(
        f"select {columns} from finance.{kind.mart} where entity_code = ? and period = ?",
        [entity_code, period],
    )
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def check_entity_and_period(con: duckdb.DuckDBPyConnection, entity_code: str, period: str) -> None:
    """Say which entities or periods exist when the one asked for does not."""
    require_relation(con, "finance", "balance_sheet")
    entities = [
        r[0]
        for r in con.execute(
            "select distinct entity_code from finance.balance_sheet order by 1"
        ).fetchall()
    ]
    if entity_code not in entities:
        raise YecaiError(
            f"entity {entity_code!r} has no statements in the warehouse",
            f"use one of: {', '.join(entities) or '(none: run `yecai run` first)'}",
        )
    first, last = con.execute(
        "select min(period), max(period) from finance.balance_sheet where entity_code = ?",
        [entity_code],
    ).fetchone()
    if not (first <= period <= last):
        raise YecaiError(
            f"period {period} is outside the books of {entity_code}",
            f"give a period from {first} to {last}",
        )


def lay_out(
    kind: StatementKind, entity_code: str, name: str, period: str, rows: list[dict[str, object]]
) -> PrintedStatement:
    """The printed statement of ``kind`` from its mart rows."""
    currency = str(rows[0]["currency"]) if rows else "CNY"
    if kind.key == EQUITY_STATEMENT.key:
        return layout_equity_statement(entity_code, name, period, rows, currency)
    return layout_statement(kind, entity_code, name, period, rows, currency)


def export_statements(
    con: duckdb.DuckDBPyConnection,
    entity_code: str,
    period: str,
    reports_dir: Path,
    negatives: NegativeStyle = NegativeStyle.parentheses,
) -> ExportResult:
    """Write ``<entity>_<period>_statements.xlsx`` (four sheets) and one CSV per statement."""
    period = parse_period(period)
    check_entity_and_period(con, entity_code, period)
    name = entity_name(con, entity_code)
    statements = tuple(
        lay_out(
            kind, entity_code, name, period, read_statement_rows(con, kind, entity_code, period)
        )
        for kind in STATEMENTS
    )
    folder = reports_dir / "statements"
    stem = report_file_stem(entity_code, period)
    xlsx = write_xlsx(statements, folder / f"{stem}_statements.xlsx", negatives)
    csv_files = tuple(
        write_csv(statement, folder / f"{stem}_{statement.kind.key}.csv")
        for statement in statements
    )
    return ExportResult(xlsx=xlsx, csv_files=csv_files, statements=statements)
