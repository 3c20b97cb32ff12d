"""advance() finds the invoices nobody has paid with set-based SQL, not a scan per invoice.

The open-item queries once used correlated subqueries over unindexed columns: one scan of the
receipts and journal tables per invoice, which took advance at scale 1 past ten minutes. These
tests check the rewritten queries against a plain reading of the tables, and that SQLite's plan
for them has no correlated subquery left.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from demo import defects as D
from demo.defects import DefectConfig, DefectLog
from demo.erp.advance import OPEN_PAYABLES, OPEN_RECEIVABLES
from demo.erp.generate import generate_erp, write_erp
from demo.sqlio import parse_target
from demo.world import build_world

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def erp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[sqlite3.Connection, DefectLog]]:
    log = DefectLog()
    build = generate_erp(build_world(42, 0.01), log, DefectConfig())
    path: Path = tmp_path_factory.mktemp("erp") / "erp.sqlite"
    write_erp(build.tables, parse_target(path))
    conn = sqlite3.connect(path)
    yield conn, log
    conn.close()


def _by_hand(conn: sqlite3.Connection, receivables: bool) -> list[tuple]:
    """Open invoices from whole-table reads: no receipt (payment) names them; booked at the
    largest debit of line 10 (credit of any line) of a voucher whose source is the invoice."""
    if receivables:
        docs, key, party, settled, settled_key = (
            "customer_invoices", "invoice_no", "customer_no", "receipts", "invoice_no",
        )  # fmt: skip
        source, column = "CUSTOMER_INVOICE", "debit"
    else:
        docs, key, party, settled, settled_key = (
            "supplier_invoices", "sinv_no", "vendor_no", "payments", "sinv_no",
        )  # fmt: skip
        source, column = "SUPPLIER_INVOICE", "credit"
    paid = {r[0] for r in conn.execute(f"SELECT {settled_key} FROM {settled}")}
    voucher_source = {
        v: doc
        for v, kind, doc in conn.execute(
            "SELECT voucher_no, source_doc_type, source_doc_no FROM journal_vouchers"
        )
        if kind == source
    }
    booked: dict[str, object] = {}
    for voucher_no, line_no, amount in conn.execute(
        f"SELECT voucher_no, line_no, {column} FROM journal_lines"
    ):
        doc = voucher_source.get(voucher_no)
        if doc is None or (receivables and line_no != 10):
            continue
        booked[doc] = amount if doc not in booked else max(booked[doc], amount)
    rows = conn.execute(
        f"SELECT {key}, company_code, {party}, currency, gross_amount, exchange_rate, due_date "
        f"FROM {docs}"
    )
    return sorted((*r, booked.get(r[0])) for r in rows if r[0] not in paid)


@pytest.mark.parametrize("receivables", [True, False], ids=["receivables", "payables"])
def test_open_items_match_a_plain_reading_of_the_tables(
    erp: tuple[sqlite3.Connection, DefectLog], receivables: bool
) -> None:
    conn, log = erp
    query = OPEN_RECEIVABLES if receivables else OPEN_PAYABLES
    got = conn.execute(query).fetchall()
    expected = _by_hand(conn, receivables)
    assert got == expected
    # Both kinds of row are there: open invoices with a voucher, and at least one whose
    # voucher was never posted (not_booked), which must come back with no booked amount.
    assert any(r[-1] is not None for r in got)
    entity = "customer_invoices" if receivables else "supplier_invoices"
    unbooked = log.keys(D.NOT_BOOKED, "erp", entity) & {r[0] for r in got}
    assert {r[0] for r in got if r[-1] is None} == unbooked


@pytest.mark.parametrize("query", [OPEN_RECEIVABLES, OPEN_PAYABLES], ids=["ar", "ap"])
def test_open_item_queries_have_no_correlated_subquery(
    erp: tuple[sqlite3.Connection, DefectLog], query: str
) -> None:
    conn, _log = erp
    plan = [row[-1] for row in conn.execute(f"EXPLAIN QUERY PLAN {query}")]
    assert plan, "no query plan"
    assert not [step for step in plan if "CORRELATED" in step], plan
