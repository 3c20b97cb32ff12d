"""The group ERP (companies 1000 = E01 and 2000 = E02): a coherent year of business and its books.

``generate_erp(world, log, config)`` builds every row in memory (a TableSet) and records each
injected defect in the DefectLog; ``write_erp(tables, target)`` writes them to SQLite,
PostgreSQL or MariaDB. ``generate_erp(world, log, config, target)`` writes the rows while it
makes them instead (what ``yecai demo generate`` does: memory stays flat at scale 10). The same
seed gives the same rows either way, on every target.

What the ERP books, per document (local accounts from demo.erp.charts):

- delivery            Dr cost of sales / Cr inventory            (standard cost, goods lines)
- customer invoice    Dr receivable / Cr revenue, Cr output VAT
- receipt             Dr bank / Cr receivable (± FX difference)
- goods receipt       Dr inventory (or service expense) / Cr GR/IR
- supplier invoice    Dr GR/IR, Dr input VAT / Cr payable
- payment             Dr payable / Cr bank (± FX difference)
- payroll (per cost centre and month, totals from world.monthly_payroll)
                      Dr salary expense, Dr social insurance expense / Cr payroll payable (net),
                      Cr social insurance payable (employee + employer), Cr IIT payable;
                      paid on the 10th of the next month
- month end           depreciation, accrued office costs (paid next month), bank fees, FX
                      revaluation of open foreign-currency receivables and payables (reversed
                      on the 1st of the next month)
- opening balances    bank, inventory, fixed assets / accumulated depreciation, equity

Every voucher balances, except the ones recorded as unbalanced_voucher.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import accumulate
from pathlib import Path

from demo import defects as D
from demo.defects import DefectConfig, DefectDice, DefectLog
from demo.erp.charts import (
    CHARTS,
    FUNCTION_GROUP,
    LATE_ACCOUNT_ROLE,
    LATE_ACCOUNTS,
    account_for,
)
from demo.erp.ledger import Leg, balance_with, fc_leg, imbalance, leg, scale_legs
from demo.fx import cny_rate
from demo.sqlio import Target, table_writer, write_tables
from demo.tables import TableSet
from demo.uscc import corrupt_uscc
from demo.world import Company, World, money, payroll_totals_by_cost_center

SYSTEM = "erp"
SCHEMA_PATH = Path(__file__).with_name("schema.sql")
ENTITY_COMPANY = {"E01": "1000", "E02": "2000"}
COMPANY_ENTITY = {v: k for k, v in ENTITY_COMPANY.items()}
WAREHOUSES = {
    "1000": [("W101", "上海中心仓", "上海"), ("W102", "广州分仓", "广州")],
    "2000": [("W201", "苏州成品仓", "苏州"), ("W202", "苏州备件仓", "苏州")],
}
CUSTOMER_GROUP = {"KA": "Z1", "SMB": "Z2", "DIST": "Z3", "GOV": "Z4"}
VENDOR_GROUP = {"RAW": "K1", "SERVICE": "K2", "LOGISTICS": "K3"}
MATERIAL_GROUP = {
    "ELEC": "MG10",
    "MACH": "MG20",
    "INST": "MG30",
    "CHEM": "MG40",
    "AGRI": "MG50",
    "PACK": "MG60",
    "SOFT": "MG70",
    "SERV": "MG80",
}
LATE_MATERIAL_GROUP = ("MG99", "新品试制")  # opened mid-year, no mapping (unmapped_code)
ONE = Decimal("1")
SERVICE_VENDOR_SEGMENTS = ("SERVICE", "LOGISTICS")


def stamp(d: date, rng: random.Random) -> datetime:
    """When a document of business date ``d`` was saved: during office hours that day.

    ``a + rng._randbelow(n)`` is exactly what ``rng.randint(a, a + n - 1)`` returns (CPython's
    randrange), without its argument checks: stamp runs ~400k times at scale 1."""
    below = rng._randbelow
    return datetime(d.year, d.month, d.day, 8 + below(12), below(60), below(60))


def month_end(year: int, month: int) -> date:
    first_next = date(year + (month == 12), month % 12 + 1, 1)
    return first_next - timedelta(days=1)


@dataclass
class OpenItem:
    """A foreign-currency receivable or payable, for month-end revaluation."""

    company: str
    kind: str  # "ar" or "ap"
    doc_no: str
    party: str
    currency: str
    amount_tc: Decimal
    booked_fc: Decimal
    opened: date
    cleared: date | None


@dataclass
class ErpContext:
    """Everything the document generators share while they build one ERP."""

    world: World
    rng: random.Random
    config: DefectConfig
    log: DefectLog
    tables: TableSet
    as_of: date  # the last business day generated
    customer_no: dict[str, str] = field(default_factory=dict)  # party_id → customer_no
    vendor_no: dict[str, str] = field(default_factory=dict)
    duplicate_no: dict[str, str] = field(default_factory=dict)  # party_id → duplicate number
    material_no: dict[str, str] = field(default_factory=dict)  # sku → material_no
    seq: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    voucher_seq: dict[tuple[str, str], int] = field(default_factory=lambda: defaultdict(int))
    open_items: list[OpenItem] = field(default_factory=list)
    users: dict[tuple[str, str], list[str]] = field(default_factory=lambda: defaultdict(list))
    cogs: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    revenue: dict[tuple[str, int], Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    late_account_used: set[str] = field(default_factory=set)
    fixed_assets: dict[str, Decimal] = field(default_factory=dict)  # opening cost, for depreciation
    dice: DefectDice | None = None

    def next_no(self, prefix: str, year: int, width: int = 8) -> str:
        key = f"{prefix}{year % 100:02d}"
        self.seq[key] += 1
        return f"{key}{self.seq[key]:0{width}d}"

    def rate(self, currency: str, d: date) -> Decimal:
        return cny_rate(self.world.seed, currency, d)

    def user(self, company: str, function: str) -> str | None:
        pool = self.users.get((company, function)) or self.users.get((company, "finance"))
        return self.rng.choice(pool) if pool else None

    def hit(self, kind: str) -> bool:
        if self.dice is None or self.dice.rng is not self.rng:
            self.dice = DefectDice(self.config, self.rng)
        return self.dice.hit(kind)


# ------------------------------------------------------------------------------------------------
# Booking
# ------------------------------------------------------------------------------------------------


def post_voucher(
    ctx: ErpContext,
    company: str,
    when: date,
    vtype: str,
    source_type: str | None,
    source_no: str | None,
    description: str,
    legs: list[Leg],
    period: int | None = None,
    inject: bool = True,
) -> str:
    """Write one voucher and its lines. Injects unbalanced_voucher and missing_key (null account)
    defects at their configured rates and records them."""
    fiscal_period = when.month if period is None else period
    key = (company, f"{when.year}{fiscal_period:02d}")
    ctx.voucher_seq[key] += 1
    voucher_no = f"{company}-{key[1]}-{ctx.voucher_seq[key]:06d}"
    saved = stamp(when, ctx.rng)
    currency = next((lg.currency for lg in legs if lg.currency != "CNY"), "CNY")
    created_by = ctx.user(company, "finance")
    ctx.tables.add(
        "journal_vouchers",
        voucher_no=voucher_no,
        company_code=company,
        fiscal_year=when.year,
        fiscal_period=fiscal_period,
        voucher_date=when,
        voucher_type=vtype,
        source_doc_type=source_type,
        source_doc_no=source_no,
        description=description,
        currency=currency,
        created_by=created_by,
        updated_at=saved,
    )
    if imbalance(legs) != 0:
        raise AssertionError(f"voucher {voucher_no} does not balance: {imbalance(legs)}")
    unbalanced = inject and ctx.hit(D.UNBALANCED_VOUCHER)
    null_account = inject and ctx.hit(D.MISSING_KEY)
    if unbalanced:
        delta = money(Decimal(ctx.rng.randint(1, 50000)) / 100)
        i = ctx.rng.randrange(len(legs))
        lg = legs[i]
        legs = [*legs[:i], replace(lg, amount=lg.amount + delta), *legs[i + 1 :]]
        ctx.log.record(
            D.UNBALANCED_VOUCHER,
            SYSTEM,
            "journal_vouchers",
            voucher_no,
            f"debits - credits = {imbalance(legs)} CNY (line {(i + 1) * 10})",
        )
    bad_line = ctx.rng.randrange(len(legs)) if null_account else -1
    for i, lg in enumerate(legs):
        line_no = (i + 1) * 10
        account = lg.account_no
        if i == bad_line:
            ctx.log.record(
                D.MISSING_KEY,
                SYSTEM,
                "journal_lines",
                f"{voucher_no}|{line_no}",
                f"account_no is null (should be {account})",
            )
            account = None
        d_fc, c_fc = (
            (lg.amount, Decimal("0.00")) if lg.side == "D" else (Decimal("0.00"), lg.amount)
        )
        d_tc, c_tc = (
            (lg.amount_tc, Decimal("0.00")) if lg.side == "D" else (Decimal("0.00"), lg.amount_tc)
        )
        ctx.tables.add(
            "journal_lines",
            voucher_no=voucher_no,
            line_no=line_no,
            company_code=company,
            account_no=account,
            description=lg.description or description[:200],
            debit=d_fc,
            credit=c_fc,
            currency=lg.currency,
            exchange_rate=lg.rate,
            debit_tc=d_tc,
            credit_tc=c_tc,
            cost_center=lg.cost_center,
            customer_no=lg.customer_no,
            vendor_no=lg.vendor_no,
            material_no=lg.material_no,
            updated_at=saved,
        )
    return voucher_no


def book_document(
    ctx: ErpContext,
    company: str,
    when: date,
    vtype: str,
    source_type: str,
    source_no: str,
    entity: str,
    description: str,
    legs: list[Leg],
    wrong_account_role: tuple[str, str] | None = None,
) -> str | None:
    """Book a business document, possibly badly: not at all (not_booked), with a wrong amount
    (wrong_amount) or to a wrong account (wrong_account). Each such defect is recorded with the
    document's own key."""
    not_booked = ctx.hit(D.NOT_BOOKED)
    wrong_amount = ctx.hit(D.WRONG_AMOUNT)
    wrong_account = ctx.hit(D.WRONG_ACCOUNT) and wrong_account_role is not None
    if not_booked:
        ctx.log.record(
            D.NOT_BOOKED, SYSTEM, entity, source_no, f"{source_type} has no journal voucher"
        )
        return None
    if wrong_amount:
        factor = ctx.rng.choice([Decimal("1.1"), Decimal("0.9"), Decimal("1.05"), Decimal("0.95")])
        booked = scale_legs(legs, factor)
        ctx.log.record(
            D.WRONG_AMOUNT,
            SYSTEM,
            entity,
            source_no,
            f"booked {sum(lg.amount for lg in booked if lg.side == 'D')} CNY instead of "
            f"{sum(lg.amount for lg in legs if lg.side == 'D')} CNY",
        )
        legs = booked
    elif wrong_account:
        right, wrong = wrong_account_role
        # Only a leg on the "right" account can be misbooked; a document without one (its
        # resolver picked another account) is booked as it is, and so is no defect to log.
        if any(lg.account_no == right for lg in legs):
            legs = [replace(lg, account_no=wrong) if lg.account_no == right else lg for lg in legs]
            ctx.log.record(
                D.WRONG_ACCOUNT, SYSTEM, entity, source_no, f"booked to {wrong} instead of {right}"
            )
    return post_voucher(ctx, company, when, vtype, source_type, source_no, description, legs)


# ------------------------------------------------------------------------------------------------
# Master data
# ------------------------------------------------------------------------------------------------


def _master_data(ctx: ErpContext) -> None:
    w, t, rng = ctx.world, ctx.tables, ctx.rng
    base = datetime(w.start_date.year - 1, 12, 31, 18, 0, 0)
    for ent in w.entities:
        if ent.code not in ENTITY_COMPANY:
            continue
        cc = ENTITY_COMPANY[ent.code]
        t.add(
            "companies",
            company_code=cc,
            company_name=ent.name,
            country=ent.country,
            currency=ent.functional_currency,
            tax_id=ent.uscc,
            city=ent.city,
            updated_at=base,
        )
        for acc in [*CHARTS[cc], LATE_ACCOUNTS[cc]]:
            t.add(
                "chart_of_accounts",
                company_code=cc,
                account_no=acc.account_no,
                account_name=acc.name,
                account_type=acc.account_type,
                balance_side=acc.side,
                parent_account_no=acc.parent,
                is_postable=int(acc.postable),
                created_on=acc.created_on,
                updated_at=datetime.combine(
                    max(acc.created_on, w.start_date - timedelta(days=1)), datetime.min.time()
                ).replace(hour=9),
            )
        for code, name, city in WAREHOUSES[cc]:
            t.add(
                "warehouses",
                warehouse_code=code,
                company_code=cc,
                warehouse_name=name,
                city=city,
                updated_at=base,
            )
        for code, name in w.cost_centers(ent.code):
            t.add(
                "cost_centers",
                cost_center=code,
                company_code=cc,
                cost_center_name=name,
                valid_from=date(2015, 1, 1),
                updated_at=base,
            )
    for emp in w.employees:
        if emp.erp_user_id is None or emp.entity_code not in ENTITY_COMPANY:
            continue
        cc = ENTITY_COMPANY[emp.entity_code]
        function = w.org_unit(emp.dept_code).function
        ctx.users[(cc, function)].append(emp.erp_user_id)
        active = emp.termination_date is None or emp.termination_date > ctx.as_of
        changed = base if active else stamp(emp.termination_date or ctx.as_of, rng)
        t.add(
            "erp_users",
            user_id=emp.erp_user_id,
            display_name=emp.name,
            email=emp.email,
            company_code=cc,
            is_active=int(active),
            updated_at=changed,
        )

    for i, p in enumerate(w.products):
        mno = f"M1{i + 1:05d}"
        ctx.material_no[p.sku] = mno
        group, group_name = MATERIAL_GROUP[p.category_code], p.category_name
        created = date(2019, 1, 1) + timedelta(days=rng.randint(0, 1800))
        if ctx.hit(D.UNMAPPED_CODE) and not p.is_service:
            # Reclassified into a group the ERP team opened mid-year; nobody mapped it.
            group, group_name = LATE_MATERIAL_GROUP
            created = date(w.start_date.year, 6, 1)
            ctx.log.record(
                D.UNMAPPED_CODE,
                SYSTEM,
                "products",
                mno,
                f"material_group {group} ({group_name}) has no mapping",
            )
        t.add(
            "products",
            material_no=mno,
            material_name=p.name,
            material_group=group,
            material_group_name=group_name,
            uom=p.uom,
            std_cost=p.std_cost,
            list_price=p.list_price,
            vat_rate=p.vat_rate,
            is_service=int(p.is_service),
            created_on=created,
            updated_at=datetime.combine(
                max(created, w.start_date - timedelta(days=1)), datetime.min.time()
            ).replace(hour=10),
        )

    erp_parties = [c for c in w.companies if c.home_entity in ENTITY_COMPANY]
    # The ERP numbers parties in the order they were created, not in the World's order.
    customers = sorted(
        (c for c in erp_parties if c.is_customer), key=lambda c: (c.created_on, c.party_id)
    )
    vendors = sorted(
        (c for c in erp_parties if c.is_vendor), key=lambda c: (c.created_on, c.party_id)
    )
    next_c, next_v = 100, 100
    for c in customers:
        next_c += rng.randint(1, 3)
        ctx.customer_no[c.party_id] = f"C{next_c:06d}"
    for c in vendors:
        next_v += rng.randint(1, 2)
        ctx.vendor_no[c.party_id] = f"V{next_v:05d}"
    for c in customers:
        _add_customer(ctx, c, ctx.customer_no[c.party_id], base)
    for c in customers:
        if ctx.hit(D.DUPLICATE_ROW):
            next_c += 1
            dup = f"C{next_c:06d}"
            ctx.duplicate_no[c.party_id] = dup
            _add_customer(ctx, c, dup, base, duplicate_of=ctx.customer_no[c.party_id])
    for c in vendors:
        _add_vendor(ctx, c, ctx.vendor_no[c.party_id], base)
    for c in vendors:
        if ctx.hit(D.DUPLICATE_ROW):
            next_v += 1
            dup = f"V{next_v:05d}"
            ctx.duplicate_no["v" + c.party_id] = dup
            _add_vendor(ctx, c, dup, base, duplicate_of=ctx.vendor_no[c.party_id])


def _party_name_and_tax(
    ctx: ErpContext, c: Company, entity: str, key: str, duplicate: bool
) -> tuple[str, str | None]:
    name = c.legal_name
    if c.aliases and (duplicate or ctx.hit(D.CROSS_SYSTEM_ALIAS)):
        # Entered by hand with another spelling of the same company.
        name = ctx.rng.choice(c.aliases)
        if not duplicate:
            ctx.log.record(
                D.CROSS_SYSTEM_ALIAS,
                SYSTEM,
                entity,
                key,
                f"name {name!r}; legal name {c.legal_name!r}",
            )
    tax_id = c.uscc
    if tax_id and not duplicate and ctx.hit(D.INVALID_USCC):
        tax_id = corrupt_uscc(ctx.rng, tax_id)
        ctx.log.record(D.INVALID_USCC, SYSTEM, entity, key, f"tax_id {tax_id}; real {c.uscc}")
    return name, tax_id


def _add_customer(
    ctx: ErpContext, c: Company, number: str, base: datetime, duplicate_of: str | None = None
) -> None:
    w, rng = ctx.world, ctx.rng
    name, tax_id = _party_name_and_tax(ctx, c, "customers", number, duplicate_of is not None)
    created = c.created_on
    updated = base
    address = c.address
    if duplicate_of:
        created = w.start_date + timedelta(days=rng.randint(10, 200))
        updated = stamp(created, rng)
        ctx.log.record(D.DUPLICATE_ROW, SYSTEM, "customers", number, f"duplicate of {duplicate_of}")
    elif ctx.hit(D.RETROACTIVE_CHANGE):
        changed = w.start_date + timedelta(days=rng.randint(30, (ctx.as_of - w.start_date).days))
        updated = stamp(changed, rng)
        address = address + "（新址）"
        ctx.log.record(
            D.RETROACTIVE_CHANGE, SYSTEM, "customers", number, f"address changed on {changed}"
        )
    owner = w.employee(c.owner_hr_id) if c.owner_hr_id else None
    ctx.tables.add(
        "customers",
        customer_no=number,
        customer_name=name,
        tax_id=tax_id,
        customer_group=CUSTOMER_GROUP.get(c.segment, "Z2"),
        country=c.country,
        province=c.province,
        city=c.city,
        address=address,
        contact_person=c.contact_name,
        phone=c.phone,
        currency=c.currency,
        payment_terms=f"NT{c.payment_terms_days}",
        credit_limit=money(c.credit_limit),
        sales_rep_user=owner.erp_user_id if owner else None,
        is_blocked=0,
        created_on=created,
        updated_at=updated,
    )


def _add_vendor(
    ctx: ErpContext, c: Company, number: str, base: datetime, duplicate_of: str | None = None
) -> None:
    w, rng = ctx.world, ctx.rng
    name, tax_id = _party_name_and_tax(ctx, c, "vendors", number, duplicate_of is not None)
    created, updated = c.created_on, base
    if duplicate_of:
        created = w.start_date + timedelta(days=rng.randint(10, 200))
        updated = stamp(created, rng)
        ctx.log.record(D.DUPLICATE_ROW, SYSTEM, "vendors", number, f"duplicate of {duplicate_of}")
    bank_no = "".join(rng.choice("0123456789") for _ in range(16))
    ctx.tables.add(
        "vendors",
        vendor_no=number,
        vendor_name=name,
        tax_id=tax_id,
        vendor_group=VENDOR_GROUP.get(c.segment, "K1"),
        country=c.country,
        province=c.province,
        city=c.city,
        address=c.address,
        contact_person=c.contact_name,
        phone=c.phone,
        bank_name=rng.choice(["中国工商银行", "中国建设银行", "招商银行"])
        if c.country == "CN"
        else "Citibank",
        bank_account=bank_no,
        currency=c.currency,
        payment_terms=f"NT{c.payment_terms_days}",
        created_on=created,
        updated_at=updated,
    )


def _exchange_rates(ctx: ErpContext, start: date, end: date) -> None:
    d = start
    while d <= end:
        saved = datetime(d.year, d.month, d.day, 9, 15, 0)
        for ccy in ("USD", "SGD", "HKD", "EUR"):
            ctx.tables.add(
                "exchange_rates",
                rate_date=d,
                from_currency=ccy,
                to_currency="CNY",
                rate=ctx.rate(ccy, d),
                updated_at=saved,
            )
        d += timedelta(days=1)


# ------------------------------------------------------------------------------------------------
# Order to cash
# ------------------------------------------------------------------------------------------------


@dataclass
class SalesPlan:
    company: str
    party: Company
    order_date: date
    lines: list[tuple[str, Decimal, Decimal]]  # (sku, quantity, unit price CNY)


def plan_sales(
    world: World, rng: random.Random, n_orders: int, start: date, end: date
) -> list[SalesPlan]:
    """Which customer orders what and when (pure given the rng)."""
    customers = [c for c in world.customers() if c.home_entity in ENTITY_COMPANY]
    weights = [{"KA": 6, "DIST": 3, "GOV": 2}.get(c.segment, 1) for c in customers]
    # Cumulative once: choices(weights=...) re-adds every weight on each call (quadratic in
    # scale). Same draws: choices accumulates weights into exactly these totals itself.
    cum_weights = list(accumulate(weights))
    goods = [p for p in world.products if not p.is_service]
    services = [p for p in world.products if p.is_service]
    span = (end - start).days
    plans = []
    for _ in range(n_orders):
        cust = rng.choices(customers, cum_weights=cum_weights)[0]
        order_date = start + timedelta(days=rng.randint(0, span))
        lines = []
        for _ in range(rng.choice([1, 2, 2, 3, 3, 4, 5, 6])):
            p = rng.choice(services) if services and rng.random() < 0.1 else rng.choice(goods)
            target = Decimal(str(round(rng.lognormvariate(9.6, 0.8), 2)))  # ≈ 15k CNY net per line
            if cust.segment == "KA":
                target *= 3
            qty = max(ONE, (target / p.list_price).quantize(ONE))
            price = money(p.list_price * (1 - Decimal(rng.randint(0, 10)) / 100))
            lines.append((p.sku, qty, price))
        plans.append(SalesPlan(ENTITY_COMPANY[cust.home_entity], cust, order_date, lines))
    plans.sort(key=lambda p: p.order_date)
    return plans


def generate_sales(ctx: ErpContext, plans: list[SalesPlan]) -> None:
    w, t, rng = ctx.world, ctx.tables, ctx.rng
    for plan in plans:
        company, cust = plan.company, plan.party
        year = plan.order_date.year
        order_no = ctx.next_no("SO", year)
        customer_no = ctx.customer_no[cust.party_id]
        if cust.party_id in ctx.duplicate_no and rng.random() < 0.4:
            customer_no = ctx.duplicate_no[cust.party_id]  # the clerk picked the duplicate
        currency = cust.currency
        rate_o = ctx.rate(currency, plan.order_date)
        lines = []  # (line_no, material_no, product, qty, unit_price_tc, net_tc, tax_tc)
        for i, (sku, qty, price_cny) in enumerate(plan.lines):
            p = w.product(sku)
            unit = price_cny if currency == "CNY" else money(price_cny / rate_o)
            net = money(qty * unit)
            lines.append(
                ((i + 1) * 10, ctx.material_no[sku], p, qty, unit, net, money(net * p.vat_rate))
            )
        net_total = sum((x[5] for x in lines), Decimal("0.00"))
        tax_total = sum((x[6] for x in lines), Decimal("0.00"))
        rep = ctx.user(company, "sales")
        wh = WAREHOUSES[company][0 if rng.random() < 0.7 else 1][0]
        saved = stamp(plan.order_date, rng)
        requested = plan.order_date + timedelta(days=rng.randint(3, 20))
        order_customer: str | None = customer_no
        if ctx.hit(D.MISSING_KEY):
            order_customer = None
            ctx.log.record(D.MISSING_KEY, SYSTEM, "sales_orders", order_no, "customer_no is null")
        late = ctx.hit(D.LATE_ARRIVING)
        retro = ctx.hit(D.RETROACTIVE_CHANGE)
        if late:
            entered = min(ctx.as_of, plan.order_date + timedelta(days=rng.randint(35, 120)))
            if entered.month != plan.order_date.month:
                saved = stamp(entered, rng)
                ctx.log.record(
                    D.LATE_ARRIVING,
                    SYSTEM,
                    "sales_orders",
                    order_no,
                    f"order_date {plan.order_date}, entered {entered}",
                )
        elif retro:
            changed = min(ctx.as_of, plan.order_date + timedelta(days=rng.randint(40, 150)))
            if changed > plan.order_date:
                requested = requested + timedelta(days=14)
                saved = stamp(changed, rng)
                ctx.log.record(
                    D.RETROACTIVE_CHANGE,
                    SYSTEM,
                    "sales_orders",
                    order_no,
                    f"requested_date moved on {changed}",
                )

        # --- delivery -------------------------------------------------------------------------
        goods_lines = [x for x in lines if not x[2].is_service]
        d_date = plan.order_date + timedelta(days=rng.randint(1, 7))
        delivered = d_date <= ctx.as_of
        delivery_no = None
        if delivered and goods_lines:
            delivery_no = ctx.next_no("DN", d_date.year)
            d_saved = stamp(d_date, rng)
            t.add(
                "deliveries",
                delivery_no=delivery_no,
                company_code=company,
                order_no=order_no,
                customer_no=customer_no,
                delivery_date=d_date,
                warehouse_code=wh,
                updated_at=d_saved,
            )
            legs = []
            for j, (line_no, mno, p, qty, *_rest) in enumerate(goods_lines):
                cost = money(qty * p.std_cost)
                ctx.cogs[company] += cost
                t.add(
                    "delivery_lines",
                    delivery_no=delivery_no,
                    line_no=(j + 1) * 10,
                    order_no=order_no,
                    order_line_no=line_no,
                    material_no=mno,
                    quantity=qty,
                    unit_cost=p.std_cost,
                    cost_amount=cost,
                    updated_at=d_saved,
                )
                t.add(
                    "inventory_movements",
                    movement_no=ctx.next_no("MV", d_date.year, 10),
                    company_code=company,
                    movement_date=d_date,
                    movement_type="601",
                    material_no=mno,
                    warehouse_code=wh,
                    quantity=-qty,
                    unit_cost=p.std_cost,
                    amount=-cost,
                    ref_doc_type="DELIVERY",
                    ref_doc_no=delivery_no,
                    updated_at=d_saved,
                )
                legs.append(leg(account_for(company, "cogs"), "D", cost, material_no=mno))
                legs.append(leg(account_for(company, "inventory"), "C", cost, material_no=mno))
            book_document(
                ctx,
                company,
                d_date,
                "SA",
                "DELIVERY",
                delivery_no,
                "deliveries",
                f"发货 {delivery_no} 结转成本",
                legs,
            )

        # --- invoice --------------------------------------------------------------------------
        i_date = (d_date if delivered else plan.order_date) + timedelta(days=rng.randint(0, 5))
        invoiced = delivered and i_date <= ctx.as_of
        receipt_date = i_date + timedelta(days=cust.payment_terms_days + rng.randint(-10, 25))
        received = invoiced and receipt_date <= ctx.as_of
        status = (
            "CLOSED"
            if received
            else "INVOICED"
            if invoiced
            else "DELIVERED"
            if delivered
            else "OPEN"
        )
        t.add(
            "sales_orders",
            order_no=order_no,
            company_code=company,
            customer_no=order_customer,
            order_date=plan.order_date,
            requested_date=requested,
            currency=currency,
            net_amount=net_total,
            tax_amount=tax_total,
            gross_amount=net_total + tax_total,
            sales_rep_user=rep,
            order_status=status,
            updated_at=saved,
        )
        for line_no, mno, p, qty, unit, net, tax in lines:
            t.add(
                "sales_order_lines",
                order_no=order_no,
                line_no=line_no,
                material_no=mno,
                quantity=qty,
                unit_price=unit,
                net_amount=net,
                tax_rate=p.vat_rate,
                tax_amount=tax,
                warehouse_code=None if p.is_service else wh,
                updated_at=saved,
            )
        if not invoiced:
            continue
        invoice_no = ctx.next_no("IV", i_date.year)
        rate_i = ctx.rate(currency, i_date)
        i_saved = stamp(i_date, rng)
        t.add(
            "customer_invoices",
            invoice_no=invoice_no,
            company_code=company,
            customer_no=customer_no,
            order_no=order_no,
            delivery_no=delivery_no,
            invoice_date=i_date,
            due_date=i_date + timedelta(days=cust.payment_terms_days),
            currency=currency,
            exchange_rate=rate_i,
            net_amount=net_total,
            tax_amount=tax_total,
            gross_amount=net_total + tax_total,
            vat_invoice_no="".join(rng.choice("0123456789") for _ in range(20)),
            updated_at=i_saved,
        )
        legs = []
        # From its opening date, export sales go to the new cross-border account nobody mapped.
        use_late = (
            ctx.config.rate(D.UNMAPPED_CODE) > 0
            and currency != "CNY"
            and LATE_ACCOUNT_ROLE[company] == "revenue_goods"
            and i_date >= LATE_ACCOUNTS[company].created_on
        )
        for line_no, mno, p, qty, unit, net, tax in lines:
            t.add(
                "customer_invoice_lines",
                invoice_no=invoice_no,
                line_no=line_no,
                material_no=mno,
                quantity=qty,
                unit_price=unit,
                net_amount=net,
                tax_rate=p.vat_rate,
                tax_amount=tax,
                updated_at=i_saved,
            )
            role = "revenue_service" if p.is_service else "revenue_goods"
            account = (
                LATE_ACCOUNTS[company].account_no
                if use_late and role == "revenue_goods"
                else account_for(company, role)
            )
            legs.append(
                leg(account, "C", net, currency, rate_i, customer_no=customer_no, material_no=mno)
            )
            ctx.revenue[(company, i_date.month)] += money(net * rate_i)
        if use_late:
            ctx.late_account_used.add(company)
        # Output VAT one line per invoice line (the ERP posts tax by tax code and line).
        legs.extend(
            leg(account_for(company, "output_vat"), "C", tax, currency, rate_i, material_no=mno)
            for _line_no, mno, _p, _qty, _unit, _net, tax in lines
            if tax
        )
        ar_fc = sum((lg.amount for lg in legs), Decimal("0.00"))
        legs.insert(
            0,
            Leg(
                account_for(company, "ar"),
                "D",
                ar_fc,
                net_total + tax_total,
                currency,
                rate_i,
                customer_no=customer_no,
            ),
        )
        booked = book_document(
            ctx,
            company,
            i_date,
            "SA",
            "CUSTOMER_INVOICE",
            invoice_no,
            "customer_invoices",
            f"销售发票 {invoice_no}",
            legs,
            wrong_account_role=(
                account_for(company, "revenue_goods"),
                account_for(company, "other_income"),
            ),
        )
        item = OpenItem(
            company,
            "ar",
            invoice_no,
            customer_no,
            currency,
            net_total + tax_total,
            ar_fc,
            i_date,
            None,
        )
        if currency != "CNY" and booked:
            ctx.open_items.append(item)
        if not received:
            continue
        settle_receivable(
            ctx,
            company,
            customer_no,
            invoice_no,
            receipt_date,
            currency,
            net_total + tax_total,
            ar_fc,
            rate_i,
        )
        item.cleared = receipt_date


def settle_receivable(
    ctx: ErpContext,
    company: str,
    customer_no: str,
    invoice_no: str,
    when: date,
    currency: str,
    amount_tc: Decimal,
    ar_fc: Decimal,
    invoice_rate: Decimal,
) -> str:
    """A customer pays an invoice in full: the receipt and its voucher (Dr bank at today's rate,
    Cr receivable at what it was booked at, the difference to FX)."""
    receipt_no = ctx.next_no("RC", when.year)
    rate_r = ctx.rate(currency, when)
    bank = account_for(company, "bank" if currency == "CNY" else "bank_usd")
    ctx.tables.add(
        "receipts",
        receipt_no=receipt_no,
        company_code=company,
        customer_no=customer_no,
        invoice_no=invoice_no,
        receipt_date=when,
        currency=currency,
        amount=amount_tc,
        exchange_rate=rate_r,
        bank_account_no=bank,
        updated_at=stamp(when, ctx.rng),
    )
    legs = [
        leg(bank, "D", amount_tc, currency, rate_r),
        Leg(
            account_for(company, "ar"),
            "C",
            ar_fc,
            amount_tc,
            currency,
            invoice_rate,
            customer_no=customer_no,
        ),
    ]
    book_document(
        ctx,
        company,
        when,
        "BK",
        "RECEIPT",
        receipt_no,
        "receipts",
        f"收款 {receipt_no}",
        balance_with(legs, account_for(company, "fx")),
    )
    return receipt_no


# ------------------------------------------------------------------------------------------------
# Procure to pay
# ------------------------------------------------------------------------------------------------


def generate_purchases(ctx: ErpContext, n_orders: int, start: date, end: date) -> None:
    """Purchase cycle. Goods volume follows cost of sales so inventory stays positive."""
    w, t, rng = ctx.world, ctx.tables, ctx.rng
    vendors = [c for c in w.vendors() if c.home_entity in ENTITY_COMPANY]
    goods = [p for p in w.products if not p.is_service]
    services = [p for p in w.products if p.is_service]
    span = (end - start).days
    n_by_company = {
        cc: max(1, round(n_orders * (0.45 if cc == "1000" else 0.55))) for cc in ("1000", "2000")
    }
    plans = []
    for company, n in n_by_company.items():
        entity = COMPANY_ENTITY[company]
        pool = [v for v in vendors if v.home_entity == entity] or vendors
        drawn = [(rng.choice(pool), start + timedelta(days=rng.randint(0, span))) for _ in range(n)]
        # Buy about what was sold: cost of sales spread over the goods lines (≈ 2 per goods PO).
        goods_pos = max(1, sum(1 for v, _ in drawn if v.segment not in SERVICE_VENDOR_SEGMENTS))
        goods_target = ctx.cogs[company] * Decimal("1.03") / (goods_pos * 2)
        plans.extend((company, v, d, goods_target) for v, d in drawn)
    plans.sort(key=lambda x: (x[2], x[0]))
    cost_centers = {
        cc: [o for o in w.org_units if o.entity_code == COMPANY_ENTITY[cc]]
        for cc in ("1000", "2000")
    }
    for company, vendor, po_date, goods_target in plans:
        vendor_no = ctx.vendor_no[vendor.party_id]
        if "v" + vendor.party_id in ctx.duplicate_no and rng.random() < 0.4:
            vendor_no = ctx.duplicate_no["v" + vendor.party_id]
        currency = vendor.currency
        rate = ctx.rate(currency, po_date)  # fixed on the PO: GR and invoice use it too
        is_service_vendor = vendor.segment in SERVICE_VENDOR_SEGMENTS
        requester = rng.choice(cost_centers[company])
        lines = []  # (line_no, mno, product, qty, unit_tc, net_tc, tax_tc, cost_center)
        for i in range(rng.choice([1, 2, 2, 3])):
            if is_service_vendor and services:
                p = rng.choice(services)
                target = Decimal(str(round(rng.lognormvariate(9.0, 0.6), 2)))
                cc = requester.cost_center_code
            else:
                p = rng.choice(goods)
                target = goods_target * Decimal(str(round(rng.uniform(0.5, 1.5), 3)))
                cc = None
            qty = max(ONE, (target / p.std_cost).quantize(ONE))
            unit_cny = money(p.std_cost * Decimal(str(round(rng.uniform(0.92, 1.03), 3))))
            unit = unit_cny if currency == "CNY" else money(unit_cny / rate)
            net = money(qty * unit)
            lines.append(
                (
                    (i + 1) * 10,
                    ctx.material_no[p.sku],
                    p,
                    qty,
                    unit,
                    net,
                    money(net * p.vat_rate),
                    cc,
                )
            )
        net_total = sum((x[5] for x in lines), Decimal("0.00"))
        tax_total = sum((x[6] for x in lines), Decimal("0.00"))
        year = po_date.year
        po_no = ctx.next_no("PO", year)
        wh = WAREHOUSES[company][0][0]
        req_no = None
        if rng.random() < 0.75:
            req_no = ctx.next_no("PR", year)
            req_date = max(start, po_date - timedelta(days=rng.randint(1, 10)))
            first = lines[0]
            t.add(
                "purchase_requisitions",
                req_no=req_no,
                company_code=company,
                cost_center=first[7] or requester.cost_center_code,
                requester_user=ctx.user(company, "purchasing"),
                req_date=req_date,
                material_no=first[1],
                quantity=first[3],
                estimated_price=first[2].std_cost,
                estimated_amount=money(first[3] * first[2].std_cost),
                currency="CNY",
                req_status="ORDERED",
                updated_at=stamp(req_date, rng),
            )
        gr_date = po_date + timedelta(days=rng.randint(3, 15))
        received = gr_date <= ctx.as_of
        si_date = gr_date + timedelta(days=rng.randint(0, 10))
        invoiced = received and si_date <= ctx.as_of
        pay_date = si_date + timedelta(days=vendor.payment_terms_days + rng.randint(-5, 10))
        paid = invoiced and pay_date <= ctx.as_of
        status = "PAID" if paid else "INVOICED" if invoiced else "RECEIVED" if received else "OPEN"
        po_saved = stamp(po_date, rng)
        t.add(
            "purchase_orders",
            po_no=po_no,
            company_code=company,
            vendor_no=vendor_no,
            req_no=req_no,
            po_date=po_date,
            currency=currency,
            net_amount=net_total,
            tax_amount=tax_total,
            gross_amount=net_total + tax_total,
            buyer_user=ctx.user(company, "purchasing"),
            po_status=status,
            updated_at=po_saved,
        )
        for line_no, mno, p, qty, unit, net, tax, cc in lines:
            t.add(
                "purchase_order_lines",
                po_no=po_no,
                line_no=line_no,
                material_no=mno,
                quantity=qty,
                unit_price=unit,
                net_amount=net,
                tax_rate=p.vat_rate,
                tax_amount=tax,
                warehouse_code=None if p.is_service else wh,
                cost_center=cc,
                updated_at=po_saved,
            )
        if not received:
            continue
        gr_no = ctx.next_no("GR", gr_date.year)
        gr_saved = stamp(gr_date, rng)
        t.add(
            "goods_receipts",
            gr_no=gr_no,
            company_code=company,
            po_no=po_no,
            vendor_no=vendor_no,
            receipt_date=gr_date,
            warehouse_code=wh,
            updated_at=gr_saved,
        )
        gr_legs, grir_fc = [], []
        for line_no, mno, p, qty, unit, net, _tax, cc in lines:
            amount_cny = money(net * rate)
            unit_cny = money(unit * rate)
            t.add(
                "goods_receipt_lines",
                gr_no=gr_no,
                line_no=line_no,
                po_no=po_no,
                po_line_no=line_no,
                material_no=mno,
                quantity=qty,
                unit_price=unit_cny,
                amount=amount_cny,
                updated_at=gr_saved,
            )
            if p.is_service:
                group = FUNCTION_GROUP[
                    next(o.function for o in w.org_units if o.cost_center_code == cc)
                ]
                debit = account_for(company, f"{group}.service")
            else:
                debit = account_for(company, "inventory")
                t.add(
                    "inventory_movements",
                    movement_no=ctx.next_no("MV", gr_date.year, 10),
                    company_code=company,
                    movement_date=gr_date,
                    movement_type="101",
                    material_no=mno,
                    warehouse_code=wh,
                    quantity=qty,
                    unit_cost=unit_cny,
                    amount=amount_cny,
                    ref_doc_type="GOODS_RECEIPT",
                    ref_doc_no=gr_no,
                    updated_at=gr_saved,
                )
            gr_legs.append(fc_leg(debit, "D", amount_cny, material_no=mno, cost_center=cc))
            gr_legs.append(
                fc_leg(
                    account_for(company, "grir"),
                    "C",
                    amount_cny,
                    material_no=mno,
                    vendor_no=vendor_no,
                )
            )
            grir_fc.append((mno, amount_cny))
        book_document(
            ctx,
            company,
            gr_date,
            "PU",
            "GOODS_RECEIPT",
            gr_no,
            "goods_receipts",
            f"采购入库 {gr_no}",
            gr_legs,
        )
        if not invoiced:
            continue
        sinv_no = ctx.next_no("SI", si_date.year)
        t.add(
            "supplier_invoices",
            sinv_no=sinv_no,
            company_code=company,
            vendor_no=vendor_no,
            po_no=po_no,
            vendor_invoice_ref="".join(rng.choice("0123456789") for _ in range(20)),
            invoice_date=si_date,
            due_date=si_date + timedelta(days=vendor.payment_terms_days),
            currency=currency,
            exchange_rate=rate,
            net_amount=net_total,
            tax_amount=tax_total,
            gross_amount=net_total + tax_total,
            updated_at=stamp(si_date, rng),
        )
        legs = [
            fc_leg(account_for(company, "grir"), "D", amt, material_no=mno, vendor_no=vendor_no)
            for mno, amt in grir_fc
        ]
        legs.extend(
            leg(account_for(company, "input_vat"), "D", x[6], currency, rate, material_no=x[1])
            for x in lines
            if x[6]
        )
        ap_fc = sum((lg.amount for lg in legs), Decimal("0.00"))
        legs.append(
            Leg(
                account_for(company, "ap"),
                "C",
                ap_fc,
                net_total + tax_total,
                currency,
                rate,
                vendor_no=vendor_no,
            )
        )
        booked = book_document(
            ctx,
            company,
            si_date,
            "PU",
            "SUPPLIER_INVOICE",
            sinv_no,
            "supplier_invoices",
            f"供应商发票 {sinv_no}",
            legs,
            wrong_account_role=(account_for(company, "ap"), account_for(company, "accrued")),
        )
        item = OpenItem(
            company, "ap", sinv_no, vendor_no, currency, net_total + tax_total, ap_fc, si_date, None
        )
        if currency != "CNY" and booked:
            ctx.open_items.append(item)
        if not paid:
            continue
        settle_payable(
            ctx, company, vendor_no, sinv_no, pay_date, currency, net_total + tax_total, ap_fc, rate
        )
        item.cleared = pay_date


def settle_payable(
    ctx: ErpContext,
    company: str,
    vendor_no: str,
    sinv_no: str,
    when: date,
    currency: str,
    amount_tc: Decimal,
    ap_fc: Decimal,
    invoice_rate: Decimal,
) -> str:
    """The company pays a supplier invoice in full: the payment and its voucher."""
    payment_no = ctx.next_no("PY", when.year)
    rate_p = ctx.rate(currency, when)
    bank = account_for(company, "bank" if currency == "CNY" else "bank_usd")
    ctx.tables.add(
        "payments",
        payment_no=payment_no,
        company_code=company,
        vendor_no=vendor_no,
        sinv_no=sinv_no,
        payment_date=when,
        currency=currency,
        amount=amount_tc,
        exchange_rate=rate_p,
        bank_account_no=bank,
        updated_at=stamp(when, ctx.rng),
    )
    legs = [
        Leg(
            account_for(company, "ap"),
            "D",
            ap_fc,
            amount_tc,
            currency,
            invoice_rate,
            vendor_no=vendor_no,
        ),
        leg(bank, "C", amount_tc, currency, rate_p),
    ]
    book_document(
        ctx,
        company,
        when,
        "BK",
        "PAYMENT",
        payment_no,
        "payments",
        f"付款 {payment_no}",
        balance_with(legs, account_for(company, "fx")),
    )
    return payment_no


def generate_open_requisitions(ctx: ErpContext, n: int, start: date, end: date) -> None:
    """Requisitions that never became a PO (still open, or rejected)."""
    w, rng = ctx.world, ctx.rng
    goods = [p for p in w.products if not p.is_service]
    span = (end - start).days
    for _ in range(n):
        company = rng.choice(["1000", "2000"])
        unit = rng.choice([o for o in w.org_units if o.entity_code == COMPANY_ENTITY[company]])
        p = rng.choice(goods)
        qty = Decimal(rng.randint(1, 50))
        d = start + timedelta(days=rng.randint(0, span))
        ctx.tables.add(
            "purchase_requisitions",
            req_no=ctx.next_no("PR", d.year),
            company_code=company,
            cost_center=unit.cost_center_code,
            requester_user=ctx.user(company, "purchasing"),
            req_date=d,
            material_no=ctx.material_no[p.sku],
            quantity=qty,
            estimated_price=p.std_cost,
            estimated_amount=money(qty * p.std_cost),
            currency="CNY",
            req_status=rng.choice(["OPEN", "REJECTED"]),
            updated_at=stamp(d, rng),
        )


# ------------------------------------------------------------------------------------------------
# Month-end and manual vouchers
# ------------------------------------------------------------------------------------------------


def opening_balances(ctx: ErpContext, company: str, when: date) -> None:
    """Period-0 voucher: assets against equity, sized to the year's business."""
    scale_base = max(ctx.cogs[company], Decimal(1_000_000))
    bank = money(scale_base * Decimal("0.30"))
    inventory = money(scale_base * Decimal("0.20"))
    fixed = money(scale_base * Decimal("0.25"))
    depr = money(fixed * Decimal("0.35"))
    capital = money((bank + inventory + fixed - depr) * Decimal("0.6"))
    ctx.fixed_assets[company] = fixed
    legs = [
        fc_leg(account_for(company, "bank"), "D", bank),
        fc_leg(account_for(company, "inventory"), "D", inventory),
        fc_leg(account_for(company, "fixed_assets"), "D", fixed),
        fc_leg(account_for(company, "acc_depr"), "C", depr),
        fc_leg(account_for(company, "share_capital"), "C", capital),
    ]
    legs = balance_with(legs, account_for(company, "retained_earnings"), "期初未分配利润")
    post_voucher(
        ctx,
        company,
        when,
        "OB",
        "OPENING",
        f"OB{when.year}",
        "期初余额",
        legs,
        period=0,
        inject=False,
    )


def accrued_office_costs(
    ctx: ErpContext, company: str, year: int, month: int
) -> list[tuple[str, Decimal]]:
    """Office costs accrued per cost centre for a month (800 CNY a head ± 10%). Drawn from
    its own Random so the payment a month later (maybe in a later ``advance``) finds the same."""
    w = ctx.world
    entity = COMPANY_ENTITY[company]
    rng = random.Random(f"{w.seed}/accrual/{company}/{year}-{month:02d}")
    heads: dict[str, int] = defaultdict(int)
    for e in w.employees_of(entity):
        heads[w.org_unit(e.dept_code).cost_center_code] += 1
    out = []
    for cc, _name in w.cost_centers(entity):
        amount = money(Decimal(heads[cc] * 800) * Decimal(str(round(rng.uniform(0.9, 1.1), 3))))
        if amount:
            out.append((cc, amount))
    return out


def close_month(ctx: ErpContext, company: str, year: int, month: int) -> None:
    """Month-end vouchers: payroll per cost centre, depreciation, accrued office costs, bank
    fees and FX revaluation."""
    w, rng = ctx.world, ctx.rng
    entity = COMPANY_ENTITY[company]
    end = month_end(year, month)
    function_of = {o.cost_center_code: o.function for o in w.org_units}
    for cc, tot in payroll_totals_by_cost_center(w, entity, year, month).items():
        group = FUNCTION_GROUP[function_of[cc]]
        si_total = tot["si_employee"] + tot["hf_employee"] + tot["si_employer"]
        legs = [
            fc_leg(account_for(company, f"{group}.salary"), "D", tot["gross"], cost_center=cc),
            fc_leg(account_for(company, f"{group}.si"), "D", tot["si_employer"], cost_center=cc),
            fc_leg(account_for(company, "payroll_payable"), "C", tot["net"], cost_center=cc),
            fc_leg(account_for(company, "si_payable"), "C", si_total, cost_center=cc),
            fc_leg(account_for(company, "iit_payable"), "C", tot["iit"], cost_center=cc),
        ]
        legs = [lg for lg in legs if lg.amount != 0]
        post_voucher(
            ctx,
            company,
            end,
            "PR",
            "PAYROLL",
            f"{cc}|{year}-{month:02d}",
            f"{year}年{month}月工资 {cc}",
            legs,
        )

    # Depreciation: straight line over 5 years of the opening fixed assets.
    depr = money(ctx.fixed_assets.get(company, Decimal(0)) / 60)
    ccs = w.cost_centers(entity)
    if depr:
        main_cc = next(
            (c for c, _ in ccs if function_of[c] == ("production" if entity == "E02" else "admin")),
            ccs[0][0],
        )
        group = FUNCTION_GROUP[function_of[main_cc]]
        legs = [
            fc_leg(account_for(company, f"{group}.depr"), "D", depr, cost_center=main_cc),
            fc_leg(account_for(company, "acc_depr"), "C", depr),
        ]
        post_voucher(
            ctx,
            company,
            end,
            "记",
            "DEPRECIATION",
            f"{company}|{year}-{month:02d}",
            f"{year}年{month}月计提折旧",
            legs,
        )

    # Accrued office costs per cost centre, paid on the 10th of the next month (pay_month).
    # From its opening date, admin office costs go to the new "other" account nobody mapped.
    use_late = (
        ctx.config.rate(D.UNMAPPED_CODE) > 0
        and LATE_ACCOUNT_ROLE[company] == "admin.office"
        and end >= LATE_ACCOUNTS[company].created_on
    )
    legs, total = [], Decimal("0.00")
    for cc, amount in accrued_office_costs(ctx, company, year, month):
        group = FUNCTION_GROUP[function_of[cc]]
        account = account_for(company, f"{group}.office")
        if use_late and group == "admin":
            account = LATE_ACCOUNTS[company].account_no
            ctx.late_account_used.add(company)
        legs.append(fc_leg(account, "D", amount, cost_center=cc))
        total += amount
    legs.append(fc_leg(account_for(company, "accrued"), "C", total))
    post_voucher(
        ctx,
        company,
        end,
        "记",
        "ACCRUAL",
        f"{company}|{year}-{month:02d}",
        f"{year}年{month}月预提房租水电",
        legs,
    )
    fee = money(Decimal(rng.randint(20000, 90000)) / 100)
    post_voucher(
        ctx,
        company,
        end,
        "BK",
        None,
        None,
        f"{year}年{month}月银行手续费",
        [
            fc_leg(account_for(company, "bank_fee"), "D", fee),
            fc_leg(account_for(company, "bank"), "C", fee),
        ],
    )
    _fx_revaluation(ctx, company, end)


def pay_day_of(year: int, month: int) -> date:
    """Salaries, social insurance, IIT and accrued costs of a month are paid on the 10th of the next."""
    return date(year + (month == 12), month % 12 + 1, 10)


def pay_month(ctx: ErpContext, company: str, year: int, month: int) -> None:
    """Payments on the 10th of the next month for a closed month's payroll and accruals."""
    w = ctx.world
    entity = COMPANY_ENTITY[company]
    pay_day = pay_day_of(year, month)
    net = si = iit = Decimal("0.00")
    for tot in payroll_totals_by_cost_center(w, entity, year, month).values():
        net += tot["net"]
        si += tot["si_employee"] + tot["hf_employee"] + tot["si_employer"]
        iit += tot["iit"]
    bank = account_for(company, "bank")
    if net:
        legs = [
            fc_leg(account_for(company, "payroll_payable"), "D", net),
            fc_leg(account_for(company, "si_payable"), "D", si),
            fc_leg(account_for(company, "iit_payable"), "D", iit),
            fc_leg(bank, "C", net + si + iit),
        ]
        post_voucher(
            ctx,
            company,
            pay_day,
            "BK",
            "PAYROLL_PAYMENT",
            f"{company}|{year}-{month:02d}",
            f"发放{year}年{month}月工资及代缴社保个税",
            [lg for lg in legs if lg.amount],
        )
    total = sum((a for _, a in accrued_office_costs(ctx, company, year, month)), Decimal("0.00"))
    post_voucher(
        ctx,
        company,
        pay_day,
        "BK",
        "ACCRUAL_PAYMENT",
        f"{company}|{year}-{month:02d}",
        f"支付{year}年{month}月房租水电",
        [fc_leg(account_for(company, "accrued"), "D", total), fc_leg(bank, "C", total)],
    )


def _fx_revaluation(ctx: ErpContext, company: str, end: date) -> None:
    """Revalue open foreign-currency items at the month-end rate; reverse on the 1st."""
    legs: list[Leg] = []
    for item in ctx.open_items:
        if item.company != company or item.opened > end or (item.cleared and item.cleared <= end):
            continue
        diff = money(item.amount_tc * ctx.rate(item.currency, end)) - item.booked_fc
        if not diff:
            continue
        if item.kind == "ar":
            legs.append(
                fc_leg(
                    account_for(company, "ar"),
                    "D",
                    diff,
                    customer_no=item.party,
                    description=f"重估 {item.doc_no}",
                )
            )
        else:
            legs.append(
                fc_leg(
                    account_for(company, "ap"),
                    "C",
                    diff,
                    vendor_no=item.party,
                    description=f"重估 {item.doc_no}",
                )
            )
    if not legs:
        return
    legs = balance_with(legs, account_for(company, "fx"), "汇兑损益")
    post_voucher(
        ctx,
        company,
        end,
        "记",
        "FX_REVALUATION",
        f"{company}|{end:%Y-%m}",
        f"{end:%Y年%m月}外币重估",
        legs,
    )
    reverse_day = end + timedelta(days=1)
    if reverse_day <= ctx.as_of:
        flipped = [replace(lg, side="C" if lg.side == "D" else "D") for lg in legs]
        post_voucher(
            ctx,
            company,
            reverse_day,
            "记",
            "FX_REVALUATION",
            f"{company}|{end:%Y-%m}|REV",
            f"冲回{end:%Y年%m月}外币重估",
            flipped,
        )


def booked_without_document(ctx: ErpContext, n_candidates: int, start: date, end: date) -> None:
    """Vouchers that claim a customer invoice nobody can find (a manual entry with a made-up
    reference). Balanced, so only reconciliation can see them."""
    rng = ctx.rng
    customers = list(ctx.customer_no.values())
    for _ in range(n_candidates):
        if not ctx.hit(D.BOOKED_WITHOUT_DOCUMENT):
            continue
        company = rng.choice(["1000", "2000"])
        when = start + timedelta(days=rng.randint(0, (end - start).days))
        ghost = f"IV{when.year % 100:02d}9{rng.randint(0, 9999999):07d}"
        net = money(Decimal(rng.randint(100000, 5000000)) / 100)
        tax = money(net * Decimal("0.13"))
        cust = rng.choice(customers)
        legs = [
            fc_leg(account_for(company, "ar"), "D", net + tax, customer_no=cust),
            fc_leg(account_for(company, "revenue_goods"), "C", net, customer_no=cust),
            fc_leg(account_for(company, "output_vat"), "C", tax),
        ]
        vno = post_voucher(
            ctx,
            company,
            when,
            "SA",
            "CUSTOMER_INVOICE",
            ghost,
            f"销售发票 {ghost}",
            legs,
            inject=False,
        )
        ctx.log.record(
            D.BOOKED_WITHOUT_DOCUMENT,
            SYSTEM,
            "journal_vouchers",
            vno,
            f"source_doc_no {ghost} does not exist",
        )


def budgets(ctx: ErpContext, year: int) -> None:
    """Version V1 monthly budget per cost centre: salaries, social insurance, office costs, and
    revenue on the sales cost centre; set from last year's plan (actuals ± 10%)."""
    w, rng = ctx.world, ctx.rng
    saved = datetime(year - 1, 12, 15, 10, 0, 0)
    for entity, company in ENTITY_COMPANY.items():
        function_of = {o.cost_center_code: o.function for o in w.org_units}
        for month in range(1, 13):
            totals = payroll_totals_by_cost_center(w, entity, year, month)
            for cc, _name in w.cost_centers(entity):
                group = FUNCTION_GROUP[function_of[cc]]
                tot = totals.get(cc)
                items = [
                    (f"{group}.salary", tot["gross"] if tot else Decimal(0)),
                    (f"{group}.si", tot["si_employer"] if tot else Decimal(0)),
                    (
                        f"{group}.office",
                        Decimal(
                            len(
                                [
                                    e
                                    for e in w.employees_of(entity)
                                    if w.org_unit(e.dept_code).cost_center_code == cc
                                ]
                            )
                            * 800
                        ),
                    ),
                ]
                if function_of[cc] == "sales":
                    items.append(("revenue_goods", ctx.revenue[(company, month)]))
                for role, base in items:
                    amount = money(base * Decimal(str(round(rng.uniform(0.9, 1.1), 3))))
                    ctx.tables.add(
                        "budgets",
                        company_code=company,
                        fiscal_year=year,
                        fiscal_period=month,
                        cost_center=cc,
                        account_no=account_for(company, role),
                        budget_version="V1",
                        amount=amount,
                        currency="CNY",
                        updated_at=saved,
                    )


# ------------------------------------------------------------------------------------------------
# Entry points
# ------------------------------------------------------------------------------------------------


@dataclass
class ErpBuild:
    """What generate_erp produced: the rows, and the ERP's numbers for the World's parties."""

    tables: TableSet
    customer_numbers: dict[str, str]  # party_id → customer_no
    vendor_numbers: dict[str, str]  # party_id → vendor_no


def generate_erp(
    world: World,
    log: DefectLog,
    config: DefectConfig,
    target: Target | None = None,
    flush_rows: int = 50_000,
) -> ErpBuild:
    """All rows of the group ERP for the World's year, defects injected and recorded.

    Without ``target`` the rows are returned in memory. With it they are written to ``target``
    (schema recreated) while they are made, ``flush_rows`` at a time per table, and the
    returned TableSet only counts them: at scale 10 the rows would need over 10 GB at once.
    """
    if target is None:
        return _build_erp(world, log, config, TableSet(SCHEMA_PATH))
    with table_writer(SCHEMA_PATH.read_text(encoding="utf-8"), target) as append:
        tables = TableSet(SCHEMA_PATH, sink=append, flush_rows=flush_rows)
        build = _build_erp(world, log, config, tables)
        tables.flush()
    return build


def _build_erp(world: World, log: DefectLog, config: DefectConfig, tables: TableSet) -> ErpBuild:
    rng = random.Random(f"{world.seed}/erp")
    ctx = ErpContext(world, rng, config, log, tables, as_of=world.end_date)
    start, end = world.start_date, world.end_date
    _master_data(ctx)
    _exchange_rates(ctx, start - timedelta(days=31), end)
    plans = plan_sales(world, rng, world.sizes.sales_orders, start, end)
    # Opening balances depend on the year's cost of sales, so size them from a dry estimate.
    for plan in plans:
        for sku, qty, _price in plan.lines:
            p = world.product(sku)
            if not p.is_service:
                ctx.cogs[plan.company] += money(qty * p.std_cost)
    for company in ENTITY_COMPANY.values():
        opening_balances(ctx, company, start)
    ctx.cogs.clear()
    generate_sales(ctx, plans)
    generate_purchases(ctx, world.sizes.purchase_orders, start, end)
    # trade between the group's own entities, before the month ends revalue what is open
    from demo.intercompany import book_erp_trade  # imports this module

    book_erp_trade(ctx)
    generate_open_requisitions(ctx, max(5, world.sizes.purchase_orders // 10), start, end)
    for year, month in world.periods():
        for company in ENTITY_COMPANY.values():
            close_month(ctx, company, year, month)
            if pay_day_of(year, month) <= ctx.as_of:
                pay_month(ctx, company, year, month)
    booked_without_document(ctx, max(50, world.sizes.sales_orders // 10), start, end)
    budgets(ctx, start.year)
    for company in sorted(ctx.late_account_used):
        acc = LATE_ACCOUNTS[company]
        log.record(
            D.UNMAPPED_CODE,
            SYSTEM,
            "chart_of_accounts",
            f"{company}|{acc.account_no}",
            f"{acc.name} opened {acc.created_on}, used in journal_lines, no mapping",
        )
    ctx.tables.add(
        "demo_clock",
        clock_id=1,
        demo_date=end,
        seed=world.seed,
        scale=Decimal(str(world.scale)),
        advance_count=0,
        updated_at=datetime(end.year, end.month, end.day, 23, 0, 0),
    )
    return ErpBuild(ctx.tables, dict(ctx.customer_no), dict(ctx.vendor_no))


def write_erp(tables: TableSet, target: Target, progress=None) -> None:
    write_tables(tables, target, progress)
