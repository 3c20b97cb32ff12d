"""How a finance team expects the CAS statements to look, decided without any I/O.

The marts hold one row per entity × period × line (the equity statement: × column); this module
turns those rows into the printed layout of the general-enterprise formats of 财会〔2019〕6号
(会企01表 … 会企04表): title, form number, the 编制单位 / 期间 / 币种 / 单位 line, column headings,
行次, headings, bold totals, the balance sheet's two halves and the cash flow statement's
补充资料. The XLSX, CSV and HTML writers render it. Amounts stay ``Decimal`` from the warehouse
to the cell, and a comparative the books do not hold stays ``None`` (blank), never zero.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from yecai.errors import YecaiError

PERIOD_PATTERN = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
# What the 币种 line prints for the currencies the books carry; any other prints its ISO code.
CURRENCY_NAMES = {
    "CNY": "人民币",
    "SGD": "新加坡元",
    "USD": "美元",
    "HKD": "港元",
    "EUR": "欧元",
    "JPY": "日元",
}


@dataclass(frozen=True)
class StatementKind:
    """One of the four statements: its mart, form, titles, column headings and paper."""

    key: str
    mart: str
    form_no: str
    title_zh: str
    title_en: str
    amount_heading: str
    comparative_heading: str
    landscape: bool
    # the period line: a balance sheet is at a date, the others cover the year to date
    at_period_end: bool


BALANCE_SHEET = StatementKind(
    key="balance_sheet",
    mart="balance_sheet",
    form_no="会企01表",
    title_zh="资产负债表",
    title_en="Balance sheet",
    amount_heading="期末余额",
    comparative_heading="上年年末余额",
    landscape=True,
    at_period_end=True,
)
INCOME_STATEMENT = StatementKind(
    key="income_statement",
    mart="income_statement",
    form_no="会企02表",
    title_zh="利润表",
    title_en="Income statement",
    amount_heading="本期金额",
    comparative_heading="上期金额",
    landscape=False,
    at_period_end=False,
)
CASH_FLOW_STATEMENT = StatementKind(
    key="cash_flow_statement",
    mart="cash_flow_statement",
    form_no="会企03表",
    title_zh="现金流量表",
    title_en="Cash flow statement",
    amount_heading="本期金额",
    comparative_heading="上期金额",
    landscape=False,
    at_period_end=False,
)
EQUITY_STATEMENT = StatementKind(
    key="equity_statement",
    mart="equity_statement",
    form_no="会企04表",
    title_zh="所有者权益变动表",
    title_en="Statement of changes in owners' equity",
    amount_heading="本年金额",
    comparative_heading="上年金额",
    landscape=True,
    at_period_end=False,
)
STATEMENTS: tuple[StatementKind, ...] = (
    BALANCE_SHEET,
    INCOME_STATEMENT,
    CASH_FLOW_STATEMENT,
    EQUITY_STATEMENT,
)


@dataclass(frozen=True)
class PrintedLine:
    """One printed row. ``amounts`` / ``comparatives`` hold one value per value column (the
    equity statement has one per component of equity); None prints blank."""

    line_no: int | None
    line_code: str
    label: str
    kind: str
    panel: str
    amounts: tuple[Decimal | None, ...]
    comparatives: tuple[Decimal | None, ...]

    @property
    def is_total(self) -> bool:
        return self.kind == "total"

    @property
    def is_heading(self) -> bool:
        return self.kind == "heading"

    @property
    def amount(self) -> Decimal | None:
        return self.amounts[0]

    @property
    def comparative_amount(self) -> Decimal | None:
        return self.comparatives[0]


@dataclass(frozen=True)
class PrintedStatement:
    """A statement ready to render: the heading block and its lines in print order."""

    kind: StatementKind
    entity_code: str
    entity_name: str
    period: str
    currency: str
    lines: tuple[PrintedLine, ...]
    # captions of the value columns (the equity statement's components); one for the others
    value_columns: tuple[str, ...] = ("",)

    @property
    def title(self) -> str:
        return self.kind.title_zh

    @property
    def heading_rows(self) -> tuple[str, str, str]:
        """编制单位 / 期间 / 币种和单位 — what every Chinese statement prints above the table."""
        return (
            f"编制单位：{self.entity_name}",
            period_caption(self.period, self.kind.at_period_end),
            f"币种：{CURRENCY_NAMES.get(self.currency, self.currency)}　单位：元",
        )

    @property
    def column_headings(self) -> tuple[str, str, str, str]:
        return ("项目", "行次", self.kind.amount_heading, self.kind.comparative_heading)

    def panel(self, name: str) -> tuple[PrintedLine, ...]:
        """The lines of one panel (balance sheet: assets / liabilities_and_equity)."""
        return tuple(line for line in self.lines if line.panel == name)

    def line(self, line_code: str) -> PrintedLine:
        """The printed line ``line_code``; a YecaiError names a line that is absent."""
        for line in self.lines:
            if line.line_code == line_code:
                return line
        raise YecaiError(
            f"line {line_code} is not on the {self.kind.title_en.lower()} of "
            f"{self.entity_code} {self.period}",
            "check the line code against seed cas_statement_lines",
        )

    def total(self, line_code: str) -> Decimal | None:
        """The amount printed on ``line_code``."""
        return self.line(line_code).amount


def parse_period(period: str) -> str:
    """Accept 'YYYY-MM' and return it; anything else is a user error that says the form."""
    if not PERIOD_PATTERN.match(period or ""):
        raise YecaiError(
            f"period {period!r} is not a fiscal period",
            "give the period as YYYY-MM, for example --period 2024-03",
        )
    return period


def period_caption(period: str, at_period_end: bool) -> str:
    """The period line: a balance sheet's date (2025年6月30日); otherwise the months the
    year-to-date figures cover (2025年1—6月, or 2025年度 for a whole year)."""
    year, month = (int(part) for part in parse_period(period).split("-"))
    if at_period_end:
        return f"{year}年{month}月{calendar.monthrange(year, month)[1]}日"
    if month == 12:
        return f"{year}年度"
    return f"{year}年1月" if month == 1 else f"{year}年1—{month}月"


def as_amount(value: object) -> Decimal | None:
    """A warehouse amount as Decimal; None stays None (a blank cell, never a zero)."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        raise TypeError("statement amounts must be Decimal, never float")
    return Decimal(str(value))


def _label(name: str, kind: str, indent_details: bool) -> str:
    # Detail and memo lines are indented under their heading, the way the CAS forms print them.
    if kind in ("detail", "memo") and indent_details:
        return "  " + name
    return name


def _check_rows(kind: StatementKind, entity_code: str, period: str, rows: list) -> None:
    if not rows:
        raise YecaiError(
            f"finance.{kind.mart} has no rows for entity {entity_code} and period {period}",
            "rebuild the marts with `yecai run`; if they are built, the statement "
            "layout seed cas_statement_lines is empty",
        )


def _numbered(kinds: Iterable[str]) -> list[int | None]:
    """行次: every line but headings, numbered 1.. in print order."""
    numbers, next_no = [], 1
    for kind in kinds:
        if kind == "heading":
            numbers.append(None)
        else:
            numbers.append(next_no)
            next_no += 1
    return numbers


def layout_statement(
    kind: StatementKind,
    entity_code: str,
    entity_name: str,
    period: str,
    rows: Iterable[Mapping[str, object]],
    currency: str = "CNY",
) -> PrintedStatement:
    """Order a line statement's mart rows by ``line_order``, number them and mark their kind."""
    ordered = sorted(rows, key=lambda r: (int(r["line_order"]), str(r["line_code"])))
    _check_rows(kind, entity_code, period, ordered)
    # the income statement's names carry their own 一、二、; the others indent details
    indent = kind.key != INCOME_STATEMENT.key
    kinds = [str(r.get("line_kind") or ("total" if r["is_total"] else "detail")) for r in ordered]
    lines = tuple(
        PrintedLine(
            line_no=number,
            line_code=str(row["line_code"]),
            label=_label(str(row["line_name_zh"]), line_kind, indent),
            kind=line_kind,
            panel=str(row.get("panel") or "main"),
            amounts=(as_amount(row["amount"]),),
            comparatives=(as_amount(row["comparative_amount"]),),
        )
        for row, line_kind, number in zip(ordered, kinds, _numbered(kinds), strict=True)
    )
    return PrintedStatement(kind, entity_code, entity_name, period, currency, lines)


def layout_equity_statement(
    entity_code: str,
    entity_name: str,
    period: str,
    rows: Iterable[Mapping[str, object]],
    currency: str = "CNY",
) -> PrintedStatement:
    """The 所有者权益变动表: one printed line per row, one value per component column."""
    rows = list(rows)
    _check_rows(EQUITY_STATEMENT, entity_code, period, rows)
    columns = sorted({(int(r["column_order"]), str(r["column_name_zh"])) for r in rows})
    column_index = {name: i for i, (_, name) in enumerate(columns)}
    by_line: dict[str, dict] = {}
    for row in rows:
        line = by_line.setdefault(
            str(row["line_code"]),
            {
                "order": int(row["line_order"]),
                "name": str(row["line_name_zh"]),
                "kind": "total" if row["is_total"] else "detail",
                "amounts": [None] * len(columns),
                "comparatives": [None] * len(columns),
            },
        )
        index = column_index[str(row["column_name_zh"])]
        line["amounts"][index] = as_amount(row["amount"])
        line["comparatives"][index] = as_amount(row["comparative_amount"])
    ordered = sorted(by_line.items(), key=lambda item: (item[1]["order"], item[0]))
    kinds = [spec["kind"] for _, spec in ordered]
    lines = tuple(
        PrintedLine(
            line_no=number,
            line_code=code,
            label=spec["name"],
            kind=spec["kind"],
            panel="main",
            amounts=tuple(spec["amounts"]),
            comparatives=tuple(spec["comparatives"]),
        )
        for (code, spec), number in zip(ordered, _numbered(kinds), strict=True)
    )
    return PrintedStatement(
        EQUITY_STATEMENT,
        entity_code,
        entity_name,
        period,
        currency,
        lines,
        value_columns=tuple(name for _, name in columns),
    )


def report_file_stem(entity_code: str, period: str) -> str:
    """File names the finance team can sort: ``<entity>_<period>``, safe on every OS."""
    safe_entity = re.sub(r"[^0-9A-Za-z_-]+", "_", entity_code).strip("_") or "entity"
    return f"{safe_entity}_{parse_period(period)}"
