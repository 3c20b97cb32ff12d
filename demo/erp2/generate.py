"""The foreign subsidiary's own accounting system ("SimpleBooks", entity E03, SGD).

Smaller and flatter than the group ERP: sales invoice → cash receipt, purchase invoice → cash
payment, monthly payroll and depreciation journals, all posted to one ``gl_entries`` table in
SGD. Its books balance per journal, except the journals recorded as unbalanced_voucher.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from demo import defects as D
from demo.defects import DefectConfig, DefectDice, DefectLog
from demo.fx import cross_rate
from demo.tables import TableSet
from demo.uscc import corrupt_uscc
from demo.world import World, money, payroll_totals_by_cost_center

SYSTEM = "erp2"
ENTITY = "E03"
SCHEMA_PATH = Path(__file__).with_name("schema.sql")
GST = Decimal("0.09")
CNY_PER_SGD = Decimal("5.36")  # for turning the World's CNY prices into SGD list prices

ACCOUNTS = [
    ("A-1000", "Cash at bank - SGD", "Asset"),
    ("A-1010", "Cash at bank - USD", "Asset"),
    ("A-1100", "Trade debtors", "Asset"),
    ("A-1200", "Inventory", "Asset"),
    ("A-1300", "GST receivable", "Asset"),
    ("A-1500", "Office equipment", "Asset"),
    ("A-1510", "Accumulated depreciation", "Asset"),
    ("A-2000", "Trade creditors", "Liability"),
    ("A-2100", "GST payable", "Liability"),
    ("A-2200", "Salaries payable", "Liability"),
    ("A-2210", "CPF payable", "Liability"),
    ("A-3000", "Share capital", "Equity"),
    ("A-3100", "Retained earnings", "Equity"),
    ("A-4000", "Sales", "Income"),
    ("A-5000", "Cost of sales", "Expense"),
    ("A-6000", "Salaries", "Expense"),
    ("A-6010", "CPF contributions", "Expense"),
    ("A-6100", "Rent", "Expense"),
    ("A-6200", "Depreciation", "Expense"),
    ("A-7000", "Exchange gain/loss", "Expense"),
]
LATE_ACCOUNT = ("A-6950", "Trade show expenses", "Expense")  # opened mid-year, unmapped
LATE_ACCOUNT_FROM = date(2025, 9, 1)
GROUPS = {
    "ELEC": "Electronics",
    "MACH": "Machinery",
    "INST": "Instruments",
    "CHEM": "Chemicals",
    "AGRI": "Food",
    "PACK": "Packaging",
    "SOFT": "Software",
    "SERV": "Services",
}


def stamp(d: date, rng: random.Random) -> datetime:
    return datetime(
        d.year, d.month, d.day, rng.randint(8, 19), rng.randint(0, 59), rng.randint(0, 59)
    )


@dataclass
class Sb:
    world: World
    rng: random.Random
    config: DefectConfig
    log: DefectLog
    tables: TableSet
    as_of: date
    bp_of: dict[str, str] = field(default_factory=dict)  # party_id → bp_id
    dup_of: dict[str, str] = field(default_factory=dict)
    item_of: dict[str, str] = field(default_factory=dict)  # sku → item_code
    seq: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    entry_id: int = 0
    late_used: bool = False
    dice: DefectDice | None = None

    def next_no(self, prefix: str, year: int) -> str:
        self.seq[prefix] += 1
        return f"{prefix}-{year % 100:02d}{self.seq[prefix]:04d}"

    def rate(self, currency: str, d: date) -> Decimal:
        if currency == "SGD":
            return Decimal("1")
        return cross_rate(self.world.seed, currency, "SGD", d)

    def hit(self, kind: str) -> bool:
        if self.dice is None:
            self.dice = DefectDice(self.config, self.rng, force_at=10)
        return self.dice.hit(kind)


# A posting: (account, side, amount_doc, currency, rate, dept, bp, memo); amount_sgd derived.
Posting = tuple[str | None, str, Decimal, str, Decimal, str | None, str | None, str]


def _sgd(p: Posting) -> Decimal:
    return money(p[2] * p[4])


def _balance(postings: list[Posting], account: str = "A-7000") -> list[Posting]:
    diff = sum((_sgd(p) if p[1] == "D" else -_sgd(p) for p in postings), Decimal(0))
    if diff == 0:
        return postings
    side = "C" if diff > 0 else "D"
    return [
        *postings,
        (account, side, abs(diff), "SGD", Decimal("1"), None, None, "Exchange difference"),
    ]


def post(
    sb: Sb,
    when: date,
    doc_type: str,
    doc_ref: str | None,
    postings: list[Posting],
    inject: bool = True,
) -> str:
    journal_no = sb.next_no("JN", when.year)
    saved = stamp(when, sb.rng)
    rows = [
        (acct, side, money(amt), ccy, rate, money(amt * rate), dept, bp, memo)
        for acct, side, amt, ccy, rate, dept, bp, memo in postings
    ]
    if inject and sb.hit(D.UNBALANCED_VOUCHER):
        delta = money(Decimal(sb.rng.randint(1, 20000)) / 100)
        acct, side, amt, ccy, rate, sgd, dept, bp, memo = rows[0]
        rows[0] = (acct, side, amt, ccy, rate, sgd + delta, dept, bp, memo)
        sb.log.record(
            D.UNBALANCED_VOUCHER,
            SYSTEM,
            "gl_entries",
            journal_no,
            f"debits - credits = {delta if side == 'D' else -delta} SGD",
        )
    for acct, side, amt, ccy, rate, sgd, dept, bp, memo in rows:
        sb.entry_id += 1
        sb.tables.add(
            "gl_entries",
            entry_id=sb.entry_id,
            journal_no=journal_no,
            posting_date=when,
            period=f"{when:%Y-%m}",
            acct_code=acct,
            dept_code=dept,
            bp_id=bp,
            doc_type=doc_type,
            doc_ref=doc_ref,
            dr_cr=side,
            currency=ccy,
            amount_doc=amt,
            fx_rate=rate,
            amount_sgd=sgd,
            memo=memo,
            updated_at=saved,
        )
    return journal_no


def _master(sb: Sb) -> None:
    w, t, rng = sb.world, sb.tables, sb.rng
    base = datetime(w.start_date.year - 1, 12, 31, 17, 0, 0)
    for code, name, cls in ACCOUNTS:
        t.add("gl_accounts", acct_code=code, acct_name=name, acct_class=cls, updated_at=base)
    code, name, cls = LATE_ACCOUNT
    t.add(
        "gl_accounts",
        acct_code=code,
        acct_name=name,
        acct_class=cls,
        updated_at=datetime.combine(LATE_ACCOUNT_FROM, datetime.min.time()).replace(hour=9),
    )
    for cc, cc_name in w.cost_centers(ENTITY):
        t.add("departments", dept_code=cc, dept_name=cc_name, updated_at=base)
    for i, p in enumerate(w.products):
        code = f"IT-{i + 1:04d}"
        sb.item_of[p.sku] = code
        t.add(
            "items",
            item_code=code,
            item_desc=p.name,
            item_group=GROUPS[p.category_code],
            unit_cost=money(p.std_cost / CNY_PER_SGD),
            unit_price=money(p.list_price / CNY_PER_SGD),
            gst_rate=GST,
            updated_at=base,
        )
    n = 10000
    parties = [c for c in w.companies if c.home_entity == ENTITY]
    for c in parties:
        n += rng.randint(1, 5)
        sb.bp_of[c.party_id] = f"BP{n}"
    for c in parties:
        _add_bp(sb, c, sb.bp_of[c.party_id], base, None)
    for c in parties:
        if sb.hit(D.DUPLICATE_ROW):
            n += 1
            sb.dup_of[c.party_id] = f"BP{n}"
            _add_bp(sb, c, f"BP{n}", base, sb.bp_of[c.party_id])


def _add_bp(sb: Sb, c, bp_id: str, base: datetime, duplicate_of: str | None) -> None:
    rng = sb.rng
    bp_type = "B" if c.is_customer and c.is_vendor else "C" if c.is_customer else "S"
    reg = c.uscc or f"{rng.randint(190000000, 202599999)}{rng.choice('CDEGHKMNRW')}"
    name = c.legal_name
    created, updated = c.created_on, base
    if duplicate_of:
        name = rng.choice(c.aliases) if c.aliases else name
        created = sb.world.start_date + timedelta(days=rng.randint(20, 250))
        updated = stamp(created, rng)
        sb.log.record(D.DUPLICATE_ROW, SYSTEM, "bp_master", bp_id, f"duplicate of {duplicate_of}")
    elif c.uscc and sb.hit(D.INVALID_USCC):
        reg = corrupt_uscc(rng, c.uscc)
        sb.log.record(
            D.INVALID_USCC, SYSTEM, "bp_master", bp_id, f"reg_number {reg}; real {c.uscc}"
        )
    sb.tables.add(
        "bp_master",
        bp_id=bp_id,
        bp_type=bp_type,
        bp_name=name,
        country_code=c.country,
        city=c.city,
        reg_number=reg,
        currency=c.currency,
        credit_days=c.payment_terms_days,
        email=c.email,
        created_date=created,
        updated_at=updated,
    )


def _sales(sb: Sb, n: int, start: date, end: date) -> Decimal:
    """Sales invoices and receipts; returns the year's cost of sales (SGD)."""
    w, t, rng = sb.world, sb.tables, sb.rng
    customers = [c for c in w.customers(ENTITY)] or w.customers()[:5]
    goods = [p for p in w.products if not p.is_service]
    plans = sorted(
        (
            (rng.choice(customers), start + timedelta(days=rng.randint(0, (end - start).days)))
            for _ in range(n)
        ),
        key=lambda x: x[1],
    )
    cost_of_sales = Decimal("0.00")
    for cust, d in plans:
        bp = sb.bp_of.get(cust.party_id, next(iter(sb.bp_of.values())))
        if cust.party_id in sb.dup_of and rng.random() < 0.4:
            bp = sb.dup_of[cust.party_id]
        ccy = cust.currency if cust.currency in ("SGD", "USD") else "USD"
        rate = sb.rate(ccy, d)
        doc = sb.next_no("SIN", d.year)
        saved = stamp(d, rng)
        lines, net, cost = [], Decimal("0.00"), Decimal("0.00")
        for i in range(rng.choice([1, 2, 3])):
            p = rng.choice(goods)
            price_sgd = money(p.list_price / CNY_PER_SGD)
            qty = max(
                Decimal(1),
                (Decimal(str(round(rng.lognormvariate(8.0, 0.7), 2))) / price_sgd).quantize(
                    Decimal(1)
                ),
            )
            price = price_sgd if ccy == "SGD" else money(price_sgd / rate)
            total = money(qty * price)
            c_sgd = money(qty * money(p.std_cost / CNY_PER_SGD))
            gst = (
                money(total * GST) if cust.country == "SG" else Decimal("0.00")
            )  # exports are zero-rated
            lines.append(((i + 1), sb.item_of[p.sku], qty, price, total, gst, c_sgd))
            net += total
            cost += c_sgd
        gst_total = sum((x[5] for x in lines), Decimal("0.00"))
        cost_of_sales += cost
        pay = d + timedelta(days=cust.payment_terms_days + rng.randint(-5, 20))
        paid = pay <= sb.as_of
        header_bp: str | None = bp
        if sb.hit(D.MISSING_KEY):
            header_bp = None
            sb.log.record(D.MISSING_KEY, SYSTEM, "sales_invoices", doc, "bp_id is null")
        if sb.hit(D.LATE_ARRIVING):
            entered = min(sb.as_of, d + timedelta(days=rng.randint(35, 100)))
            if entered.month != d.month:
                saved = stamp(entered, rng)
                sb.log.record(
                    D.LATE_ARRIVING,
                    SYSTEM,
                    "sales_invoices",
                    doc,
                    f"doc_date {d}, entered {entered}",
                )
        t.add(
            "sales_invoices",
            doc_id=doc,
            bp_id=header_bp,
            doc_date=d,
            due_date=d + timedelta(days=cust.payment_terms_days),
            currency=ccy,
            fx_rate=rate,
            net_total=net,
            gst_total=gst_total,
            doc_total=net + gst_total,
            doc_status="Paid" if paid else "Open",
            updated_at=saved,
        )
        for num, item, qty, price, total, gst, c_sgd in lines:
            t.add(
                "sales_invoice_items",
                doc_id=doc,
                line_num=num,
                item_code=item,
                qty=qty,
                price=price,
                line_total=total,
                gst_amount=gst,
                cost_total=c_sgd,
                updated_at=saved,
            )
        if sb.hit(D.NOT_BOOKED):
            sb.log.record(D.NOT_BOOKED, SYSTEM, "sales_invoices", doc, "no journal in gl_entries")
        else:
            one = Decimal("1")
            postings: list[Posting] = [
                ("A-1100", "D", net + gst_total, ccy, rate, None, bp, f"Invoice {doc}"),
                ("A-4000", "C", net, ccy, rate, None, bp, f"Invoice {doc}"),
            ]
            if gst_total:
                postings.append(("A-2100", "C", gst_total, ccy, rate, None, None, f"GST {doc}"))
            postings = _balance(postings)
            postings += [
                ("A-5000", "D", cost, "SGD", one, None, None, f"COGS {doc}"),
                ("A-1200", "C", cost, "SGD", one, None, None, f"COGS {doc}"),
            ]
            post(sb, d, "SALES", doc, postings)
        if not paid:
            continue
        txn = sb.next_no("CT", pay.year)
        r2 = sb.rate(ccy, pay)
        t.add(
            "cash_transactions",
            txn_id=txn,
            bp_id=bp,
            doc_ref=doc,
            txn_date=pay,
            direction="IN",
            currency=ccy,
            amount=net + gst_total,
            fx_rate=r2,
            updated_at=stamp(pay, rng),
        )
        bank = "A-1000" if ccy == "SGD" else "A-1010"
        post(
            sb,
            pay,
            "RECEIPT",
            txn,
            _balance(
                [
                    (bank, "D", net + gst_total, ccy, r2, None, None, f"Receipt {txn}"),
                    ("A-1100", "C", net + gst_total, ccy, rate, None, bp, f"Receipt {txn}"),
                ]
            ),
        )
    return cost_of_sales


def _purchases(sb: Sb, n: int, start: date, end: date, cost_target: Decimal) -> None:
    w, t, rng = sb.world, sb.tables, sb.rng
    vendors = [c for c in w.vendors(ENTITY)] or w.vendors()[:5]
    goods = [p for p in w.products if not p.is_service]
    per_invoice = cost_target / max(1, n)
    plans = sorted(
        (
            (rng.choice(vendors), start + timedelta(days=rng.randint(0, (end - start).days)))
            for _ in range(n)
        ),
        key=lambda x: x[1],
    )
    for vend, d in plans:
        bp = sb.bp_of.get(vend.party_id, next(iter(sb.bp_of.values())))
        ccy = vend.currency if vend.currency in ("SGD", "USD") else "USD"
        rate = sb.rate(ccy, d)
        doc = sb.next_no("PIN", d.year)
        saved = stamp(d, rng)
        p = rng.choice(goods)
        unit_sgd = money(p.std_cost / CNY_PER_SGD)
        qty = max(
            Decimal(1),
            (per_invoice * Decimal(str(round(rng.uniform(0.6, 1.4), 3))) / unit_sgd).quantize(
                Decimal(1)
            ),
        )
        price = unit_sgd if ccy == "SGD" else money(unit_sgd / rate)
        net = money(qty * price)
        gst = money(net * GST) if vend.country == "SG" else Decimal("0.00")
        pay = d + timedelta(days=vend.payment_terms_days + rng.randint(-5, 10))
        paid = pay <= sb.as_of
        t.add(
            "purchase_invoices",
            doc_id=doc,
            bp_id=bp,
            supplier_ref=f"INV{rng.randint(10000, 99999)}",
            doc_date=d,
            due_date=d + timedelta(days=vend.payment_terms_days),
            currency=ccy,
            fx_rate=rate,
            net_total=net,
            gst_total=gst,
            doc_total=net + gst,
            doc_status="Paid" if paid else "Open",
            updated_at=saved,
        )
        t.add(
            "purchase_invoice_items",
            doc_id=doc,
            line_num=1,
            item_code=sb.item_of[p.sku],
            qty=qty,
            price=price,
            line_total=net,
            gst_amount=gst,
            updated_at=saved,
        )
        postings: list[Posting] = [("A-1200", "D", net, ccy, rate, None, None, f"Bill {doc}")]
        if gst:
            postings.append(("A-1300", "D", gst, ccy, rate, None, None, f"GST {doc}"))
        postings.append(("A-2000", "C", net + gst, ccy, rate, None, bp, f"Bill {doc}"))
        post(sb, d, "PURCHASE", doc, _balance(postings))
        if not paid:
            continue
        txn = sb.next_no("CT", pay.year)
        r2 = sb.rate(ccy, pay)
        t.add(
            "cash_transactions",
            txn_id=txn,
            bp_id=bp,
            doc_ref=doc,
            txn_date=pay,
            direction="OUT",
            currency=ccy,
            amount=net + gst,
            fx_rate=r2,
            updated_at=stamp(pay, rng),
        )
        bank = "A-1000" if ccy == "SGD" else "A-1010"
        post(
            sb,
            pay,
            "PAYMENT",
            txn,
            _balance(
                [
                    ("A-2000", "D", net + gst, ccy, rate, None, bp, f"Payment {txn}"),
                    (bank, "C", net + gst, ccy, r2, None, None, f"Payment {txn}"),
                ]
            ),
        )


def _monthly(sb: Sb) -> None:
    w, rng = sb.world, sb.rng
    one = Decimal("1")
    for year, month in w.periods():
        end = (date(year + (month == 12), month % 12 + 1, 1)) - timedelta(days=1)
        totals = payroll_totals_by_cost_center(w, ENTITY, year, month)
        for cc, tot in totals.items():
            post(
                sb,
                end,
                "PAYROLL",
                f"{cc}|{year}-{month:02d}",
                [
                    ("A-6000", "D", tot["gross"], "SGD", one, cc, None, "Salaries"),
                    ("A-6010", "D", tot["si_employer"], "SGD", one, cc, None, "Employer CPF"),
                    ("A-2200", "C", tot["net"], "SGD", one, cc, None, "Net pay"),
                    (
                        "A-2210",
                        "C",
                        tot["si_employee"] + tot["si_employer"],
                        "SGD",
                        one,
                        cc,
                        None,
                        "CPF",
                    ),
                ],
            )
            if end + timedelta(days=5) <= sb.as_of:
                post(
                    sb,
                    end + timedelta(days=5),
                    "PAYROLL",
                    f"{cc}|{year}-{month:02d}|PAY",
                    [
                        ("A-2200", "D", tot["net"], "SGD", one, cc, None, "Salary payment"),
                        (
                            "A-2210",
                            "D",
                            tot["si_employee"] + tot["si_employer"],
                            "SGD",
                            one,
                            cc,
                            None,
                            "CPF payment",
                        ),
                        (
                            "A-1000",
                            "C",
                            tot["net"] + tot["si_employee"] + tot["si_employer"],
                            "SGD",
                            one,
                            None,
                            None,
                            "Payroll",
                        ),
                    ],
                    inject=False,
                )
        rent_acct = "A-6100"
        # From its opening date, rent is booked to a new account nobody mapped.
        if end >= LATE_ACCOUNT_FROM and sb.config.rate(D.UNMAPPED_CODE) > 0:
            rent_acct = LATE_ACCOUNT[0]
            sb.late_used = True
        rent = money(Decimal(rng.randint(1500000, 1800000)) / 100)
        post(
            sb,
            end,
            "JOURNAL",
            None,
            [
                (rent_acct, "D", rent, "SGD", one, None, None, "Office rent"),
                ("A-1000", "C", rent, "SGD", one, None, None, "Office rent"),
            ],
        )
        post(
            sb,
            end,
            "JOURNAL",
            None,
            [
                ("A-6200", "D", Decimal("2500.00"), "SGD", one, None, None, "Depreciation"),
                ("A-1510", "C", Decimal("2500.00"), "SGD", one, None, None, "Depreciation"),
            ],
        )


def generate_erp2(world: World, log: DefectLog, config: DefectConfig) -> TableSet:
    """All rows of the subsidiary's system for the World's year; defects recorded in ``log``."""
    rng = random.Random(f"{world.seed}/erp2")
    sb = Sb(world, rng, config, log, TableSet(SCHEMA_PATH), as_of=world.end_date)
    start, end = world.start_date, world.end_date
    _master(sb)
    d = start - timedelta(days=31)
    while d <= end:
        for ccy in ("USD", "CNY"):
            sb.tables.add(
                "fx_rates",
                rate_date=d,
                currency=ccy,
                sgd_rate=sb.rate(ccy, d),
                updated_at=datetime(d.year, d.month, d.day, 9, 0, 0),
            )
        d += timedelta(days=1)
    # Sales first: the year's cost of sales sizes the purchases and the opening balances.
    cost_of_sales = _sales(sb, world.sizes.erp2_sales_orders, start, end)
    one = Decimal("1")
    # Enough SGD in the bank to pay a year of salaries and rent (customers mostly pay in USD).
    payroll_year = sum(
        (
            t["gross"] + t["si_employer"]
            for y, m in world.periods()
            for t in payroll_totals_by_cost_center(world, ENTITY, y, m).values()
        ),
        Decimal("0.00"),
    )
    opening = money(
        max(cost_of_sales * Decimal("0.5"), Decimal(200000)) + payroll_year + Decimal(250000)
    )
    post(
        sb,
        start,
        "OPENING",
        "OB2025",
        [
            ("A-1000", "D", opening, "SGD", one, None, None, "Opening balance"),
            (
                "A-1200",
                "D",
                money(opening * Decimal("0.3")),
                "SGD",
                one,
                None,
                None,
                "Opening balance",
            ),
            ("A-1500", "D", Decimal("150000.00"), "SGD", one, None, None, "Opening balance"),
            ("A-1510", "C", Decimal("60000.00"), "SGD", one, None, None, "Opening balance"),
            ("A-3000", "C", Decimal("100000.00"), "SGD", one, None, None, "Opening balance"),
            (
                "A-3100",
                "C",
                money(opening * Decimal("0.3")) + opening - Decimal("10000.00"),
                "SGD",
                one,
                None,
                None,
                "Opening balance",
            ),
        ],
        inject=False,
    )
    _purchases(sb, world.sizes.erp2_purchase_orders, start, end, cost_of_sales * Decimal("1.02"))
    # E03's side of the trade between the group's own entities
    from demo.intercompany import book_erp2_trade  # imports this module

    book_erp2_trade(sb)
    _monthly(sb)
    if sb.late_used:
        log.record(
            D.UNMAPPED_CODE,
            SYSTEM,
            "gl_accounts",
            LATE_ACCOUNT[0],
            f"{LATE_ACCOUNT[1]} opened {LATE_ACCOUNT_FROM}, no mapping",
        )
    sb.tables.add(
        "sb_clock",
        id=1,
        business_date=end,
        seed=world.seed,
        updated_at=datetime(end.year, end.month, end.day, 23, 0, 0),
    )
    return sb.tables
