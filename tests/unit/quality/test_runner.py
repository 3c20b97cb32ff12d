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
        -- a GL line of E2/V7 2024-02 that the trial balance does not carry
        insert into finance.gl_lines values ('V7','E2','2024-02','1002',40.00,0,'erp2','DOC7','b2',false);
        -- E2 2024-02 2202 closes one yuan off opening + movement (no GL lines: movement 0)
        insert into finance.trial_balance values ('E2','2024-02','2202',-30.00,0,0,-31.00);
        -- a golden party with a USCC whose check digit is wrong
        insert into master.parties values ('P0003','91350100M000100Y44','丙公司');
        """,
    )
    return paths, _by_check(run_layer(paths, "marts", run_id="broken-run"))


def test_good_warehouse_passes_every_marts_check(good_results):
    _, results = good_results
    failed = [r.summary() for r in results if not r.success]
    assert failed == []
    assert len(results) >= 12


def test_results_carry_tags_and_run_id(good_results):
    _, results = good_results
    r = _by_check(results)[("finance.trial_balance", "movement_matches_gl")]
    assert len(_by_check(results)) == len(results)
    assert (r.run_id, r.layer, r.dimension, r.domain, r.severity) == (
        "good-run",
        "marts",
        "consistency",
        "finance",
        "blocking",
    )
    assert r.owner == "finance" and r.unexpected_count == 0 and r.failing_keys == []


def test_gl_line_missing_from_the_trial_balance_fails_with_its_key(broken):
    _, r = broken
    res = r[("finance.trial_balance", "movement_matches_gl")]
    assert not res.success and res.unexpected_count == 1
    key = res.failing_keys[0]
    assert (key["entity_code"], key["period"], key["account_code"]) == ("E2", "2024-02", "1002")
    assert (key["tb_debit"], key["gl_debit"]) == (None, Decimal("40.00"))


def test_closing_that_is_not_opening_plus_movement_fails(broken):
    _, r = broken
    res = r[("finance.trial_balance", "closing_equals_opening_plus_movement")]
    assert not res.success and res.unexpected_count == 1
    assert res.failing_keys[0]["account_code"] == "2202"
    assert res.failing_keys[0]["closing_balance"] == Decimal("-31.00")


def test_invalid_uscc_is_a_warning_with_the_party(broken):
    _, r = broken
    res = r[("master.parties", "uscc_check_digit")]
    assert not res.success and res.severity == "warning"
    assert res.failing_keys == [
        {"unified_party_code": "P0003", "unified_social_credit_code": "91350100M000100Y44"}
    ]


def test_contract_break_reports_missing_column(tmp_path):
    """Governance tables have no enforced dbt contract: GX checks their columns."""
    paths = Paths(home=tmp_path)
    qf.build_good_warehouse(paths.build_db)
    qf.execute(paths.build_db, "alter table governance.ingestion_batches drop column watermark")
    r = _by_check(run_checks_for_table(paths, "governance.ingestion_batches"))
    res = r[("governance.ingestion_batches", "contract_columns")]
    assert not res.success and res.unexpected_count == 1
    assert res.failing_keys == [{"missing_column": "watermark"}]


def test_check_on_a_dropped_column_fails_with_a_reason(tmp_path):
    paths = Paths(home=tmp_path)
    qf.build_good_warehouse(paths.build_db)
    qf.execute(paths.build_db, "alter table finance.gl_lines drop column source_document_id")
    r = _by_check(run_checks_for_table(paths, "finance.gl_lines"))
    # the check on the dropped column fails with GX's reason rather than crashing the run
    assert not r[("finance.gl_lines", "traceable_source_document_id")].success
    assert r[("finance.gl_lines", "period_format")].success


def test_missing_tables_fail_with_a_reason_instead_of_crashing(tmp_path):
    paths = Paths(home=tmp_path)
    paths.build_db.parent.mkdir(parents=True)
    qf.execute(paths.build_db, "create schema finance")
    results = run_layer(paths, "marts")
    assert results and all(not r.success for r in results)
    gl = _by_check(results)[("finance.gl_lines", "period_format")]
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
