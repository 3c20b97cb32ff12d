"""One sales document committed in the group ERP now: what the near-real-time benchmark and
the watch-mode test write to see a business event reach the published statements.

``record_sale(target, log)`` books a service sale of company 1000 (E01) on the demo's current
date, the way the ERP books any invoice: the sales order and its line, the customer invoice and
its line, and the invoice's voucher (Dr receivable / Cr service revenue, Cr output VAT), all in
one transaction. No defect is injected; every row is logged as new_record like ``advance``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from demo import defects as D
from demo.defects import DefectConfig, DefectLog
from demo.erp.advance import _as_date, _select
from demo.erp.generate import SCHEMA_PATH, SYSTEM, ErpContext, account_for, post_voucher
from demo.erp.ledger import leg
from demo.sqlio import Target, insert_rows, opened
from demo.tables import TableSet
from demo.world import money

COMPANY = "1000"
ENTITY = "E01"


@dataclass(frozen=True)
class Sale:
    order_no: str
    invoice_no: str
    voucher_no: str
    entity_code: str
    period: str  # 'YYYY-MM' of the invoice date
    net_amount: Decimal  # CNY: the revenue the income statement gains


def _next_number(conn, table: str, column: str, prefix: str) -> str:
    # Only numbers of this form (prefix + 8 digits): other series share the prefix, e.g. the
    # intercompany invoices' IV25IC0016.
    [(highest,)] = _select(
        conn,
        f"SELECT MAX({column}) FROM {table} WHERE {column} LIKE '{prefix}%' "
        f"AND LENGTH({column}) = {len(prefix) + 8}",
    )
    n = int(highest[len(prefix) :]) + 1 if highest and highest[len(prefix) :].isdigit() else 1
    return f"{prefix}{n:08d}"


def record_sale(target: Target, log: DefectLog, amount: Decimal | None = None) -> Sale:
    """Commit one invoiced service sale dated the demo's current date; returns what it booked."""
    with opened(target) as conn:
        [(demo_date, seed)] = _select(
            conn, "SELECT demo_date, seed FROM demo_clock WHERE clock_id = 1"
        )
        today: date = _as_date(demo_date)
        rng = random.Random(f"{seed}/sale/{datetime.now().isoformat()}")
        customers = _select(
            conn,
            "SELECT customer_no, payment_terms FROM customers WHERE currency = 'CNY' "
            "ORDER BY customer_no LIMIT 50",
        )
        services = _select(
            conn,
            "SELECT material_no, list_price, vat_rate FROM products WHERE is_service = 1 "
            "ORDER BY material_no LIMIT 20",
        )
        customer_no, terms = rng.choice(customers)
        material_no, price, vat_rate = rng.choice(services)
        yy = f"{today.year % 100:02d}"
        order_no = _next_number(conn, "sales_orders", "order_no", f"SO{yy}")
        invoice_no = _next_number(conn, "customer_invoices", "invoice_no", f"IV{yy}")
        period_key = f"{today.year}{today.month:02d}"
        vouchers = _select(
            conn,
            "SELECT MAX(voucher_no) FROM journal_vouchers WHERE voucher_no LIKE "
            f"'{COMPANY}-{period_key}-%'",
        )
        last_voucher = vouchers[0][0]

        tables = TableSet(SCHEMA_PATH)
        ctx = ErpContext(None, rng, DefectConfig.none(), log, tables, as_of=today)  # type: ignore[arg-type]
        ctx.voucher_seq[(COMPANY, period_key)] = (
            int(last_voucher.rsplit("-", 1)[1]) if last_voucher else 0
        )
        unit = money(Decimal(str(price)))
        qty = Decimal(1)
        net = money(amount) if amount is not None else money(unit * qty)
        rate = Decimal(str(vat_rate))
        tax = money(net * rate)
        now = datetime.combine(today, datetime.now().time().replace(microsecond=0))
        common = {"company_code": COMPANY, "customer_no": customer_no, "updated_at": now}
        tables.add(
            "sales_orders",
            order_no=order_no,
            order_date=today,
            requested_date=today,
            currency="CNY",
            net_amount=net,
            tax_amount=tax,
            gross_amount=net + tax,
            sales_rep_user=None,
            order_status="INVOICED",
            **common,
        )
        line = {"line_no": 10, "material_no": material_no, "quantity": qty, "unit_price": net}
        line |= {"net_amount": net, "tax_rate": rate, "tax_amount": tax, "updated_at": now}
        tables.add("sales_order_lines", order_no=order_no, warehouse_code=None, **line)
        days = int(str(terms).removeprefix("NT") or 30)
        tables.add(
            "customer_invoices",
            invoice_no=invoice_no,
            order_no=order_no,
            delivery_no=None,
            invoice_date=today,
            due_date=today + timedelta(days=days),
            currency="CNY",
            exchange_rate=Decimal("1"),
            net_amount=net,
            tax_amount=tax,
            gross_amount=net + tax,
            vat_invoice_no="".join(rng.choice("0123456789") for _ in range(20)),
            **common,
        )
        tables.add("customer_invoice_lines", invoice_no=invoice_no, **line)
        legs = [
            leg(account_for(COMPANY, "ar"), "D", net + tax, customer_no=customer_no),
            leg(
                account_for(COMPANY, "revenue_service"),
                "C",
                net,
                customer_no=customer_no,
                material_no=material_no,
            ),
            leg(account_for(COMPANY, "output_vat"), "C", tax, material_no=material_no),
        ]
        voucher_no = post_voucher(
            ctx,
            COMPANY,
            today,
            "SA",
            "CUSTOMER_INVOICE",
            invoice_no,
            f"销售发票 {invoice_no}",
            legs,
            inject=False,
        )
        for table, rows in tables.rows.items():
            insert_rows(conn, target, table, tables.columns[table], rows)
            keys = [tables.col(table, c) for c in tables.primary_keys[table]]
            for row in rows:
                log.record(D.NEW_RECORD, SYSTEM, table, "|".join(str(row[i]) for i in keys))
    return Sale(order_no, invoice_no, voucher_no, ENTITY, f"{today:%Y-%m}", net)
