"""SQL for drill-through (穿透): statement line → accounts → journal lines → documents.

Pure functions: each returns a ``Query`` (SQL with ``?`` placeholders and its parameters)
that the trace command runs against the warehouse. Keeping them pure lets the chain be
tested without a database and keeps every user value out of the SQL text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from yecai.errors import YecaiError

LINE_CODE_PATTERN = re.compile(r"^(BS|IS|CF)_?[A-Z0-9_]+$")
STATEMENT_MART_BY_PREFIX = {
    "BS": "finance.balance_sheet",
    "IS": "finance.income_statement",
    "CF": "finance.cash_flow_statement",
}
# What a reviewer needs to recognise a line and find its voucher and document; the full
# line (currencies, amounts in every currency) is one query away in finance.gl_lines.
JOURNAL_COLUMNS = (
    "posting_date, voucher_no, line_no, account_code, account_name, debit, credit, "
    "party_code, source_document_type, source_document_id, batch_id"
)


@dataclass(frozen=True)
class Query:
    """One step of the chain: what it shows, its SQL and its parameters."""

    title: str
    sql: str
    params: tuple[object, ...]


def statement_mart_for_line(line_code: str) -> str:
    """The mart a line lives in, from its prefix (BS_/IS_/CF_), or a YecaiError."""
    if not LINE_CODE_PATTERN.match(line_code or ""):
        raise YecaiError(
            f"line code {line_code!r} is not a statement line",
            "use a line code of master_seeds.cas_statement_lines, "
            "e.g. BS04 (应收账款), IS01 (营业收入) or CF_NET_OPERATING",
        )
    return STATEMENT_MART_BY_PREFIX[line_code[:2]]


def line_amount_query(entity_code: str, period: str, line_code: str) -> Query:
    """The printed amount of the line, the first link of the chain."""
    mart = statement_mart_for_line(line_code)
    return Query(
        title=f"{line_code} on {mart}",
        sql=(
            f"select entity_code, period, line_code, line_name_zh, line_name_en, "
            f"amount, comparative_amount from {mart} "
            "where entity_code = ? and period = ? and line_code = ?"
        ),
        params=(entity_code, period, line_code),
    )


def line_accounts_query(entity_code: str, period: str, line_code: str) -> Query:
    """The accounts mapped to the line, with their trial-balance figures for the period."""
    statement_mart_for_line(line_code)
    return Query(
        title=f"accounts behind {line_code}",
        sql=(
            "select tb.account_code, tb.account_name, tb.opening_balance, tb.debit, tb.credit, "
            "tb.closing_balance "
            "from finance.trial_balance as tb "
            "join finance.account_statement_lines as m on m.account_code = tb.account_code "
            "where tb.entity_code = ? and tb.period = ? and m.line_code = ? "
            "order by tb.account_code"
        ),
        params=(entity_code, period, line_code),
    )


def line_journal_query(entity_code: str, period: str, line_code: str, limit: int) -> Query:
    """The period's journal lines behind the line, largest first."""
    statement_mart_for_line(line_code)
    return Query(
        title=f"journal lines behind {line_code} in {period}",
        sql=(
            f"select {JOURNAL_COLUMNS} from finance.statement_drilldown "
            "where entity_code = ? and period = ? and line_code = ? "
            "order by abs(amount_functional) desc, voucher_no, line_no limit ?"
        ),
        params=(entity_code, period, line_code, _positive(limit)),
    )


def account_journal_query(entity_code: str, period: str, account_code: str, limit: int) -> Query:
    """The period's journal lines on one account (the account is matched on its prefix)."""
    if not account_code or not account_code.strip():
        raise YecaiError("the account code is empty", "give an account such as --account 1122")
    return Query(
        title=f"journal lines on account {account_code} in {period}",
        sql=(
            f"select {JOURNAL_COLUMNS} from finance.gl_lines "
            "where entity_code = ? and period = ? and starts_with(account_code, ?) "
            "order by abs(amount_functional) desc, voucher_no, line_no limit ?"
        ),
        params=(entity_code, period, account_code.strip(), _positive(limit)),
    )


def voucher_journal_query(voucher_id: str) -> Query:
    """Every line of one voucher, in line order."""
    if not voucher_id or not voucher_id.strip():
        raise YecaiError("the voucher id is empty", "give a voucher such as --voucher <voucher_id>")
    return Query(
        title=f"voucher {voucher_id}",
        sql=(
            f"select {JOURNAL_COLUMNS} from finance.gl_lines "
            "where voucher_id = ? or voucher_no = ? order by voucher_no, line_no"
        ),
        params=(voucher_id.strip(), voucher_id.strip()),
    )


def documents_query(document_keys: list[tuple[str, str]]) -> Query:
    """The business documents behind a set of journal lines (type, id pairs)."""
    keys = sorted({(t, i) for t, i in document_keys if t and i})
    if not keys:
        return Query(title="business documents", sql="", params=())
    placeholders = ", ".join(["(?, ?)"] * len(keys))
    params: list[object] = []
    for document_type, document_id in keys:
        params.extend((document_type, document_id))
    return Query(
        title="business documents",
        sql=(
            "select document_type, document_id, document_no, entity_code, document_date, "
            "party_code, currency, amount, source_system, batch_id "
            "from finance.business_documents "
            f"where (document_type, document_id) in ({placeholders}) "
            "order by document_type, document_date, document_id"
        ),
        params=tuple(params),
    )


def _positive(limit: int) -> int:
    if limit < 1:
        raise YecaiError(f"--limit {limit} shows nothing", "give a limit of 1 or more")
    return limit
