"""Move the group ERP forward in time: what happens in a live system between two extractions.

``advance_erp(target, days, log)`` continues from the business date in ``demo_clock``:

- new documents for the next ``days`` days, with their vouchers (and the defects the
  generator injects, recorded as usual), month-end vouchers for months that close in the window
  and the payments due on the 10th;
- late-arriving orders: business date 20–60 days before the window, saved now;
- changes to existing rows (open orders get a new requested date, customers a new phone
  number), ``updated_at`` bumped;
- a few physical deletes (open orders with their lines, open requisitions).

Every new, changed and deleted row is recorded in the DefectLog (kinds new_record,
changed_record, deleted_record, late_arriving) with its primary key.

Invoices from before the window are paid when they fall due (receipts and payments, ~3% never).

Limits: no new customers, vendors or products; month-end FX revaluation covers only the
foreign-currency items opened during the same advance.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from demo import defects as D
from demo.defects import DefectConfig, DefectDice, DefectLog
from demo.erp.generate import (
    ENTITY_COMPANY,
    SCHEMA_PATH,
    SYSTEM,
    ErpContext,
    SalesPlan,
    _master_data,
    account_for,
    close_month,
    generate_purchases,
    generate_sales,
    month_end,
    pay_day_of,
    pay_month,
    plan_sales,
    settle_payable,
    settle_receivable,
    stamp,
)
from demo.sqlio import Target, insert_rows, opened, placeholder
from demo.tables import TableSet
from demo.world import load_world, money

# Document tables whose single key column carries a <prefix><yy><sequence> number.
NUMBERED = {
    "sales_orders": "order_no",
    "deliveries": "delivery_no",
    "customer_invoices": "invoice_no",
    "receipts": "receipt_no",
    "purchase_requisitions": "req_no",
    "purchase_orders": "po_no",
    "goods_receipts": "gr_no",
    "supplier_invoices": "sinv_no",
    "payments": "payment_no",
    "inventory_movements": "movement_no",
}
_NUMBER = re.compile(r"^([A-Z]{2}\d{2})(\d+)$")


# Invoices nobody has paid yet, with what the receivable / payable was booked at (if booked).
# Written as joins on derived tables, each computed once: the ERP has no index on
# receipts.invoice_no, payments.sinv_no or journal_vouchers.source_doc_no, and the correlated
# subqueries these replace scanned those tables once per invoice (quadratic: >10 min at scale 1).
# The same SQL runs on SQLite, PostgreSQL and MariaDB.
OPEN_RECEIVABLES = """
SELECT i.invoice_no, i.company_code, i.customer_no, i.currency, i.gross_amount, i.exchange_rate,
       i.due_date, booked.amount
FROM customer_invoices i
LEFT JOIN (SELECT DISTINCT invoice_no FROM receipts) paid ON paid.invoice_no = i.invoice_no
LEFT JOIN (SELECT v.source_doc_no, MAX(l.debit) AS amount
           FROM journal_vouchers v JOIN journal_lines l ON l.voucher_no = v.voucher_no
           WHERE v.source_doc_type = 'CUSTOMER_INVOICE' AND l.line_no = 10
           GROUP BY v.source_doc_no) booked ON booked.source_doc_no = i.invoice_no
WHERE paid.invoice_no IS NULL
ORDER BY i.invoice_no
"""
OPEN_PAYABLES = """
SELECT s.sinv_no, s.company_code, s.vendor_no, s.currency, s.gross_amount, s.exchange_rate,
       s.due_date, booked.amount
FROM supplier_invoices s
LEFT JOIN (SELECT DISTINCT sinv_no FROM payments) paid ON paid.sinv_no = s.sinv_no
LEFT JOIN (SELECT v.source_doc_no, MAX(l.credit) AS amount
           FROM journal_vouchers v JOIN journal_lines l ON l.voucher_no = v.voucher_no
           WHERE v.source_doc_type = 'SUPPLIER_INVOICE'
           GROUP BY v.source_doc_no) booked ON booked.source_doc_no = s.sinv_no
WHERE paid.sinv_no IS NULL
ORDER BY s.sinv_no
"""


def settlement_day(seed: int, doc_no: str, due: date) -> date | None:
    """When an open invoice gets paid: around its due date, drawn per invoice so every advance
    agrees; None for the 3% that are never paid (bad debts, disputes)."""
    rng = random.Random(f"{seed}/settle/{doc_no}")
    if rng.random() < 0.03:
        return None
    return due + timedelta(days=rng.randint(-10, 25))


def _settle_open_items(
    ctx: ErpContext, open_ar: list[tuple], open_ap: list[tuple], start: date, end: date
) -> None:
    """Receipts and payments for invoices from before the window that fall due in it (or are
    overdue): they are paid on their settlement day, or on the window's first day if that passed."""
    for rows, settle in ((open_ar, settle_receivable), (open_ap, settle_payable)):
        for doc_no, company, party, currency, gross, rate, due, booked in rows:
            when = settlement_day(ctx.world.seed, doc_no, _as_date(due))
            if when is None or when > end:
                continue
            amount = Decimal(str(gross)).quantize(Decimal("0.01"))
            invoice_rate = Decimal(str(rate))
            booked_fc = (
                Decimal(str(booked)).quantize(Decimal("0.01")) if booked is not None else None
            )
            settle(
                ctx,
                company,
                party,
                doc_no,
                max(when, start),
                currency,
                amount,
                booked_fc if booked_fc is not None else money(amount * invoice_rate),
                invoice_rate,
            )


class ClockMissing(Exception):
    """The target has no demo_clock row: it was not made by the demo generator."""


@dataclass
class AdvanceResult:
    from_date: date
    to_date: date
    inserted: dict[str, int]
    changed: int
    deleted: int


def _as_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def next_sequences(
    keys_by_table: dict[str, list[str]], voucher_nos: list[str]
) -> tuple[dict[str, int], dict[tuple[str, str], int]]:
    """Highest number in use per document prefix+year and per voucher company+period (pure)."""
    seq: dict[str, int] = {}
    for keys in keys_by_table.values():
        for k in keys:
            m = _NUMBER.match(k)
            if m:
                seq[m.group(1)] = max(seq.get(m.group(1), 0), int(m.group(2)))
    vseq: dict[tuple[str, str], int] = {}
    for v in voucher_nos:
        company, period, n = v.split("-")
        vseq[(company, period)] = max(vseq.get((company, period), 0), int(n))
    return seq, vseq


def _highest(conn: Any, table: str, column: str, prefix_length: int) -> list[str]:
    """The greatest key per prefix and length: the keys ``next_sequences`` needs."""
    return [
        r[0]
        for r in _select(
            conn,
            f"SELECT MAX({column}) FROM {table} "
            f"GROUP BY substr({column}, 1, {prefix_length}), length({column})",
        )
        if r[0] is not None
    ]


def _select(conn: Any, sql: str, params: tuple = ()) -> list[tuple]:
    cur = conn.cursor()
    cur.execute(sql, params)
    return list(cur.fetchall())


def advance_erp(
    target: Target, days: int, log: DefectLog, config: DefectConfig | None = None
) -> AdvanceResult:
    """Advance the ERP at ``target`` by ``days`` days; record every change in ``log``."""
    if days < 1:
        raise ValueError(f"days must be at least 1, got {days}")
    config = config or DefectConfig()
    ph = placeholder(target)
    with opened(target) as conn:
        clock = _select(
            conn, "SELECT demo_date, seed, scale, advance_count FROM demo_clock WHERE clock_id = 1"
        )
        if not clock:
            raise ClockMissing(f"{target.describe()} has no demo_clock row")
        demo_date, seed, scale, count = clock[0]
        demo_date = _as_date(demo_date)
        # Only the highest number of each prefix (and width) leaves the database: reading
        # every key into Python cost most of an advance at scale 10 (~20M keys).
        keys = {t: _highest(conn, t, c, 4) for t, c in NUMBERED.items()}
        vouchers = _highest(conn, "journal_vouchers", "voucher_no", len("1000-202512"))
        fixed = _select(
            conn,
            "SELECT l.company_code, SUM(l.debit) FROM journal_lines l JOIN journal_vouchers v "
            "ON v.voucher_no = l.voucher_no WHERE v.source_doc_type = 'OPENING' "
            f"AND l.account_no IN ({ph}, {ph}) GROUP BY l.company_code",
            (account_for("1000", "fixed_assets"), account_for("2000", "fixed_assets")),
        )
        open_orders = sorted(
            r[0]
            for r in _select(conn, "SELECT order_no FROM sales_orders WHERE order_status = 'OPEN'")
        )
        open_reqs = sorted(
            r[0]
            for r in _select(
                conn, "SELECT req_no FROM purchase_requisitions WHERE req_status = 'OPEN'"
            )
        )
        customers = sorted(r[0] for r in _select(conn, "SELECT customer_no FROM customers"))
        open_ar = _select(conn, OPEN_RECEIVABLES)
        open_ap = _select(conn, OPEN_PAYABLES)

    folder = target.sqlite_path.parent if target.sqlite_path is not None else None
    world = load_world(folder, int(seed), float(scale))
    start, end = demo_date + timedelta(days=1), demo_date + timedelta(days=days)
    # Replay master data with the generator's own stream and settings: same customer and
    # material numbers (``config`` must be the one the ERP was generated with).
    ctx = ErpContext(
        world,
        random.Random(f"{world.seed}/erp"),
        config,
        DefectLog(),
        TableSet(SCHEMA_PATH),
        as_of=world.end_date,
    )
    _master_data(ctx)
    ctx.tables = TableSet(SCHEMA_PATH)
    ctx.log = log
    ctx.rng = rng = random.Random(f"{world.seed}/erp/advance/{count}")
    ctx.dice = DefectDice(config, rng, force_at=0)  # plain rates: no forced defects per advance
    ctx.as_of = end
    seq, vseq = next_sequences(keys, vouchers)
    ctx.seq.update(seq)
    ctx.voucher_seq.update(vseq)
    ctx.fixed_assets = {company: Decimal(str(total)) for company, total in fixed}

    n_orders = max(1, round(world.sizes.sales_orders * days / 365))
    late = [
        p
        for p in plan_sales(
            world, rng, n_orders, start - timedelta(days=60), start - timedelta(days=20)
        )
        if config.hit(rng, D.LATE_ARRIVING)
    ]
    late_start = len(ctx.tables.rows["sales_orders"])
    generate_sales(ctx, [SalesPlan(p.company, p.party, p.order_date, p.lines) for p in late])
    late_orders = [r[0] for r in ctx.tables.rows["sales_orders"][late_start:]]
    generate_sales(ctx, plan_sales(world, rng, n_orders, start, end))
    generate_purchases(ctx, max(1, round(world.sizes.purchase_orders * days / 365)), start, end)
    _settle_open_items(ctx, open_ar, open_ap, start, end)
    d = start
    while d <= end:
        for company in ENTITY_COMPANY.values():
            if d == month_end(d.year, d.month):
                close_month(ctx, company, d.year, d.month)
            if d.day == 10:
                prev = d.replace(day=1) - timedelta(days=1)
                if pay_day_of(prev.year, prev.month) == d:
                    pay_month(ctx, company, prev.year, prev.month)
        d += timedelta(days=1)

    # Anything dated before the window was keyed in now: it is late-arriving.
    for table, rows in ctx.tables.rows.items():
        ui = ctx.tables.col(table, "updated_at")
        for i, row in enumerate(rows):
            if row[ui] < datetime.combine(start, datetime.min.time()):
                rows[i] = (
                    *row[:ui],
                    stamp(start + timedelta(days=rng.randint(0, days - 1)), rng),
                    *row[ui + 1 :],
                )
    for order_no in late_orders:
        log.record(
            D.LATE_ARRIVING,
            SYSTEM,
            "sales_orders",
            order_no,
            f"business date before {start}, entered in the window",
        )

    now = stamp(end, rng)
    changed_orders = rng.sample(open_orders, min(len(open_orders), max(1, len(open_orders) // 20)))
    changed_customers = rng.sample(customers, min(len(customers), max(1, len(customers) // 50)))
    changed_set = set(changed_orders)
    deletable = [o for o in open_orders if o not in changed_set]
    deleted_orders = rng.sample(deletable, min(len(deletable), max(1, len(deletable) // 50)))
    deleted_reqs = rng.sample(open_reqs, min(len(open_reqs), max(1, len(open_reqs) // 10)))

    with opened(target) as conn:
        cur = conn.cursor()
        for table, rows in ctx.tables.rows.items():
            insert_rows(conn, target, table, ctx.tables.columns[table], rows)
            pk = ctx.tables.primary_keys[table]
            idx = [ctx.tables.col(table, c) for c in pk]
            for row in rows:
                log.record(D.NEW_RECORD, SYSTEM, table, "|".join(str(row[i]) for i in idx))
        for order_no in changed_orders:
            cur.execute(
                f"UPDATE sales_orders SET requested_date = {ph}, updated_at = {ph} WHERE order_no = {ph}",
                (end + timedelta(days=14), now, order_no),
            )
            log.record(D.CHANGED_RECORD, SYSTEM, "sales_orders", order_no, "requested_date moved")
        for customer_no in changed_customers:
            phone = f"13{rng.randint(100000000, 999999999)}"
            cur.execute(
                f"UPDATE customers SET phone = {ph}, updated_at = {ph} WHERE customer_no = {ph}",
                (phone, now, customer_no),
            )
            log.record(D.CHANGED_RECORD, SYSTEM, "customers", customer_no, "phone changed")
        for order_no in deleted_orders:
            for (line_no,) in _select(
                conn, f"SELECT line_no FROM sales_order_lines WHERE order_no = {ph}", (order_no,)
            ):
                log.record(
                    D.DELETED_RECORD,
                    SYSTEM,
                    "sales_order_lines",
                    f"{order_no}|{line_no}",
                    "order cancelled",
                )
            cur.execute(f"DELETE FROM sales_order_lines WHERE order_no = {ph}", (order_no,))
            cur.execute(f"DELETE FROM sales_orders WHERE order_no = {ph}", (order_no,))
            log.record(D.DELETED_RECORD, SYSTEM, "sales_orders", order_no, "order cancelled")
        for req_no in deleted_reqs:
            cur.execute(f"DELETE FROM purchase_requisitions WHERE req_no = {ph}", (req_no,))
            log.record(
                D.DELETED_RECORD, SYSTEM, "purchase_requisitions", req_no, "requisition withdrawn"
            )
        cur.execute(
            f"UPDATE demo_clock SET demo_date = {ph}, advance_count = {ph}, updated_at = {ph} WHERE clock_id = 1",
            (end, int(count) + 1, now),
        )
    return AdvanceResult(
        demo_date,
        end,
        ctx.tables.counts(),
        len(changed_orders) + len(changed_customers),
        len(deleted_orders) + len(deleted_reqs),
    )
