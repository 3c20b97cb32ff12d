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
    kind_of_quarantine_code,
    kind_of_reconciliation,
    kind_of_warning_code,
    strip_system,
    totals_by_kind,
)

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("duplicate_row", "duplicate_row"),
        ("missing_key", "missing_key"),
        ("invalid_value", None),
        ("missing_required", None),
        ("schema_drift", None),
        ("read_fault", None),
    ],
)
def test_quarantine_reason_codes_map_to_kinds(code, kind):
    assert kind_of_quarantine_code(code) == kind


def test_every_ingestion_reason_code_is_known_here():
    """A code ingestion adds must be classified (or knowingly not) by the taxonomy."""
    from ingestion.validation import REASON_CODES

    known = {
        "duplicate_row",
        "missing_key",
        "invalid_value",
        "missing_required",
        "schema_drift",
        "read_fault",
    }
    assert set(REASON_CODES) == known


def test_warnings_are_classified_by_their_code_not_their_wording():
    assert kind_of_warning_code("missing_reference") == "missing_key"
    # the wording alone (an old manifest without codes) is no longer read
    assert kind_of_warning_code(None) is None
    assert kind_of_warning_code("totals_row_dropped") is None


def test_check_names_map_on_their_prefix():
    assert kind_of_check("uscc_check_digit__unified_social_credit_code") == "invalid_uscc"
    assert kind_of_check("national_id_check_digit__national_id") == "invalid_national_id"
    assert kind_of_check("not_null__party_key") is None


def test_reconciliation_types_and_their_follow_ons():
    assert kind_of_reconciliation("missing_booking", "erp:SO1", set()) == "not_booked"
    assert kind_of_reconciliation("account_differs", "erp:SO1", set()) == "wrong_account"
    assert kind_of_reconciliation("amount_differs", "erp:SO1", set()) == "wrong_amount"
    # an amount that differs only because the voucher is unbalanced is not a second defect
    assert kind_of_reconciliation("amount_differs", "erp:SO1", set(), True) == FOLLOW_ON
    # a document built from quarantined rows differs as a consequence of the quarantine
    assert kind_of_reconciliation("amount_differs", "hr:P1", {"hr:P1"}) == FOLLOW_ON
    assert kind_of_reconciliation("subledger_differs", "", set()) == FOLLOW_ON
    # an unknown type keeps its own name rather than vanish
    assert kind_of_reconciliation("something_new", "k", set()) == "something_new"


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


def test_late_and_retroactive_versions_from_the_warehouse_are_findings(tmp_path):
    """Each late or retroactive version is one finding: a deal edited in two later batches
    is two retroactive changes."""
    import duckdb

    from quality.defect_kinds import warehouse_findings

    db = tmp_path / "w.duckdb"
    con = duckdb.connect(str(db))
    con.execute(
        """
        create schema governance;
        create table governance.late_and_retroactive_changes as
        select * from (values
          ('crm', 'opportunities', 'OPP-1', 'b2', 'retroactive_change', 'edited'),
          ('crm', 'opportunities', 'OPP-1', 'b3', 'retroactive_change', 'edited again'),
          ('crm', 'opportunities', 'OPP-2', 'b2', 'late_arriving', 'entered late'),
          ('erp', 'sales_orders', 'SO1', 'b1', 'late_or_retroactive', 'first extract')
        ) as t(source_system, entity, record_key, batch_id, kind, reason)
        """
    )
    con.close()
    found, aliases = warehouse_findings(db, set())
    assert aliases == []
    assert totals_by_kind(dedupe(found)) == {
        **{k: 0 for k in KINDS},
        "retroactive_change": 2,
        "late_arriving": 1,
        "late_or_retroactive": 1,
    }
    assert {f.found_by for f in found} == {"raw-zone history"}


def test_a_duplicate_copy_entered_late_is_a_follow_on_not_a_late_record():
    from quality.defect_kinds import kind_of_history

    copies = {("crm", "opportunities", "OPP-9")}
    assert kind_of_history("late_arriving", ("crm", "opportunities", "OPP-9"), copies) == FOLLOW_ON
    assert kind_of_history("late_arriving", ("crm", "opportunities", "OPP-1"), copies) == (
        "late_arriving"
    )


def test_a_quarantined_copy_of_a_keyless_row_is_a_duplicate_only():
    from quality.defect_kinds import quarantine_findings

    rows = [
        (
            "hr",
            "payroll",
            "",
            "b1",
            "missing primary key employee_id",
            "missing_key",
            None,
            None,
            7,
        ),
        (
            "hr",
            "payroll",
            "",
            "b1",
            "missing primary key employee_id; duplicate row within the batch (same as row 7)",
            "missing_key; duplicate_row",
            None,
            None,
            9,
        ),
    ]
    found, _ = quarantine_findings(rows)
    assert [(f.kind, f.key) for f in found] == [
        ("missing_key", "@b1#7"),
        ("duplicate_row", "@b1#9"),
    ]


def test_faults_of_a_duplicate_copy_are_follow_ons():
    from quality.defect_kinds import copies_as_follow_ons

    found = [
        Finding("duplicate_row", "crm", "opportunities", "OPP-2", "duplicate deals"),
        Finding("missing_key", "crm", "opportunities", "OPP-2", "master data"),
        Finding("missing_key", "crm", "opportunities", "OPP-1", "master data"),
    ]
    assert [(f.kind, f.entity, f.key) for f in copies_as_follow_ons(found)] == [
        ("duplicate_row", "opportunities", "OPP-2"),
        (FOLLOW_ON, "missing_key: opportunities", "OPP-2"),
        ("missing_key", "opportunities", "OPP-1"),
    ]


def test_an_invalid_code_on_a_copy_still_counts():
    from quality.defect_kinds import copies_as_follow_ons

    found = [
        Finding("duplicate_row", "erp", "customers", "C2", "master data"),
        Finding("invalid_uscc", "erp", "customers", "C2", "master data"),
    ]
    assert copies_as_follow_ons(found) == found
