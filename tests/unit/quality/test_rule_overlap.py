"""One rule, one place: no GX check repeats a rule a dbt test or contract already enforces.

dbt's tests gate the build, so a repeated rule in GX can never fail; this lists every GX check
and every dbt test per (table, rule kind, columns) and fails on any pair.
"""

from __future__ import annotations

import pytest

from quality.checks import Check, Dimension, Severity
from quality.params import QualityParams
from quality.rule_overlap import dbt_rules, declared_catalog, gx_rule, overlaps
from quality.suites import canonical, marts
from yecai.settings import DBT_PACKAGE_DIR

pytestmark = pytest.mark.unit


def _gx_rules():
    catalog = declared_catalog(DBT_PACKAGE_DIR)
    checks = [*marts.checks(QualityParams(), catalog), *canonical.checks(catalog)]
    return [gx_rule(c) for c in checks]


def test_no_gx_check_repeats_a_dbt_test_or_contract():
    found = overlaps(_gx_rules(), dbt_rules(DBT_PACKAGE_DIR))
    assert not found, "GX repeats dbt (remove the GX check):\n" + "\n".join(
        f"  {g.table} {g.kind}({g.columns}): {g.by} = {d.by}" for g, d in found
    )


def test_dbt_rules_are_read_with_the_schema_each_model_lands_in():
    idents = {r.ident for r in dbt_rules(DBT_PACKAGE_DIR)}
    # written in the package's YAML (marts/finance, intermediate/master, marts/governance)
    assert ("finance.gl_lines", "balanced", "voucher_id") in idents
    assert ("finance.gl_lines", "columns_present", "") in idents
    assert ("master.parties", "unique", "unified_party_code") in idents
    assert ("governance.ingestion_batches", "rows_conserved", "") in idents
    assert ("finance.trial_balance", "unique", "account_code,entity_code,period") in idents


def test_a_gx_check_of_a_dbt_rule_is_reported():
    repeated = [
        Check("finance.gl_lines", "voucher_id_filled", "not_null", Dimension.COMPLETENESS,
              "finance", "finance", Severity.BLOCKING, "x", column="voucher_id"),
        Check("finance.gl_lines", "balanced", "sql", Dimension.ACCURACY, "finance", "finance",
              Severity.BLOCKING, "x", column="voucher_id", rule="balanced",
              args={"sql": "select 1 from {batch}"}),
        Check("finance.gl_lines", "period_regex", "regex", Dimension.VALIDITY, "finance",
              "finance", Severity.BLOCKING, "x", column="period", args={"regex": "x"}),
    ]  # fmt: skip
    found = overlaps([gx_rule(c) for c in repeated], dbt_rules(DBT_PACKAGE_DIR))
    assert [(g.by, d.by) for g, d in found] == [
        ("GX balanced", "dbt balanced_by"),
        ("GX voucher_id_filled", "dbt not_null"),
    ]


def test_every_canonical_table_has_an_enforced_contract():
    """GX no longer checks canonical column types: the dbt contract must carry them."""
    catalog = declared_catalog(DBT_PACKAGE_DIR)
    contracts = {r.table for r in dbt_rules(DBT_PACKAGE_DIR) if r.kind == "column_types"}
    tables = canonical.canonical_tables(catalog)
    assert tables and set(tables) <= contracts, sorted(set(tables) - contracts)
