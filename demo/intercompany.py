"""Trade between the demo group's own legal entities (内部交易), booked on both sides.

The plan is a pure function of the World (``plan_intercompany``), so the group ERP (E01, E02)
and the subsidiary's SimpleBooks (E03), generated separately, book the two sides of the same
trades:

- E02 → E01, CNY: the manufacturer sells goods to the trading company (13% VAT). E02 books the
  sales order, delivery, customer invoice and receipt; E01 the purchase order, goods receipt,
  supplier invoice (its vendor reference is E02's invoice number) and payment.
- E01 → E03, SGD: the trading company sells goods to the Singapore subsidiary (an export,
  zero-rated). E01 books them in SGD (revalued at each month end while open); E03 books the
  purchase invoice and the payment in SimpleBooks.
- E01 lends E02 CNY for a year; E02 pays interest at each month end.

Every sale is settled within the year by both sides on the same day, so the year-end books hold
no intercompany trade balance but the loan. Some sales are booked differently by the buyer
(``DefectConfig.intercompany_mismatch``): at another amount (its purchase order keyed at a wrong
price; it pays what it booked, the seller's receivable keeps the rest), or in the next month
(a timing difference at the seller's month end). Each trade is logged as
``intercompany_transaction`` and each mismatch as ``intercompany_mismatch`` (key: the seller's
invoice number) in the ground truth.

The parties are the entities themselves, in each system's own master data: E01 and E03 as
customers and E02 as a vendor in the group ERP, E01 as a supplier in SimpleBooks, under their
registered names and unified social credit codes. Document numbers run in their own series
(``…IC…``), as ERPs keep intercompany documents apart. Nothing here draws from a generator's
random stream: the hooks lend it one of its own.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from demo import defects as D
from demo.defects import DefectConfig, DefectLog
from demo.fx import cny_rate
from demo.world import LegalEntity, World, money

if TYPE_CHECKING:  # the generators import this module inside their hooks
    from demo.erp.generate import ErpContext
    from demo.erp2.generate import Sb

ONE = Decimal("1")
ZERO = Decimal("0.00")
ERP_COMPANY = {"E01": "1000", "E02": "2000"}
# The entities as parties: number in the group ERP's customer / vendor master and in SimpleBooks.
CUSTOMER_NO = {"E01": "CIC001", "E03": "CIC003"}
VENDOR_NO = {"E02": "VIC002"}
BP_ID = {"E01": "BPIC01"}
SELLER_WAREHOUSE = {"2000": "W201", "1000": "W101"}
BUYER_WAREHOUSE = "W101"
PAYMENT_TERMS_DAYS = 30
LOAN_RATE_PER_MONTH = Decimal("0.003")  # 3.6% a year, paid monthly


@dataclass(frozen=True)
class Sale:
    """One intercompany sale and how the buyer booked it."""

    seq: int
    seller: str
    buyer: str
    currency: str
    order_date: date
    delivery_date: date
    invoice_date: date
    settle_date: date
    lines: tuple[tuple[str, Decimal, Decimal], ...]  # (sku, quantity, unit price in currency)
    mismatch: str | None = None  # None, "amount" or "timing"
    buyer_factor: Decimal = ONE  # the buyer's price ÷ the seller's (amount mismatch)
    buyer_invoice_date: date | None = None  # the buyer's invoice date (timing mismatch)

    def number(self, prefix: str) -> str:
        """Document number in the intercompany series, e.g. IV25IC0003."""
        return f"{prefix}{self.order_date.year % 100:02d}IC{self.seq:04d}"

    def erp2_number(self, prefix: str) -> str:
        """SimpleBooks' numbering, e.g. PIN-25IC003."""
        return f"{prefix}-{self.order_date.year % 100:02d}IC{self.seq:03d}"

    @property
    def buyer_date(self) -> date:
        return self.buyer_invoice_date or self.invoice_date


@dataclass(frozen=True)
class Loan:
    lender: str
    borrower: str
    currency: str
    principal: Decimal
    start: date
    number: str


@dataclass(frozen=True)
class IntercompanyPlan:
    sales: tuple[Sale, ...]
    loans: tuple[Loan, ...]


def _month_end(d: date) -> date:
    return (d.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def plan_intercompany(world: World, config: DefectConfig | None = None) -> IntercompanyPlan:
    """The group's intercompany trade for the World's year (deterministic, own Random)."""
    config = config or DefectConfig()
    rng = random.Random(f"{world.seed}/intercompany")
    goods = [p for p in world.products if not p.is_service]
    start, end = world.start_date, world.end_date
    # sales end early enough that both sides settle them within the year
    last_order = end - timedelta(days=PAYMENT_TERMS_DAYS + 45)
    routes = [
        ("E02", "E01", "CNY", max(6, world.sizes.purchase_orders // 40)),
        ("E01", "E03", "SGD", max(5, world.sizes.erp2_purchase_orders // 4)),
    ]
    sales: list[Sale] = []
    for seller, buyer, currency, count in routes:
        drawn = sorted(
            start + timedelta(days=rng.randint(0, (last_order - start).days)) for _ in range(count)
        )
        mismatches = [rng.random() < config.rate(D.INTERCOMPANY_MISMATCH) for _ in range(count)]
        if config.rate(D.INTERCOMPANY_MISMATCH) > 0 and sum(mismatches) < 2:
            # small demos still show both kinds of mismatch on every route
            mismatches[1] = mismatches[2] = True
        kinds = iter(["amount", "timing"] * count)
        for order_date, mismatched in zip(drawn, mismatches, strict=True):
            month_end = _month_end(order_date)
            delivery = min(order_date + timedelta(days=rng.randint(1, 4)), month_end)
            invoice = min(delivery + timedelta(days=rng.randint(0, 3)), month_end)
            settle = invoice + timedelta(days=PAYMENT_TERMS_DAYS + rng.randint(0, 10))
            rate = cny_rate(world.seed, currency, order_date)
            lines = []
            for _ in range(rng.choice([1, 2, 3])):
                product = rng.choice(goods)
                price_cny = money(product.std_cost * Decimal(str(round(rng.uniform(1.08, 1.2), 3))))
                # about 20k CNY a line, like the group's other trade: whole units, at least one
                target = Decimal(str(round(rng.lognormvariate(9.9, 0.6), 2)))
                quantity = max(ONE, (target / price_cny).quantize(ONE))
                price = price_cny if currency == "CNY" else money(price_cny / rate)
                lines.append((product.sku, quantity, price))
            kind = next(kinds) if mismatched else None
            buyer_date = month_end + timedelta(days=rng.randint(1, 5)) if kind == "timing" else None
            # both pay and are paid after the buyer has the invoice in its books
            settle = max(settle, (buyer_date or invoice) + timedelta(days=3))
            sales.append(
                Sale(
                    seq=len(sales) + 1,
                    seller=seller,
                    buyer=buyer,
                    currency=currency,
                    order_date=order_date,
                    delivery_date=delivery,
                    invoice_date=invoice,
                    settle_date=settle,
                    lines=tuple(lines),
                    mismatch=kind,
                    buyer_factor=Decimal("0.90") if kind == "amount" else ONE,
                    buyer_invoice_date=buyer_date,
                )
            )
    # about a tenth of the borrower's year of sales, in round ten thousands
    ten_thousands = max(Decimal(100), (Decimal(str(world.scale)) * 20_000).quantize(ONE))
    loan = Loan(
        "E01",
        "E02",
        "CNY",
        money(ten_thousands * 10_000),
        date(start.year, 2, 16),
        f"LN{start.year % 100:02d}IC01",
    )
    return IntercompanyPlan(tuple(sales), (loan,))


def _stamp(d: date, rng: random.Random) -> datetime:
    return datetime(d.year, d.month, d.day, rng.randint(8, 18), rng.randint(0, 59), 0)


def _log_sale(log: DefectLog, sale: Sale, buyer_system: str, revenue: Decimal) -> None:
    """The seller's side (and the buyer's when it is in the same ERP) and any mismatch.
    ``revenue``: what the seller booked as revenue, in its functional currency."""
    net = sum((money(q * p) for _, q, p in sale.lines), ZERO)
    buyer_doc = _buyer_document(sale, buyer_system)
    log.record(
        D.INTERCOMPANY_TRANSACTION,
        "erp",
        "customer_invoices",
        sale.number("IV"),
        f"{sale.seller}→{sale.buyer} sale {sale.currency} net {net}; "
        f"seller revenue {revenue} functional; buyer invoice {buyer_doc}",
    )
    if buyer_system == "erp":
        _log_purchase(log, sale, buyer_system)
    if sale.mismatch == "amount":
        log.record(
            D.INTERCOMPANY_MISMATCH,
            "erp",
            "customer_invoices",
            sale.number("IV"),
            f"buyer {sale.buyer} booked {buyer_doc} at {sale.buyer_factor:.0%} of the seller's price",
        )
    elif sale.mismatch == "timing":
        log.record(
            D.INTERCOMPANY_MISMATCH,
            "erp",
            "customer_invoices",
            sale.number("IV"),
            f"seller invoiced on {sale.invoice_date}, buyer {sale.buyer} booked {buyer_doc} "
            f"on {sale.buyer_date}",
        )


def _buyer_document(sale: Sale, buyer_system: str) -> str:
    return sale.erp2_number("PIN") if buyer_system == "erp2" else sale.number("SI")


def _log_purchase(log: DefectLog, sale: Sale, buyer_system: str) -> None:
    log.record(
        D.INTERCOMPANY_TRANSACTION,
        buyer_system,
        "purchase_invoices" if buyer_system == "erp2" else "supplier_invoices",
        _buyer_document(sale, buyer_system),
        f"{sale.buyer} bought from {sale.seller}: seller invoice {sale.number('IV')}",
    )


# ------------------------------------------------------------------------------------------------
# The group ERP (E01, E02)
# ------------------------------------------------------------------------------------------------


@contextmanager
def _own_random(holder, seed: str) -> Iterator[random.Random]:
    """Lend ``holder`` (an ErpContext or Sb) a Random of its own for the intercompany
    documents, so the generator's stream, and everything it draws after, is untouched."""
    saved = holder.rng
    holder.rng = random.Random(seed)
    try:
        yield holder.rng
    finally:
        holder.rng = saved


def _erp_parties(ctx: ErpContext) -> None:
    w = ctx.world
    base = datetime(w.start_date.year - 1, 12, 31, 18, 0, 0)
    for code, number in CUSTOMER_NO.items():
        entity = w.entity(code)
        ctx.tables.add(
            "customers",
            customer_no=number,
            customer_name=entity.name,
            tax_id=entity.uscc,
            customer_group="Z1",
            country=entity.country,
            province=None,
            city=entity.city,
            address=None,
            contact_person=None,
            phone=None,
            currency=entity.functional_currency,
            payment_terms=f"NT{PAYMENT_TERMS_DAYS}",
            credit_limit=money(0),
            sales_rep_user=None,
            is_blocked=0,
            created_on=date(2015, 1, 1),
            updated_at=base,
        )
    for code, number in VENDOR_NO.items():
        entity = w.entity(code)
        ctx.tables.add(
            "vendors",
            vendor_no=number,
            vendor_name=entity.name,
            tax_id=entity.uscc,
            vendor_group="K1",
            country=entity.country,
            province=None,
            city=entity.city,
            address=None,
            contact_person=None,
            phone=None,
            bank_name=None,
            bank_account=None,
            currency=entity.functional_currency,
            payment_terms=f"NT{PAYMENT_TERMS_DAYS}",
            created_on=date(2015, 1, 1),
            updated_at=base,
        )


def _seller_side(ctx: ErpContext, sale: Sale) -> Decimal:
    """Sales order, delivery, invoice and receipt in the seller's company, booked the way the
    ERP books its other sales (demo.erp.generate.generate_sales). Returns the revenue booked
    (functional currency)."""
    from demo.erp.charts import account_for
    from demo.erp.generate import OpenItem, post_voucher
    from demo.erp.ledger import Leg, balance_with, leg

    w, t, rng = ctx.world, ctx.tables, ctx.rng
    company, customer = ERP_COMPANY[sale.seller], CUSTOMER_NO[sale.buyer]
    order_no, delivery_no = sale.number("SO"), sale.number("DN")
    invoice_no, receipt_no = sale.number("IV"), sale.number("RC")
    warehouse = SELLER_WAREHOUSE[company]
    rate = ctx.rate(sale.currency, sale.invoice_date)
    lines = []  # (line_no, material_no, product, qty, price, net, tax)
    for i, (sku, quantity, price) in enumerate(sale.lines):
        product = w.product(sku)
        net = money(quantity * price)
        vat = product.vat_rate if sale.currency == "CNY" else Decimal(0)  # exports are zero-rated
        lines.append(
            ((i + 1) * 10, ctx.material_no[sku], product, quantity, price, net, money(net * vat))
        )
    net_total = sum((x[5] for x in lines), ZERO)
    tax_total = sum((x[6] for x in lines), ZERO)
    gross = net_total + tax_total
    saved = _stamp(sale.order_date, rng)
    t.add(
        "sales_orders",
        order_no=order_no,
        company_code=company,
        customer_no=customer,
        order_date=sale.order_date,
        requested_date=sale.delivery_date,
        currency=sale.currency,
        net_amount=net_total,
        tax_amount=tax_total,
        gross_amount=gross,
        sales_rep_user=None,
        order_status="CLOSED",
        updated_at=saved,
    )
    for line_no, mno, product, quantity, price, net, tax in lines:
        t.add(
            "sales_order_lines",
            order_no=order_no,
            line_no=line_no,
            material_no=mno,
            quantity=quantity,
            unit_price=price,
            net_amount=net,
            tax_rate=product.vat_rate if tax else Decimal(0),
            tax_amount=tax,
            warehouse_code=warehouse,
            updated_at=saved,
        )
    shipped = _stamp(sale.delivery_date, rng)
    t.add(
        "deliveries",
        delivery_no=delivery_no,
        company_code=company,
        order_no=order_no,
        customer_no=customer,
        delivery_date=sale.delivery_date,
        warehouse_code=warehouse,
        updated_at=shipped,
    )
    legs = []
    for j, (line_no, mno, product, quantity, *_rest) in enumerate(lines):
        cost = money(quantity * product.std_cost)
        t.add(
            "delivery_lines",
            delivery_no=delivery_no,
            line_no=(j + 1) * 10,
            order_no=order_no,
            order_line_no=line_no,
            material_no=mno,
            quantity=quantity,
            unit_cost=product.std_cost,
            cost_amount=cost,
            updated_at=shipped,
        )
        t.add(
            "inventory_movements",
            movement_no=f"MV{sale.order_date.year % 100:02d}IC{sale.seq:04d}{j + 1:02d}",
            company_code=company,
            movement_date=sale.delivery_date,
            movement_type="601",
            material_no=mno,
            warehouse_code=warehouse,
            quantity=-quantity,
            unit_cost=product.std_cost,
            amount=-cost,
            ref_doc_type="DELIVERY",
            ref_doc_no=delivery_no,
            updated_at=shipped,
        )
        legs.append(leg(account_for(company, "cogs"), "D", cost, material_no=mno))
        legs.append(leg(account_for(company, "inventory"), "C", cost, material_no=mno))
    post_voucher(
        ctx,
        company,
        sale.delivery_date,
        "SA",
        "DELIVERY",
        delivery_no,
        f"内部销售发货 {delivery_no} 结转成本",
        legs,
        inject=False,
    )

    invoiced = _stamp(sale.invoice_date, rng)
    t.add(
        "customer_invoices",
        invoice_no=invoice_no,
        company_code=company,
        customer_no=customer,
        order_no=order_no,
        delivery_no=delivery_no,
        invoice_date=sale.invoice_date,
        due_date=sale.invoice_date + timedelta(days=PAYMENT_TERMS_DAYS),
        currency=sale.currency,
        exchange_rate=rate,
        net_amount=net_total,
        tax_amount=tax_total,
        gross_amount=gross,
        vat_invoice_no=None,
        updated_at=invoiced,
    )
    legs = []
    for line_no, mno, product, quantity, price, net, tax in lines:
        t.add(
            "customer_invoice_lines",
            invoice_no=invoice_no,
            line_no=line_no,
            material_no=mno,
            quantity=quantity,
            unit_price=price,
            net_amount=net,
            tax_rate=product.vat_rate if tax else Decimal(0),
            tax_amount=tax,
            updated_at=invoiced,
        )
        legs.append(
            leg(
                account_for(company, "revenue_goods"),
                "C",
                net,
                sale.currency,
                rate,
                customer_no=customer,
                material_no=mno,
            )
        )
    legs.extend(
        leg(account_for(company, "output_vat"), "C", x[6], sale.currency, rate, material_no=x[1])
        for x in lines
        if x[6]
    )
    revenue = sum((lg.amount for lg in legs[: len(lines)]), ZERO)
    ar_fc = sum((lg.amount for lg in legs), ZERO)
    legs.insert(
        0,
        Leg(
            account_for(company, "ar"), "D", ar_fc, gross, sale.currency, rate, customer_no=customer
        ),
    )
    post_voucher(
        ctx,
        company,
        sale.invoice_date,
        "SA",
        "CUSTOMER_INVOICE",
        invoice_no,
        f"内部销售发票 {invoice_no}",
        legs,
        inject=False,
    )
    item = OpenItem(
        company,
        "ar",
        invoice_no,
        customer,
        sale.currency,
        gross,
        ar_fc,
        sale.invoice_date,
        sale.settle_date,
    )
    if sale.currency != "CNY":
        ctx.open_items.append(item)

    # the buyer pays what it booked; a short payment leaves the rest of the receivable open
    received = gross if sale.mismatch != "amount" else _buyer_gross(sale, w)
    rate_r = ctx.rate(sale.currency, sale.settle_date)
    bank = account_for(company, "bank" if sale.currency == "CNY" else "bank_usd")
    t.add(
        "receipts",
        receipt_no=receipt_no,
        company_code=company,
        customer_no=customer,
        invoice_no=invoice_no,
        receipt_date=sale.settle_date,
        currency=sale.currency,
        amount=received,
        exchange_rate=rate_r,
        bank_account_no=bank,
        updated_at=_stamp(sale.settle_date, rng),
    )
    cleared = ar_fc if received == gross else money(received * rate_r)
    legs = [
        leg(bank, "D", received, sale.currency, rate_r),
        Leg(
            account_for(company, "ar"),
            "C",
            cleared,
            received,
            sale.currency,
            rate if received == gross else rate_r,
            customer_no=customer,
        ),
    ]
    post_voucher(
        ctx,
        company,
        sale.settle_date,
        "BK",
        "RECEIPT",
        receipt_no,
        f"内部销售收款 {receipt_no}",
        balance_with(legs, account_for(company, "fx")),
        inject=False,
    )
    return revenue


def _buyer_lines(sale: Sale) -> list[tuple[str, Decimal, Decimal]]:
    """The lines as the buyer booked them (its own unit price on an amount mismatch)."""
    return [(sku, q, money(p * sale.buyer_factor)) for sku, q, p in sale.lines]


def _buyer_gross(sale: Sale, world: World) -> Decimal:
    gross = ZERO
    for sku, quantity, price in _buyer_lines(sale):
        net = money(quantity * price)
        vat = world.product(sku).vat_rate if sale.currency == "CNY" else Decimal(0)
        gross += net + money(net * vat)
    return gross


def _erp_buyer_side(ctx: ErpContext, sale: Sale) -> None:
    """Purchase order, goods receipt, supplier invoice and payment in the buyer's company,
    booked the way the ERP books its other purchases (generate_purchases)."""
    from demo.erp.charts import account_for
    from demo.erp.generate import post_voucher
    from demo.erp.ledger import Leg, balance_with, fc_leg, leg

    w, t, rng = ctx.world, ctx.tables, ctx.rng
    company, vendor = ERP_COMPANY[sale.buyer], VENDOR_NO[sale.seller]
    po_no, gr_no, sinv_no, payment_no = (sale.number(p) for p in ("PO", "GR", "SI", "PY"))
    rate = ctx.rate(sale.currency, sale.order_date)
    lines = []  # (line_no, mno, product, qty, price, net, tax)
    for i, (sku, quantity, price) in enumerate(_buyer_lines(sale)):
        product = w.product(sku)
        net = money(quantity * price)
        lines.append(
            (
                (i + 1) * 10,
                ctx.material_no[sku],
                product,
                quantity,
                price,
                net,
                money(net * product.vat_rate),
            )
        )
    net_total = sum((x[5] for x in lines), ZERO)
    tax_total = sum((x[6] for x in lines), ZERO)
    gross = net_total + tax_total
    ordered = _stamp(sale.order_date, rng)
    t.add(
        "purchase_orders",
        po_no=po_no,
        company_code=company,
        vendor_no=vendor,
        req_no=None,
        po_date=sale.order_date,
        currency=sale.currency,
        net_amount=net_total,
        tax_amount=tax_total,
        gross_amount=gross,
        buyer_user=None,
        po_status="PAID",
        updated_at=ordered,
    )
    for line_no, mno, product, quantity, price, net, tax in lines:
        t.add(
            "purchase_order_lines",
            po_no=po_no,
            line_no=line_no,
            material_no=mno,
            quantity=quantity,
            unit_price=price,
            net_amount=net,
            tax_rate=product.vat_rate,
            tax_amount=tax,
            warehouse_code=BUYER_WAREHOUSE,
            cost_center=None,
            updated_at=ordered,
        )
    received = _stamp(sale.delivery_date, rng)
    t.add(
        "goods_receipts",
        gr_no=gr_no,
        company_code=company,
        po_no=po_no,
        vendor_no=vendor,
        receipt_date=sale.delivery_date,
        warehouse_code=BUYER_WAREHOUSE,
        updated_at=received,
    )
    gr_legs, grir = [], []
    for j, (line_no, mno, _product, quantity, price, net, _tax) in enumerate(lines):
        amount = money(net * rate)
        t.add(
            "goods_receipt_lines",
            gr_no=gr_no,
            line_no=line_no,
            po_no=po_no,
            po_line_no=line_no,
            material_no=mno,
            quantity=quantity,
            unit_price=money(price * rate),
            amount=amount,
            updated_at=received,
        )
        t.add(
            "inventory_movements",
            movement_no=f"MV{sale.order_date.year % 100:02d}IC{sale.seq:04d}{50 + j:02d}",
            company_code=company,
            movement_date=sale.delivery_date,
            movement_type="101",
            material_no=mno,
            warehouse_code=BUYER_WAREHOUSE,
            quantity=quantity,
            unit_cost=money(price * rate),
            amount=amount,
            ref_doc_type="GOODS_RECEIPT",
            ref_doc_no=gr_no,
            updated_at=received,
        )
        gr_legs.append(fc_leg(account_for(company, "inventory"), "D", amount, material_no=mno))
        gr_legs.append(
            fc_leg(account_for(company, "grir"), "C", amount, material_no=mno, vendor_no=vendor)
        )
        grir.append((mno, amount))
    post_voucher(
        ctx,
        company,
        sale.delivery_date,
        "PU",
        "GOODS_RECEIPT",
        gr_no,
        f"内部采购入库 {gr_no}",
        gr_legs,
        inject=False,
    )

    t.add(
        "supplier_invoices",
        sinv_no=sinv_no,
        company_code=company,
        vendor_no=vendor,
        po_no=po_no,
        vendor_invoice_ref=sale.number("IV"),
        invoice_date=sale.buyer_date,
        due_date=sale.buyer_date + timedelta(days=PAYMENT_TERMS_DAYS),
        currency=sale.currency,
        exchange_rate=rate,
        net_amount=net_total,
        tax_amount=tax_total,
        gross_amount=gross,
        updated_at=_stamp(sale.buyer_date, rng),
    )
    legs = [
        fc_leg(account_for(company, "grir"), "D", amt, material_no=mno, vendor_no=vendor)
        for mno, amt in grir
    ]
    legs.extend(
        leg(account_for(company, "input_vat"), "D", x[6], sale.currency, rate, material_no=x[1])
        for x in lines
        if x[6]
    )
    ap_fc = sum((lg.amount for lg in legs), ZERO)
    legs.append(
        Leg(account_for(company, "ap"), "C", ap_fc, gross, sale.currency, rate, vendor_no=vendor)
    )
    post_voucher(
        ctx,
        company,
        sale.buyer_date,
        "PU",
        "SUPPLIER_INVOICE",
        sinv_no,
        f"内部采购发票 {sinv_no}",
        legs,
        inject=False,
    )

    rate_p = ctx.rate(sale.currency, sale.settle_date)
    bank = account_for(company, "bank" if sale.currency == "CNY" else "bank_usd")
    t.add(
        "payments",
        payment_no=payment_no,
        company_code=company,
        vendor_no=vendor,
        sinv_no=sinv_no,
        payment_date=sale.settle_date,
        currency=sale.currency,
        amount=gross,
        exchange_rate=rate_p,
        bank_account_no=bank,
        updated_at=_stamp(sale.settle_date, rng),
    )
    legs = [
        Leg(account_for(company, "ap"), "D", ap_fc, gross, sale.currency, rate, vendor_no=vendor),
        leg(bank, "C", gross, sale.currency, rate_p),
    ]
    post_voucher(
        ctx,
        company,
        sale.settle_date,
        "BK",
        "PAYMENT",
        payment_no,
        f"内部采购付款 {payment_no}",
        balance_with(legs, account_for(company, "fx")),
        inject=False,
    )


def _erp_loan(ctx: ErpContext, loan: Loan) -> None:
    """The loan on both sides (both are in the group ERP): disbursement and monthly interest."""
    from demo.erp.charts import account_for
    from demo.erp.generate import post_voucher
    from demo.erp.ledger import fc_leg

    lender, borrower = ERP_COMPANY[loan.lender], ERP_COMPANY[loan.borrower]
    lender_party = {"vendor_no": VENDOR_NO[loan.borrower]}
    borrower_party = {"customer_no": CUSTOMER_NO[loan.lender]}
    p = loan.principal
    lent = post_voucher(
        ctx,
        lender,
        loan.start,
        "BK",
        "LOAN",
        loan.number,
        f"内部借款 {loan.number} 贷出",
        [
            fc_leg(account_for(lender, "loan_receivable"), "D", p, **lender_party),
            fc_leg(account_for(lender, "bank"), "C", p),
        ],
        inject=False,
    )
    borrowed = post_voucher(
        ctx,
        borrower,
        loan.start,
        "BK",
        "LOAN",
        loan.number,
        f"内部借款 {loan.number} 借入",
        [
            fc_leg(account_for(borrower, "bank"), "D", p),
            fc_leg(account_for(borrower, "short_term_loan"), "C", p, **borrower_party),
        ],
        inject=False,
    )
    for voucher, system_entity in ((lent, loan.lender), (borrowed, loan.borrower)):
        ctx.log.record(
            D.INTERCOMPANY_TRANSACTION,
            "erp",
            "journal_vouchers",
            voucher,
            f"{loan.lender}→{loan.borrower} loan {loan.number} {loan.currency} {p} ({system_entity})",
        )
    interest = money(p * LOAN_RATE_PER_MONTH)
    month_end = _month_end(loan.start)
    while month_end <= ctx.as_of:
        ref = f"{loan.number}|{month_end:%Y-%m}"
        post_voucher(
            ctx,
            lender,
            month_end,
            "BK",
            "LOAN_INTEREST",
            ref,
            f"收取内部借款利息 {ref}",
            [
                fc_leg(account_for(lender, "bank"), "D", interest),
                fc_leg(account_for(lender, "interest"), "C", interest, **lender_party),
            ],
            inject=False,
        )
        post_voucher(
            ctx,
            borrower,
            month_end,
            "BK",
            "LOAN_INTEREST",
            ref,
            f"支付内部借款利息 {ref}",
            [
                fc_leg(account_for(borrower, "interest"), "D", interest, **borrower_party),
                fc_leg(account_for(borrower, "bank"), "C", interest),
            ],
            inject=False,
        )
        month_end = _month_end(month_end + timedelta(days=1))


def book_erp_trade(ctx: ErpContext) -> IntercompanyPlan:
    """The group ERP's side of the plan: parties, both sides of E02 → E01, E01's side of
    E01 → E03, the loan. Call before the month-end closes (E01 revalues its SGD receivables)."""
    plan = plan_intercompany(ctx.world, ctx.config)
    with _own_random(ctx, f"{ctx.world.seed}/intercompany/erp"):
        _erp_parties(ctx)
        for sale in plan.sales:
            if sale.settle_date > ctx.as_of:
                continue
            revenue = _seller_side(ctx, sale)
            if sale.buyer in ERP_COMPANY:
                _erp_buyer_side(ctx, sale)
            buyer_system = "erp" if sale.buyer in ERP_COMPANY else "erp2"
            _log_sale(ctx.log, sale, buyer_system, revenue)
        for loan in plan.loans:
            if loan.start <= ctx.as_of:
                _erp_loan(ctx, loan)
    return plan


# ------------------------------------------------------------------------------------------------
# SimpleBooks (E03)
# ------------------------------------------------------------------------------------------------


def _erp2_party(sb: Sb, entity: LegalEntity) -> None:
    sb.tables.add(
        "bp_master",
        bp_id=BP_ID[entity.code],
        bp_type="S",
        bp_name=entity.name,
        country_code=entity.country,
        city=entity.city,
        reg_number=entity.uscc,
        currency="SGD",
        credit_days=PAYMENT_TERMS_DAYS,
        email=None,
        created_date=date(2015, 1, 1),
        updated_at=datetime(sb.world.start_date.year - 1, 12, 31, 17, 0, 0),
    )


def _erp2_buyer_side(sb: Sb, sale: Sale) -> None:
    """E03's purchase invoice and payment, booked the way SimpleBooks books its other purchases."""
    from demo.erp2.generate import _balance, post

    rng = sb.rng
    bp = BP_ID[sale.seller]
    doc, txn = sale.erp2_number("PIN"), sale.erp2_number("CT")
    items = [(sb.item_of[sku], q, p, money(q * p)) for sku, q, p in _buyer_lines(sale)]
    net = sum((x[3] for x in items), ZERO)
    rate, r2 = ONE, ONE  # SGD is SimpleBooks' own currency
    saved = _stamp(sale.buyer_date, rng)
    sb.tables.add(
        "purchase_invoices",
        doc_id=doc,
        bp_id=bp,
        supplier_ref=sale.number("IV"),
        doc_date=sale.buyer_date,
        due_date=sale.buyer_date + timedelta(days=PAYMENT_TERMS_DAYS),
        currency=sale.currency,
        fx_rate=rate,
        net_total=net,
        gst_total=ZERO,
        doc_total=net,
        doc_status="Paid",
        updated_at=saved,
    )
    for num, (item, quantity, price, total) in enumerate(items, start=1):
        sb.tables.add(
            "purchase_invoice_items",
            doc_id=doc,
            line_num=num,
            item_code=item,
            qty=quantity,
            price=price,
            line_total=total,
            gst_amount=ZERO,
            updated_at=saved,
        )
    post(
        sb,
        sale.buyer_date,
        "PURCHASE",
        doc,
        _balance(
            [
                ("A-1200", "D", net, sale.currency, rate, None, None, f"Bill {doc}"),
                ("A-2000", "C", net, sale.currency, rate, None, bp, f"Bill {doc}"),
            ]
        ),
        inject=False,
    )
    sb.tables.add(
        "cash_transactions",
        txn_id=txn,
        bp_id=bp,
        doc_ref=doc,
        txn_date=sale.settle_date,
        direction="OUT",
        currency=sale.currency,
        amount=net,
        fx_rate=r2,
        updated_at=_stamp(sale.settle_date, rng),
    )
    post(
        sb,
        sale.settle_date,
        "PAYMENT",
        txn,
        _balance(
            [
                ("A-2000", "D", net, sale.currency, rate, None, bp, f"Payment {txn}"),
                ("A-1000", "C", net, sale.currency, r2, None, None, f"Payment {txn}"),
            ]
        ),
        inject=False,
    )


def book_erp2_trade(sb: Sb) -> IntercompanyPlan:
    """SimpleBooks' side of the plan: E01 as a supplier and E03's purchases from it."""
    plan = plan_intercompany(sb.world, sb.config)
    with _own_random(sb, f"{sb.world.seed}/intercompany/erp2"):
        _erp2_party(sb, sb.world.entity("E01"))
        for sale in plan.sales:
            if sale.buyer == "E03" and sale.settle_date <= sb.as_of:
                _erp2_buyer_side(sb, sale)
                _log_purchase(sb.log, sale, "erp2")
    return plan
