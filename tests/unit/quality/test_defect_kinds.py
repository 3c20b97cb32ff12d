"""The scorecard's defect taxonomy: each stage's finding maps to one kind, counted once."""

from __future__ import annotations

import pytest

from quality.defect_kinds import (
    FOLLOW_ON,
    KINDS,
    Finding,
    alias_findings,
    count_by_kind,
    dedupe,
    kind_of_check,
    kind_of_quarantine_reason,
    kind_of_reconciliation,
    kind_of_warning,
    strip_system,
    totals_by_kind,
)

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("reason", "kind"),
    [
        ("duplicate primary key within the batch (row 3 kept)", "duplicate_row"),
        ("missing primary key employee_id", "missing_key"),
        ("Missing reference: customer_no is empty", "missing_key"),
        ("column amount: value '12abc' is not a valid decimal(18,2)", None),
    ],
)
def test_quarantine_reasons_map_to_kinds(reason, kind):
    assert kind_of_quarantine_reason(reason) == kind


def test_only_missing_reference_warnings_are_missing_keys():
    assert kind_of_warning("missing reference: account_no is empty") == "missing_key"
    assert kind_of_warning("totals row dropped") is None


def test_check_names_map_on_their_prefix():
    assert kind_of_check("uscc_check_digit__unified_social_credit_code") == "invalid_uscc"
    assert kind_of_check("national_id_check_digit__national_id") == "invalid_national_id"
    assert kind_of_check("not_null__party_key") is None


def test_reconciliation_types_and_their_follow_ons():
    assert kind_of_reconciliation("missing_booking", "", "erp:SO1", set()) == "not_booked"
    assert kind_of_reconciliation("account_differs", "", "erp:SO1", set()) == "wrong_account"
    assert kind_of_reconciliation("amount_differs", "", "erp:SO1", set()) == "wrong_amount"
    # an amount that differs only because the voucher is unbalanced is not a second defect
    assert (
        kind_of_reconciliation("amount_differs", "voucher unbalanced by 3.00", "erp:SO1", set())
        == FOLLOW_ON
    )
    # a document built from quarantined rows differs as a consequence of the quarantine
    assert kind_of_reconciliation("amount_differs", "", "hr:P1", {"hr:P1"}) == FOLLOW_ON
    assert kind_of_reconciliation("subledger_differs", "", "", set()) == FOLLOW_ON
    # an unknown type keeps its own name rather than vanish
    assert kind_of_reconciliation("something_new", "", "k", set()) == "something_new"


def test_strip_system_returns_the_source_key():
    assert strip_system("erp:C000148") == "C000148"
    assert strip_system("C000148") == "C000148"


def test_aliases_need_two_systems_and_two_spellings_and_skip_known_duplicates():
    crosswalk = [
        ("P1", "erp", "customers", "C1", "云杉有限公司"),
        ("P1", "crm", "accounts", "ACC-1", "云杉有限责任公司"),
        ("P2", "erp", "customers", "C2", "同名公司"),
        ("P2", "crm", "accounts", "ACC-2", "同名公司"),  # same spelling: not an alias
        ("P3", "erp", "customers", "C3", "甲公司"),
        ("P3", "erp", "vendors", "V3", "甲 公司"),  # one system only
        ("P4", "erp", "customers", "C4", "乙公司"),
        ("P4", "crm", "accounts", "ACC-4", "乙 公司"),
    ]
    found = alias_findings(crosswalk, duplicates={("crm", "ACC-4")})
    assert [f.key for f in found] == ["P1"]
    assert found[0].system == "crm+erp"


def test_one_problem_seen_by_two_stages_counts_once_and_follow_ons_do_not_count():
    findings = dedupe(
        [
            Finding("missing_key", "erp", "sales_orders", "SO1", "quarantine"),
            Finding("missing_key", "erp", "sales_orders", "SO1", "manifest"),
            Finding("missing_key", "erp", "sales_orders", "SO2", "manifest"),
            Finding(FOLLOW_ON, "erp", "vouchers", "JV9", "reconciliation"),
        ]
    )
    assert len(findings) == 3
    totals = totals_by_kind(findings)
    assert totals["missing_key"] == 2
    assert FOLLOW_ON not in totals
    assert set(KINDS) <= totals.keys()
    counts = count_by_kind(findings)
    assert counts[-1].kind == FOLLOW_ON
    assert (counts[0].kind, counts[0].count) == ("missing_key", 2)
