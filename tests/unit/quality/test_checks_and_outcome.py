"""Pure parts: check declarations, GX query escaping, result conversion, canonical rules."""

from datetime import UTC, datetime

import pytest

from quality.catalog import Catalog
from quality.checks import Check, Dimension, Severity, gx_query, to_expectation
from quality.outcome import from_gx
from quality.params import QualityParams
from quality.suites import canonical, marts

pytestmark = pytest.mark.unit

NOW = datetime(2024, 1, 1, tzinfo=UTC)


def _check(kind="sql", **kw):
    base = dict(
        asset="finance.gl_lines",
        name="c",
        kind=kind,
        dimension=Dimension.ACCURACY,
        domain="finance",
        owner="finance",
        severity=Severity.BLOCKING,
        description="d",
    )
    base.update(kw)
    return Check(**base)


def test_gx_query_keeps_batch_and_escapes_other_braces():
    assert gx_query("select * from {batch} where regexp_matches(x, '^a{2}$')") == (
        "select * from {batch} where regexp_matches(x, '^a{{2}}$')"
    )


def test_sql_check_must_read_its_batch():
    with pytest.raises(ValueError, match="batch"):
        _check(args={"sql": "select * from finance.gl_lines"})
    with pytest.raises(ValueError, match="unknown kind"):
        _check(kind="magic")


def test_expectation_meta_carries_the_tags():
    e = to_expectation(_check(args={"sql": "select 1 from {batch}"}), ("id",), ("national_id",))
    assert e.meta == {
        "check": "c",
        "dimension": "accuracy",
        "domain": "finance",
        "owner": "finance",
        "severity": "blocking",
        # what the validation-results store redacts with (quality.gx_redacting_store)
        "key_columns": ["id"],
        "redact_columns": ["national_id"],
    }


def test_sql_result_uses_row_count_and_rows_as_keys():
    r = from_gx(
        _check(args={"sql": "select 1 from {batch}"}),
        False,
        {"observed_value": 30, "details": {"unexpected_rows": [{"k": i} for i in range(30)]}},
        None,
        run_id="r",
        checked_at=NOW,
        layer="marts",
        sample=5,
    )
    assert (r.unexpected_count, len(r.failing_keys), r.failing_keys[0]) == (30, 5, {"k": 0})


def test_gx_exception_is_a_failure_with_its_message():
    r = from_gx(
        _check(kind="not_null", column="x"),
        True,
        {},
        {"m1": {"raised_exception": True, "exception_message": "Binder Error: no x\nmore"}},
        run_id="r",
        checked_at=NOW,
        layer="marts",
        sample=5,
    )
    assert not r.success and r.error == "Binder Error: no x"


def test_failing_rows_keep_keys_and_lose_sensitive_values_and_error_values():
    r = from_gx(
        _check(kind="in_set", column="national_id", args={"value_set": ["x"]}),
        False,
        {
            "unexpected_count": 1,
            "partial_unexpected_list": ["120101199903156726"],
            "unexpected_index_list": [
                {"employee_key": "hr:H00037", "national_id": "120101199903156726"}
            ],
        },
        {"raised_exception": True, "exception_message": "Conversion of '13912345678' failed"},
        run_id="r",
        checked_at=NOW,
        layer="canonical",
        sample=5,
        sensitive=("national_id",),
        key_columns=("employee_key",),
    )
    assert r.failing_keys == [{"employee_key": "hr:H00037", "_redacted": "national_id"}]
    assert r.error == "Conversion of '‹phone›' failed"
    assert "120101199903156726" not in r.summary()


def test_marts_checks_are_unique_and_all_tagged():
    checks = marts.checks(QualityParams())
    names = [(c.asset, c.name) for c in checks]
    assert len(names) == len(set(names))
    assert {c.severity for c in checks} == {Severity.BLOCKING, Severity.WARNING}
    assert {str(c.dimension) for c in checks} == {d.value for d in Dimension}


def test_canonical_rules_attach_by_column_name():
    catalog = Catalog(
        tables={
            "canonical.parties": {
                "source_system": "VARCHAR",
                "unified_social_credit_code": "VARCHAR",
                "currency": "VARCHAR",
                "name": "VARCHAR",
            },
            "canonical.employees": {"national_id": "VARCHAR", "hire_date": "DATE"},
            "finance.gl_lines": {"currency": "VARCHAR"},
        }
    )
    got = sorted((c.asset, c.name) for c in canonical.checks(catalog))
    assert got == [
        ("canonical.employees", "date_in_range__hire_date"),
        ("canonical.employees", "national_id_check_digit__national_id"),
        ("canonical.parties", "currency_code__currency"),
        ("canonical.parties", "uscc_check_digit__unified_social_credit_code"),
    ]
