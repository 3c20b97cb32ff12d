"""The group ERP's books are coherent, and every defect the ground truth names is really there."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal

import pytest

from demo import defects as D
from demo.defects import DefectConfig, DefectLog
from demo.erp.charts import CHARTS, FUNCTION_GROUP, LATE_ACCOUNTS, account_for
from demo.erp.generate import ENTITY_COMPANY, generate_erp
from demo.uscc import is_valid_uscc
from demo.world import build_world, payroll_totals_by_cost_center

pytestmark = pytest.mark.unit

# Rates high enough that every kind shows up at scale 0.01.
LOUD = replace(
    DefectConfig(),
    duplicate_row=0.1,
    missing_key=0.02,
    invalid_uscc=0.1,
    unbalanced_voucher=0.01,
    unmapped_code=0.1,
    cross_system_alias=0.1,
    wrong_amount=0.02,
    wrong_account=0.02,
    not_booked=0.02,
    booked_without_document=0.05,
    late_arriving=0.05,
    retroactive_change=0.05,
)


class Erp:
    """Rows of one generated ERP as dicts, plus its defect log."""

    def __init__(self, seed: int, config: DefectConfig) -> None:
        self.world = build_world(seed, 0.01)
        self.log = DefectLog()
        self.build = generate_erp(self.world, self.log, config)
        t = self.build.tables
        self.rows = {
            name: [dict(zip(t.columns[name], r, strict=True)) for r in rows]
            for name, rows in t.rows.items()
        }

    def by(self, table: str, key: str) -> dict:
        return {r[key]: r for r in self.rows[table]}

    def voucher_imbalance(self) -> dict[str, Decimal]:
        out: dict[str, Decimal] = defaultdict(Decimal)
        for line in self.rows["journal_lines"]:
            out[line["voucher_no"]] += line["debit"] - line["credit"]
        return out

    def vouchers_for(self, source_no: str) -> list[dict]:
        return [v for v in self.rows["journal_vouchers"] if v["source_doc_no"] == source_no]

    def lines_of(self, voucher_no: str) -> list[dict]:
        return [ln for ln in self.rows["journal_lines"] if ln["voucher_no"] == voucher_no]


@pytest.fixture(scope="module")
def clean() -> Erp:
    return Erp(42, DefectConfig.none())


@pytest.fixture(scope="module")
def noisy() -> Erp:
    return Erp(42, LOUD)


def _digest(erp: Erp) -> str:
    h = hashlib.sha256()
    for name, rows in sorted(erp.build.tables.rows.items()):
        h.update(name.encode())
        for row in rows:
            h.update(repr(row).encode())
    return h.hexdigest()


def test_same_seed_same_rows_different_seed_different(clean: Erp) -> None:
    assert _digest(Erp(42, DefectConfig.none())) == _digest(clean)
    assert _digest(Erp(7, DefectConfig.none())) != _digest(clean)


def test_clean_books_balance_per_voucher_entity_and_period(clean: Erp) -> None:
    # trade between the group's own entities is logged, but is no defect
    assert [d for d in clean.log.entries if d.kind != D.INTERCOMPANY_TRANSACTION] == []
    assert all(v == 0 for v in clean.voucher_imbalance().values())
    periods: dict[tuple, Decimal] = defaultdict(Decimal)
    vouchers = clean.by("journal_vouchers", "voucher_no")
    for line in clean.rows["journal_lines"]:
        v = vouchers[line["voucher_no"]]
        periods[(v["company_code"], v["fiscal_period"])] += line["debit"] - line["credit"]
        assert line["account_no"] is not None
        assert not (line["debit"] and line["credit"])
    assert set(periods.values()) == {Decimal(0)}


def test_every_line_posts_to_a_postable_account_of_its_company(clean: Erp) -> None:
    postable = {
        (a["company_code"], a["account_no"])
        for a in clean.rows["chart_of_accounts"]
        if a["is_postable"]
    }
    used = {(ln["company_code"], ln["account_no"]) for ln in clean.rows["journal_lines"]}
    assert used <= postable
    assert CHARTS["1000"] != CHARTS["2000"]
    assert account_for("1000", "ar") != account_for("2000", "ar")


def test_balance_sheet_balances_after_closing_profit(clean: Erp) -> None:
    types = {
        (a["company_code"], a["account_no"]): a["account_type"]
        for a in clean.rows["chart_of_accounts"]
    }
    for company in ENTITY_COMPANY.values():
        by_type: dict[str, Decimal] = defaultdict(Decimal)
        for ln in clean.rows["journal_lines"]:
            if ln["company_code"] == company:
                by_type[types[(company, ln["account_no"])]] += ln["debit"] - ln["credit"]
        assets = by_type["ASSET"]
        liabilities_equity = -(by_type["LIABILITY"] + by_type["EQUITY"])
        profit = -(by_type["REVENUE"] + by_type["EXPENSE"] + by_type["COST"])
        assert assets == liabilities_equity + profit
        assert assets > 0


def test_every_document_booked_once_and_ar_ties_to_invoices(clean: Erp) -> None:
    for table, key in [
        ("customer_invoices", "invoice_no"),
        ("deliveries", "delivery_no"),
        ("goods_receipts", "gr_no"),
        ("supplier_invoices", "sinv_no"),
        ("receipts", "receipt_no"),
        ("payments", "payment_no"),
    ]:
        booked = defaultdict(int)
        for v in clean.rows["journal_vouchers"]:
            booked[v["source_doc_no"]] += 1
        assert all(booked[r[key]] == 1 for r in clean.rows[table]), table
    # AR control (CNY invoices only: no FX revaluation) = invoiced gross - received.
    ar = account_for("1000", "ar")
    cny_invoices = {
        i["invoice_no"]: i
        for i in clean.rows["customer_invoices"]
        if i["company_code"] == "1000" and i["currency"] == "CNY"
    }
    receipts = {r["invoice_no"] for r in clean.rows["receipts"]}
    open_gross = sum(i["gross_amount"] for no, i in cny_invoices.items() if no not in receipts)
    vouchers = clean.by("journal_vouchers", "voucher_no")
    cny_customers = {c["customer_no"] for c in clean.rows["customers"] if c["currency"] == "CNY"}
    control = sum(
        ln["debit"] - ln["credit"]
        for ln in clean.rows["journal_lines"]
        if ln["company_code"] == "1000"
        and ln["account_no"] == ar
        and ln["customer_no"] in cny_customers
        and vouchers[ln["voucher_no"]]["source_doc_type"] in ("CUSTOMER_INVOICE", "RECEIPT")
    )
    assert control == open_gross


def test_payroll_vouchers_match_hr_payroll_totals(clean: Erp) -> None:
    world = clean.world
    for entity, company in ENTITY_COMPANY.items():
        for year, month in [(2025, 1), (2025, 7), (2025, 12)]:
            totals = payroll_totals_by_cost_center(world, entity, year, month)
            for cc, tot in totals.items():
                (voucher,) = clean.vouchers_for(f"{cc}|{year}-{month:02d}")
                assert voucher["source_doc_type"] == "PAYROLL"
                lines = clean.lines_of(voucher["voucher_no"])
                function = next(o.function for o in world.org_units if o.cost_center_code == cc)
                salary_account = account_for(company, f"{FUNCTION_GROUP[function]}.salary")
                salary = [ln for ln in lines if ln["account_no"] == salary_account]
                assert sum(ln["debit"] for ln in salary) == tot["gross"]
                assert all(ln["cost_center"] == cc for ln in lines)


def test_defect_log_lists_every_kind_the_erp_injects(noisy: Erp) -> None:
    kinds = set(noisy.log.counts())
    for kind in (
        D.DUPLICATE_ROW,
        D.MISSING_KEY,
        D.INVALID_USCC,
        D.UNBALANCED_VOUCHER,
        D.UNMAPPED_CODE,
        D.CROSS_SYSTEM_ALIAS,
        D.WRONG_AMOUNT,
        D.WRONG_ACCOUNT,
        D.NOT_BOOKED,
        D.BOOKED_WITHOUT_DOCUMENT,
        D.LATE_ARRIVING,
        D.RETROACTIVE_CHANGE,
    ):
        assert kind in kinds, kind
    assert all(d.system == "erp" for d in noisy.log.entries)


def test_unbalanced_vouchers_are_exactly_the_recorded_ones(noisy: Erp) -> None:
    recorded = noisy.log.keys(D.UNBALANCED_VOUCHER, "erp", "journal_vouchers")
    off = {v for v, diff in noisy.voucher_imbalance().items() if diff != 0}
    assert recorded and off == recorded
    # Trial balance per company nets to the recorded differences only.
    for company in ENTITY_COMPANY.values():
        total = sum(
            ln["debit"] - ln["credit"]
            for ln in noisy.rows["journal_lines"]
            if ln["company_code"] == company and ln["voucher_no"] not in recorded
        )
        assert total == 0


def test_master_data_defects_exist(noisy: Erp) -> None:
    customers = noisy.by("customers", "customer_no")
    vendors = noisy.by("vendors", "vendor_no")
    parties = {**customers, **vendors}
    for d in noisy.log.of_kind(D.INVALID_USCC):
        assert not is_valid_uscc(parties[d.key]["tax_id"])
    for d in noisy.log.of_kind(D.DUPLICATE_ROW):
        dup = parties[d.key]
        original = parties[d.detail.removeprefix("duplicate of ")]
        mistyped = {x.key: x.detail for x in noisy.log.of_kind(D.INVALID_USCC)}
        original_key = d.detail.removeprefix("duplicate of ")
        if (
            original_key in mistyped
        ):  # the original's code was mistyped: the duplicate has the real one
            assert mistyped[original_key].endswith(f"real {dup['tax_id']}")
        else:
            assert dup["tax_id"] == original["tax_id"]
        assert d.key != original_key
    world_names = {c.legal_name for c in noisy.world.companies}
    world_names |= {e.name for e in noisy.world.entities}  # the group's own entities as parties
    for d in noisy.log.of_kind(D.CROSS_SYSTEM_ALIAS):
        assert customers.get(d.key, vendors.get(d.key))
        name = (customers.get(d.key) or vendors[d.key]).get("customer_name") or vendors[d.key][
            "vendor_name"
        ]
        assert name not in world_names
    # Every party name that is not a legal name is explained by an alias or a duplicate.
    explained = {
        d.key for d in noisy.log.entries if d.kind in (D.CROSS_SYSTEM_ALIAS, D.DUPLICATE_ROW)
    }
    for no, c in customers.items():
        if c["customer_name"] not in world_names:
            assert no in explained


def test_document_defects_exist(noisy: Erp) -> None:
    orders = noisy.by("sales_orders", "order_no")
    invoices = noisy.by("customer_invoices", "invoice_no")
    for d in noisy.log.of_kind(D.MISSING_KEY):
        if d.entity == "sales_orders":
            assert orders[d.key]["customer_no"] is None
        else:
            voucher_no, line_no = d.key.split("|")
            (line,) = [ln for ln in noisy.lines_of(voucher_no) if ln["line_no"] == int(line_no)]
            assert line["account_no"] is None
    null_orders = {o for o, r in orders.items() if r["customer_no"] is None}
    assert null_orders == noisy.log.keys(D.MISSING_KEY, "erp", "sales_orders")
    for d in noisy.log.of_kind(D.NOT_BOOKED):
        assert noisy.vouchers_for(d.key) == []
    for d in noisy.log.of_kind(D.WRONG_AMOUNT):
        (voucher,) = noisy.vouchers_for(d.key)
        booked = sum(ln["debit"] for ln in noisy.lines_of(voucher["voucher_no"]))
        if d.entity == "customer_invoices":
            inv = invoices[d.key]
            assert booked != (inv["gross_amount"] * inv["exchange_rate"]).quantize(Decimal("0.01"))
    revenue = {account_for(c, "revenue_goods") for c in ENTITY_COMPANY.values()}
    for d in noisy.log.of_kind(D.WRONG_ACCOUNT):
        (voucher,) = noisy.vouchers_for(d.key)
        accounts = {ln["account_no"] for ln in noisy.lines_of(voucher["voucher_no"])}
        assert not accounts & ({account_for(voucher["company_code"], "ap")} | revenue)
    for d in noisy.log.of_kind(D.BOOKED_WITHOUT_DOCUMENT):
        voucher = noisy.by("journal_vouchers", "voucher_no")[d.key]
        assert voucher["source_doc_no"] not in invoices


def test_every_logged_wrong_account_was_really_booked_to_the_wrong_account() -> None:
    # Every booked document draws the defect here. The log names the account the voucher carries
    # instead of the right one; a document with no leg on the right account (services revenue,
    # say) cannot be misbooked, so it must not be logged either.
    erp = Erp(42, replace(DefectConfig.none(), wrong_account=1.0))
    logged = erp.log.of_kind(D.WRONG_ACCOUNT)
    assert logged
    assert {d.kind for d in erp.log.entries} - {D.INTERCOMPANY_TRANSACTION} == {D.WRONG_ACCOUNT}
    for d in logged:
        wrong, right = d.detail.removeprefix("booked to ").split(" instead of ")
        (voucher,) = erp.vouchers_for(d.key)
        accounts = {ln["account_no"] for ln in erp.lines_of(voucher["voucher_no"])}
        assert wrong in accounts, (d.key, d.detail, accounts)
        assert right not in accounts, (d.key, d.detail, accounts)


def test_unmapped_codes_opened_mid_year_and_used(noisy: Erp) -> None:
    recorded = [d for d in noisy.log.of_kind(D.UNMAPPED_CODE) if d.entity == "chart_of_accounts"]
    assert recorded
    chart = {(a["company_code"], a["account_no"]): a for a in noisy.rows["chart_of_accounts"]}
    for d in recorded:
        company, account = d.key.split("|")
        assert chart[(company, account)]["created_on"] > date(2025, 1, 1)
        assert account == LATE_ACCOUNTS[company].account_no
        assert any(
            ln["account_no"] == account
            for ln in noisy.rows["journal_lines"]
            if ln["company_code"] == company
        )
    products = noisy.by("products", "material_no")
    for d in noisy.log.of_kind(D.UNMAPPED_CODE):
        if d.entity == "products":
            assert products[d.key]["material_group"] == "MG99"


def test_late_and_retroactive_rows_have_later_updated_at(noisy: Erp) -> None:
    orders = noisy.by("sales_orders", "order_no")
    for d in noisy.log.of_kind(D.LATE_ARRIVING):
        o = orders[d.key]
        assert o["updated_at"].date() > o["order_date"]
        assert (o["updated_at"].year, o["updated_at"].month) != (
            o["order_date"].year,
            o["order_date"].month,
        )
    customers = noisy.by("customers", "customer_no")
    for d in noisy.log.of_kind(D.RETROACTIVE_CHANGE):
        row = orders.get(d.key) or customers[d.key]
        assert row["updated_at"] > datetime(2025, 1, 2)
