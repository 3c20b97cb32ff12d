"""Every canonical column rule can fail: the suite's own checks (attached by column name,
built by ``quality.sql_rules``) run through GX on a small canonical table with one defect per
rule and fail, and pass on the same columns without the defect.

``test_check_kinds_fail`` covers the kinds; this covers the rules built from them, whose SQL
(check digits, ranges, references) is where a rule that can never fail would hide.
"""

from __future__ import annotations

import duckdb
import pytest

from quality.catalog import read_catalog
from quality.checks import Layer
from quality.runner import run_checks
from quality.suites import canonical
from yecai.settings import Paths

pytestmark = pytest.mark.unit

COLUMNS = """doc_key varchar, source_system varchar, unified_social_credit_code varchar,
  national_id varchar, currency_code varchar, period varchar, posting_date date,
  unified_party_code varchar"""
# a valid USCC and resident ID (GB 32100 / GB 11643 check digits), a foreign ID the ID rule
# leaves alone, period 00 (opening balances), a party that is in master data
GOOD_ROWS = """
  ('g1', 's', '91350100M000100Y43', '11010519491231002X', 'CNY', '2024-00', date '2024-01-05',
   'P1'),
  ('g2', 's', null, 'S1234567D', 'USD', '2024-12', date '2024-12-31', null)"""
# one row, one defect in every ruled column: wrong check digits, a lower-case currency, month
# 13, a date before 1990, a party master data does not know
BAD_ROWS = """
  ('b1', 's', '91350100M000100Y44', '110105194912310021', 'cny', '2024-13', date '1980-01-01',
   'P9')"""


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    paths = Paths(home=tmp_path_factory.mktemp("rules"))
    paths.build_db.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(paths.build_db))
    con.execute(
        f"""
        create schema canonical; create schema master;
        create table master.parties (unified_code varchar);
        insert into master.parties values ('P1');
        create table canonical.good ({COLUMNS}); insert into canonical.good values {GOOD_ROWS};
        create table canonical.bad ({COLUMNS}); insert into canonical.bad values {BAD_ROWS};
        """
    )
    con.close()
    catalog = read_catalog(paths.build_db)
    checks = canonical.checks(catalog)
    found = run_checks(paths, Layer.CANONICAL, canonical.assets(catalog), checks, run_id="rules")
    return {(r.asset, r.check.split("__", 1)[0]): r for r in found}


def test_every_column_rule_is_attached_to_the_test_table(results):
    attached = {rule for table, rule in results if table == "canonical.bad"}
    assert attached == {rule.name for rule in canonical.COLUMN_RULES}


@pytest.mark.parametrize("rule", [r.name for r in canonical.COLUMN_RULES])
def test_column_rule_fails_on_its_defect_and_passes_without(results, rule):
    good = results[("canonical.good", rule)]
    assert good.success and good.error is None, good.summary()
    bad = results[("canonical.bad", rule)]
    assert not bad.success, bad.summary()
    assert bad.error is None, f"{rule} failed without a verdict on the data: {bad.error}"
