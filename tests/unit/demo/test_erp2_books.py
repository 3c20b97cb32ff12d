"""The subsidiary's own system: different layout, coherent books in SGD, recorded defects real."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from decimal import Decimal

import pytest

from demo import defects as D
from demo.defects import DefectConfig, DefectLog
from demo.erp2.generate import LATE_ACCOUNT, generate_erp2
from demo.uscc import is_valid_uscc
from demo.world import build_world, payroll_totals_by_cost_center

pytestmark = pytest.mark.unit

LOUD = replace(
    DefectConfig(),
    duplicate_row=0.2,
    invalid_uscc=0.5,
    unbalanced_voucher=0.03,
    unmapped_code=0.5,
    missing_key=0.05,
    not_booked=0.05,
    late_arriving=0.05,
)


def _run(config: DefectConfig):
    world = build_world(42, 0.01)
    log = DefectLog()
    tables = generate_erp2(world, log, config)
    rows = {
        n: [dict(zip(tables.columns[n], r, strict=True)) for r in rs]
        for n, rs in tables.rows.items()
    }
    return world, log, rows


def _signed(e: dict) -> Decimal:
    return e["amount_sgd"] if e["dr_cr"] == "D" else -e["amount_sgd"]


def test_clean_journals_balance_and_payroll_matches_hr() -> None:
    world, log, rows = _run(DefectConfig.none())
    # trade between the group's own entities is logged, but is no defect
    assert [d for d in log.entries if d.kind != D.INTERCOMPANY_TRANSACTION] == []
    journals: dict[str, Decimal] = defaultdict(Decimal)
    for e in rows["gl_entries"]:
        journals[e["journal_no"]] += _signed(e)
        assert e["amount_sgd"] >= 0
    assert set(journals.values()) == {Decimal(0)}
    totals = payroll_totals_by_cost_center(world, "E03", 2025, 5)
    for cc, tot in totals.items():
        booked = sum(
            e["amount_sgd"]
            for e in rows["gl_entries"]
            if e["doc_ref"] == f"{cc}|2025-05" and e["acct_code"] == "A-6000"
        )
        assert booked == tot["gross"]
    # Every sales invoice is in the ledger, and the debtors account ties to open invoices.
    refs = {e["doc_ref"] for e in rows["gl_entries"]}
    assert all(i["doc_id"] in refs for i in rows["sales_invoices"])


def test_recorded_defects_exist() -> None:
    _world, log, rows = _run(LOUD)
    journals: dict[str, Decimal] = defaultdict(Decimal)
    for e in rows["gl_entries"]:
        journals[e["journal_no"]] += _signed(e)
    recorded = log.keys(D.UNBALANCED_VOUCHER, "erp2", "gl_entries")
    assert recorded and {j for j, v in journals.items() if v} == recorded
    bps = {b["bp_id"]: b for b in rows["bp_master"]}
    invalid = log.of_kind(D.INVALID_USCC, "erp2")
    assert invalid and all(not is_valid_uscc(bps[d.key]["reg_number"]) for d in invalid)
    dups = log.of_kind(D.DUPLICATE_ROW, "erp2")
    assert dups and all(
        d.key in bps and d.detail.removeprefix("duplicate of ") in bps for d in dups
    )
    invoices = {i["doc_id"]: i for i in rows["sales_invoices"]}
    refs = {e["doc_ref"] for e in rows["gl_entries"]}
    not_booked = log.of_kind(D.NOT_BOOKED, "erp2")
    assert not_booked and all(d.key in invoices and d.key not in refs for d in not_booked)
    assert all(invoices[d.key]["bp_id"] is None for d in log.of_kind(D.MISSING_KEY, "erp2"))
    assert log.keys(D.UNMAPPED_CODE, "erp2", "gl_accounts") == {LATE_ACCOUNT[0]}
    assert any(e["acct_code"] == LATE_ACCOUNT[0] for e in rows["gl_entries"])
