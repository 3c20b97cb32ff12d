"""How a finance team expects the CAS statements to look, decided without any I/O.

The marts hold one row per entity × period × line; this module turns those rows into
the printed layout (title, column headings, line numbers, bold totals) that the XLSX
and CSV writers render. Amounts stay ``Decimal`` from the warehouse to the cell.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from yecai.errors import YecaiError

PERIOD_PATTERN = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


@dataclass(frozen=True)
class StatementKind:
    """One of the three statements: its mart, titles and column headings."""

    key: str
    mart: str
    title_zh: str
    title_en: str
    amount_heading: str
    comparative_heading: str


BALANCE_SHEET = StatementKind(
    key="balance_sheet",
    mart="balance_sheet",
    title_zh="资产负债表",
    title_en="Balance sheet",
    amount_heading="期末余额",
    comparative_heading="上年年末余额",
)
INCOME_STATEMENT = StatementKind(
    key="income_statement",
    mart="income_statement",
    title_zh="利润表",
    title_en="Income statement",
    amount_heading="本年累计金额",
    comparative_heading="上年同期累计金额",
)
CASH_FLOW_STATEMENT = StatementKind(
    key="cash_flow_statement",
    mart="cash_flow_statement",
    title_zh="现金流量表",
    title_en="Cash flow statement",
    amount_heading="本年累计金额",
    comparative_heading="上年同期累计金额",
)
STATEMENTS: tuple[StatementKind, ...] = (BALANCE_SHEET, INCOME_STATEMENT, CASH_FLOW_STATEMENT)


@dataclass(frozen=True)
class PrintedLine:
    """One printed row of a statement."""

    line_no: int
    line_code: str
    label: str
    amount: Decimal
    comparative_amount: Decimal
    is_total: bool


@dataclass(frozen=True)
class PrintedStatement:
    """A statement ready to render: the heading block and its lines in order."""

    kind: StatementKind
    entity_code: str
    entity_name: str
    period: str
    lines: tuple[PrintedLine, ...]

    @property
    def title(self) -> str:
        return self.kind.title_zh

    @property
    def heading_rows(self) -> tuple[str, str, str]:
        """编制单位 / 期间 / 单位 — what every Chinese statement prints above the table."""
        return (f"编制单位：{self.entity_name}", f"期间：{self.period}", "单位：元")

    @property
    def column_headings(self) -> tuple[str, str, str, str]:
        return ("项目", "行次", self.kind.amount_heading, self.kind.comparative_heading)

    def total(self, line_code: str) -> Decimal:
        """The amount printed on ``line_code``; a YecaiError names a line that is absent."""
        for line in self.lines:
            if line.line_code == line_code:
                return line.amount
        raise YecaiError(
            f"line {line_code} is not on the {self.kind.title_en.lower()} of {self.entity_code} {self.period}",
            "check the line code against seed cas_statement_lines (or finance.cash_flow_lines)",
        )


def parse_period(period: str) -> str:
    """Accept 'YYYY-MM' and return it; anything else is a user error that says the form."""
    if not PERIOD_PATTERN.match(period or ""):
        raise YecaiError(
            f"period {period!r} is not a fiscal period",
            "give the period as YYYY-MM, for example --period 2024-03",
        )
    return period


def _as_decimal(value: object) -> Decimal:
    # DuckDB hands decimal(18,2) back as Decimal already; None means no movement.
    if value is None:
        return Decimal("0.00")
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        raise TypeError("statement amounts must be Decimal, never float")
    return Decimal(str(value))


def _label(row: Mapping[str, object], indent_details: bool) -> str:
    name = str(row["line_name_zh"])
    # Detail lines are indented under their section, the way the CAS forms print them.
    return name if row["is_total"] or not indent_details else "  " + name


def layout_statement(
    kind: StatementKind,
    entity_code: str,
    entity_name: str,
    period: str,
    rows: Iterable[Mapping[str, object]],
) -> PrintedStatement:
    """Order the mart rows by ``line_order``, number them 1.. and mark totals bold."""
    ordered = sorted(rows, key=lambda r: (int(r["line_order"]), str(r["line_code"])))
    if not ordered:
        raise YecaiError(
            f"finance.{kind.mart} has no rows for entity {entity_code} and period {period}",
            "rebuild the marts with `yecai run`; if they are built, the statement "
            "layout seeds (cas_statement_lines, cash_flow_lines) are empty",
        )
    indent = (
        kind.key != INCOME_STATEMENT.key
    )  # the income statement's names carry their own 一、二、
    lines = tuple(
        PrintedLine(
            line_no=index,
            line_code=str(row["line_code"]),
            label=_label(row, indent),
            amount=_as_decimal(row["amount"]),
            comparative_amount=_as_decimal(row["comparative_amount"]),
            is_total=bool(row["is_total"]),
        )
        for index, row in enumerate(ordered, start=1)
    )
    return PrintedStatement(
        kind=kind, entity_code=entity_code, entity_name=entity_name, period=period, lines=lines
    )


def report_file_stem(entity_code: str, period: str) -> str:
    """File names the finance team can sort: ``<entity>_<period>``, safe on every OS."""
    safe_entity = re.sub(r"[^0-9A-Za-z_-]+", "_", entity_code).strip("_") or "entity"
    return f"{safe_entity}_{parse_period(period)}"
