"""GX suites on hand-made warehouses: each kind of defect fails with the right keys.

The defects are written into the data by the test (see quality_fixtures.py), so the
expected failing keys are known independently of the code under test.
"""

from decimal import Decimal

import pytest
import quality_fixtures as qf

from quality.results import read_history
from quality.runner import run_checks_for_table, run_layer
from yecai.settings import Paths

pytestmark = pytest.mark.unit


def _by_check(results):
    return {(r.asset, r.check): r for r in results}


@pytest.fixture(scope="module")
def good_results(tmp_path_factory):
    paths = Paths(home=tmp_path_factory.mktemp("good"))
    qf.build_good_warehouse(paths.build_db)
    return paths, run_layer(paths, "marts", run_id="good-run")


@pytest.fixture(scope="module")
def broken(tmp_path_factory):
    """One warehouse with one defect per invariant, in different rows."""
    paths = Paths(home=tmp_path_factory.mktemp("broken"))
    qf.build_good_warehouse(paths.build_db)
    qf.execute(
        paths.build_db,
        """
        -- unbalanced voucher E2/V7 (debit 40, no credit)
        insert into finance.gl_lines values ('V7','E2','2024-02','1002',40.00,0,'erp2','DOC7','b2',false);
        -- trial balance of E2 2024-02 does not net and does not carry 2024-01's closing
        insert into finance.trial_balance values ('E2','2024-02','1002',50.00,40.00,0,90.00);
        -- E1 2024-03 opens one yuan off what 2024-02 closed (nets to zero, so only carry fails)
        insert into finance.trial_balance values ('E1','2024-03','1001',149.00,0,0,149.00),
          ('E1','2024-03','6001',-149.00,0,0,-149.00);
        -- balance sheet of E1 2024-02: assets 150 vs liabilities+equity 149.99
        insert into finance.balance_sheet values
          ('E1','2024-02','BS17','资产总计','Total assets',150.00,100.00),
          ('E1','2024-02','BS45','负债和所有者权益总计','Total L+E',149.99,100.00);
        -- a golden party with a USCC whose check digit is wrong
        insert into master.parties values ('P0003','91350100M000100Y44','丙公司');
        -- a batch that lost a row: read 7, landed 5, quarantined 1
        insert into governance.ingestion_batches values
          ('b3','crm','customers', now(), now(),'succeeded',7,5,1,null);
        """,
    )
    return paths, _by_check(run_layer(paths, "marts", run_id="broken-run"))


def test_good_warehouse_passes_every_marts_check(good_results):
    _, results = good_results
    failed = [r.summary() for r in results if not r.success]
    assert failed == []
    assert len(results) >= 30


def test_results_carry_tags_and_run_id(good_results):
    _, results = good_results
    r = _by_check(results)[("finance.gl_lines", "voucher_balanced")]
    assert len(_by_check(results)) == len(results)
    assert (r.run_id, r.layer, r.dimension, r.domain, r.severity) == (
        "good-run",
        "marts",
        "accuracy",
        "finance",
        "blocking",
    )
    assert r.owner == "finance" and r.unexpected_count == 0 and r.failing_keys == []


def test_unbalanced_voucher_fails_with_its_key(broken):
    _, r = broken
    res = r[("finance.gl_lines", "voucher_balanced")]
    assert not res.success and res.unexpected_count == 1
    assert res.failing_keys == [
        {
            "entity_code": "E2",
            "voucher_id": "V7",
            "total_debit": Decimal("40.00"),
            "total_credit": Decimal("0.00"),
            "difference": Decimal("40.00"),
        }
    ]


def test_trial_balance_that_does_not_net_fails_per_entity_and_period(broken):
    _, r = broken
    res = r[("finance.trial_balance", "closing_nets_to_zero")]
    assert not res.success and res.unexpected_count == 1
    assert res.failing_keys[0]["entity_code"] == "E2"
    assert res.failing_keys[0]["period"] == "2024-02"
    assert res.failing_keys[0]["net_closing"] == Decimal("90.00")
    movement = r[("finance.trial_balance", "movement_nets_to_zero")]
    assert [(k["entity_code"], k["period"]) for k in movement.failing_keys] == [("E2", "2024-02")]


def test_closing_must_carry_to_next_opening(broken):
    _, r = broken
    res = r[("finance.trial_balance", "closing_carries_to_next_opening")]
    # E2/1002 closed 2024-01 at 50.00 and 2024-02 opens at 50.00: consistent, not listed
    assert not res.success and res.unexpected_count == 2
    assert sorted(
        (k["account_code"], k["period"], k["closing_balance"], k["next_opening"])
        for k in res.failing_keys
    ) == [
        ("1001", "2024-02", Decimal("150.00"), Decimal("149.00")),
        ("6001", "2024-02", Decimal("-150.00"), Decimal("-149.00")),
    ]


def test_balance_sheet_that_does_not_balance_names_entity_and_period(broken):
    _, r = broken
    res = r[("finance.balance_sheet", "assets_equal_liabilities_plus_equity")]
    assert not res.success and res.unexpected_count == 1
    key = res.failing_keys[0]
    assert (key["entity_code"], key["period"], key["difference"]) == (
        "E1",
        "2024-02",
        Decimal("0.01"),
    )


def test_invalid_uscc_is_a_warning_with_the_party(broken):
    _, r = broken
    res = r[("master.parties", "uscc_check_digit")]
    assert not res.success and res.severity == "warning"
    assert res.failing_keys == [
        {"unified_party_code": "P0003", "unified_social_credit_code": "91350100M000100Y44"}
    ]


def test_row_conservation_break_is_blocking_with_the_batch(broken):
    _, r = broken
    res = r[("governance.ingestion_batches", "row_conservation")]
    assert not res.success and res.severity == "blocking" and res.unexpected_count == 1
    assert res.failing_keys[0]["batch_id"] == "b3"
    assert (res.failing_keys[0]["rows_read"], res.failing_keys[0]["rows_landed"]) == (7, 5)


def test_contract_break_reports_missing_column(tmp_path):
    paths = Paths(home=tmp_path)
    qf.build_good_warehouse(paths.build_db)
    qf.execute(paths.build_db, "alter table finance.gl_lines drop column source_document_id")
    r = _by_check(run_checks_for_table(paths, "finance.gl_lines"))
    res = r[("finance.gl_lines", "contract_columns")]
    assert not res.success and res.unexpected_count == 1
    assert res.failing_keys == [{"missing_column": "source_document_id"}]
    # the check on the dropped column fails with GX's reason rather than crashing the run
    assert not r[("finance.gl_lines", "traceable_source_document_id")].success
    assert r[("finance.gl_lines", "voucher_balanced")].success


def test_float_money_breaks_the_decimal_contract(tmp_path):
    paths = Paths(home=tmp_path)
    qf.build_good_warehouse(paths.build_db)
    qf.execute(paths.build_db, "alter table finance.gl_lines alter debit type double")
    res = _by_check(run_checks_for_table(paths, "finance.gl_lines"))[
        ("finance.gl_lines", "money_is_decimal_18_2")
    ]
    assert not res.success
    assert res.failing_keys == [{"column_name": "debit", "actual_type": "DOUBLE"}]


def test_missing_tables_fail_with_a_reason_instead_of_crashing(tmp_path):
    paths = Paths(home=tmp_path)
    paths.build_db.parent.mkdir(parents=True)
    qf.execute(paths.build_db, "create schema finance")
    results = run_layer(paths, "marts")
    assert results and all(not r.success for r in results)
    gl = _by_check(results)[("finance.gl_lines", "voucher_balanced")]
    assert "finance.gl_lines does not exist" in gl.error


def test_missing_warehouse_file_is_reported_not_raised(tmp_path):
    results = run_layer(Paths(home=tmp_path), "marts")
    assert results and all("does not exist" in r.error for r in results)


def test_history_accumulates_across_runs(good_results, tmp_path):
    paths, results = good_results
    history = read_history(paths)
    assert {r.run_id for r in history} >= {"good-run"}
    assert len([r for r in history if r.run_id == "good-run"]) == len(results)


def test_period_format_catches_bad_periods(tmp_path):
    paths = Paths(home=tmp_path)
    qf.build_good_warehouse(paths.build_db)
    qf.execute(
        paths.build_db,
        "insert into finance.gl_lines values ('V8','E1','2024-13','1001',0,0,'erp','D','b1',false)",
    )
    res = _by_check(run_checks_for_table(paths, "finance.gl_lines"))[
        ("finance.gl_lines", "period_format")
    ]
    assert not res.success and res.unexpected_count == 1
    assert res.failing_keys[0]["voucher_id"] == "V8" and res.failing_keys[0]["period"] == "2024-13"


def test_manual_journals_trace_to_their_source_voucher(tmp_path):
    paths = Paths(home=tmp_path)
    qf.build_good_warehouse(paths.build_db)
    qf.execute(
        paths.build_db,
        """
        alter table finance.gl_lines add column voucher_source_id varchar;
        update finance.gl_lines set voucher_source_id = voucher_id;
        -- a manual journal: no business document, but its source voucher is known
        insert into finance.gl_lines values
          ('M1','E1','2024-02','1001',1.00,0,'erp',null,'b1',false,'JV-1'),
          ('M1','E1','2024-02','6001',0,1.00,'erp',null,'b1',false,'JV-1'),
          ('M2','E1','2024-02','1001',0,0,'erp',null,'b1',false,null);
        """,
    )
    res = _by_check(run_checks_for_table(paths, "finance.gl_lines"))[
        ("finance.gl_lines", "traceable_source_document_id")
    ]
    assert not res.success and res.unexpected_count == 1
    assert res.failing_keys[0]["voucher_id"] == "M2"


def test_canonical_identity_numbers_follow_the_demo_defect_log(tmp_path):
    """demo ground truth: H00037's 身份证号 120101199903156726 is wrong (true …728)."""
    paths = Paths(home=tmp_path)
    qf.build_good_warehouse(paths.build_db)
    qf.execute(
        paths.build_db,
        """
        create table canonical.employee (employee_key varchar, source_system varchar,
          source_document_id varchar, national_id varchar, hire_date date);
        insert into canonical.employee values
          ('hr:H00036','hr','H00036','120101199903156728', date '2020-03-01'),
          ('hr:H00037','hr','H00037','120101199903156726', date '2021-05-01'),
          ('hr:H00058','hr','H00058','S1688246H', date '2022-01-01'),
          ('hr:H00099','hr','H00099', null, date '1899-12-31');
        create table canonical.journal_voucher (journal_voucher_key varchar,
          source_system varchar, fiscal_period varchar);
        insert into canonical.journal_voucher values ('erp:OB','erp','2025-00'),
          ('erp:X','erp','2025-13');
        """,
    )
    r = _by_check(run_layer(paths, "canonical"))
    ids = r[("canonical.employee", "national_id_check_digit__national_id")]
    assert [k["employee_key"] for k in ids.failing_keys] == ["hr:H00037"]
    dates = r[("canonical.employee", "date_in_range__hire_date")]
    assert [k["employee_key"] for k in dates.failing_keys] == ["hr:H00099"]
    periods = r[("canonical.journal_voucher", "period_format__fiscal_period")]
    assert [k["fiscal_period"] for k in periods.failing_keys] == ["2025-13"]
    uscc = r[("canonical.parties", "uscc_check_digit__unified_social_credit_code")]
    assert uscc.success
