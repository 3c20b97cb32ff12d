"""Trade between the demo group's own entities: both sides booked, mismatches real and logged."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from decimal import Decimal

import pytest

from demo import defects as D
from demo.defects import DefectConfig, DefectLog
from demo.erp.generate import generate_erp
from demo.erp2.generate import generate_erp2
from demo.intercompany import CUSTOMER_NO, VENDOR_NO, plan_intercompany
from demo.world import build_world

pytestmark = pytest.mark.unit


def _rows(tables, name):
    return [dict(zip(tables.columns[name], r, strict=True)) for r in tables.rows[name]]


@pytest.fixture(scope="module")
def group():
    world = build_world(11, 0.01)
    log = DefectLog()
    erp = generate_erp(world, log, DefectConfig()).tables
    erp2 = generate_erp2(world, log, DefectConfig())
    return world, log, erp, erp2


def test_the_plan_is_deterministic_trades_both_routes_and_settles_within_the_year():
    world = build_world(11, 0.01)
    plan = plan_intercompany(world)
    assert plan == plan_intercompany(build_world(11, 0.01))
    routes = {(s.seller, s.buyer, s.currency) for s in plan.sales}
    assert routes == {("E02", "E01", "CNY"), ("E01", "E03", "SGD")}
    assert all(s.settle_date <= world.end_date for s in plan.sales)
    assert all(s.settle_date > s.buyer_date >= s.invoice_date for s in plan.sales)
    for route in routes:
        kinds = {s.mismatch for s in plan.sales if (s.seller, s.buyer, s.currency) == route}
        assert {"amount", "timing"} <= kinds, route
    assert plan.loans and plan.loans[0].currency == "CNY"
    clean = plan_intercompany(world, replace(DefectConfig(), intercompany_mismatch=0.0))
    assert {s.mismatch for s in clean.sales} == {None}


def test_both_sides_book_every_sale_and_differ_only_where_the_log_says(group):
    world, log, erp, erp2 = group
    sellers = {
        r["invoice_no"]: r
        for r in _rows(erp, "customer_invoices")
        if r["customer_no"] in CUSTOMER_NO.values()
    }
    buyers = {
        r["vendor_invoice_ref"]: r
        for r in _rows(erp, "supplier_invoices")
        if r["vendor_no"] in VENDOR_NO.values()
    }
    buyers |= {
        r["supplier_ref"]: r for r in _rows(erp2, "purchase_invoices") if r["bp_id"] == "BPIC01"
    }
    plan = plan_intercompany(world)
    assert set(sellers) == {s.number("IV") for s in plan.sales} == set(buyers)
    mismatched = {d.key: d.detail for d in log.of_kind(D.INTERCOMPANY_MISMATCH)}
    assert mismatched and set(mismatched) <= set(sellers)
    for invoice_no, seller in sellers.items():
        buyer = buyers[invoice_no]
        buyer_total = buyer.get("gross_amount", buyer.get("doc_total"))
        buyer_date = buyer.get("invoice_date", buyer.get("doc_date"))
        same = (
            buyer_total == seller["gross_amount"]
            and buyer_date.month == seller["invoice_date"].month
        )
        assert same == (invoice_no not in mismatched), (invoice_no, mismatched.get(invoice_no))


def test_the_ground_truth_logs_each_side_of_each_trade_and_the_loan(group):
    world, log, erp, erp2 = group
    logged = defaultdict(set)
    for d in log.of_kind(D.INTERCOMPANY_TRANSACTION):
        logged[(d.system, d.entity)].add(d.key)
    plan = plan_intercompany(world)
    assert logged[("erp", "customer_invoices")] == {s.number("IV") for s in plan.sales}
    assert logged[("erp", "supplier_invoices")] == {
        s.number("SI") for s in plan.sales if s.buyer == "E01"
    }
    assert logged[("erp2", "purchase_invoices")] == {
        s.erp2_number("PIN") for s in plan.sales if s.buyer == "E03"
    }
    assert len(logged[("erp", "journal_vouchers")]) == 2  # the loan, lent and borrowed


def test_intercompany_vouchers_balance_and_the_loan_pays_interest_every_month(group):
    world, _, erp, _ = group
    vouchers = {v["voucher_no"]: v for v in _rows(erp, "journal_vouchers")}
    balance = defaultdict(Decimal)
    for line in _rows(erp, "journal_lines"):
        if (
            vouchers[line["voucher_no"]]["source_doc_no"]
            and "IC" in vouchers[line["voucher_no"]]["source_doc_no"]
        ):
            balance[line["voucher_no"]] += line["debit"] - line["credit"]
    assert balance and set(balance.values()) == {Decimal(0)}
    loan = plan_intercompany(world).loans[0]
    interest = [v for v in vouchers.values() if v["source_doc_type"] == "LOAN_INTEREST"]
    months = {v["source_doc_no"].split("|")[1] for v in interest}
    assert len(interest) == 2 * len(months) and f"{world.end_date:%Y-%m}" in months
    assert all(v["source_doc_no"].startswith(loan.number) for v in interest)
