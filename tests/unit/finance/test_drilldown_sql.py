"""Drill-through SQL builder: the chain of queries, parameters kept out of the SQL text."""

from __future__ import annotations

import pytest

from orchestration.finance_reports import drilldown_sql as q
from yecai.errors import YecaiError

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("line", "mart"),
    [
        ("BS04", "finance.balance_sheet"),
        ("IS01", "finance.income_statement"),
        ("CF_NET_OPERATING", "finance.cash_flow_statement"),
    ],
)
def test_line_prefix_selects_the_statement_mart(line, mart):
    assert q.statement_mart_for_line(line) == mart
    assert mart in q.line_amount_query("E01", "2025-03", line).sql


@pytest.mark.parametrize("bad", ["", "XX01", "bs04", "BS04; drop table x", "1122"])
def test_anything_but_a_statement_line_code_is_refused(bad):
    with pytest.raises(YecaiError):
        q.statement_mart_for_line(bad)


def test_user_values_travel_as_parameters_never_in_the_sql():
    entity = "E01' or '1'='1"
    query = q.line_journal_query(entity, "2025-03", "BS04", 5)
    assert entity not in query.sql
    assert query.params == (entity, "2025-03", "BS04", 5)
    assert query.sql.count("?") == len(query.params)


def test_line_chain_goes_from_trial_balance_accounts_to_drilldown_lines():
    accounts = q.line_accounts_query("E01", "2025-03", "BS04")
    assert (
        "finance.trial_balance" in accounts.sql
        and "finance.account_statement_lines" in accounts.sql
    )
    journal = q.line_journal_query("E01", "2025-03", "BS04", 20)
    assert "finance.statement_drilldown" in journal.sql
    assert "source_document_id" in journal.sql and "batch_id" in journal.sql


def test_account_query_matches_on_prefix_and_trims_the_code():
    query = q.account_journal_query("E01", "2025-03", " 1122 ", 10)
    assert "starts_with(account_code, ?)" in query.sql
    assert query.params == ("E01", "2025-03", "1122", 10)


def test_empty_account_or_voucher_is_a_user_error():
    with pytest.raises(YecaiError):
        q.account_journal_query("E01", "2025-03", "  ", 10)
    with pytest.raises(YecaiError):
        q.voucher_journal_query("")


def test_limit_below_one_is_a_user_error():
    with pytest.raises(YecaiError):
        q.line_journal_query("E01", "2025-03", "BS04", 0)


def test_documents_query_deduplicates_keys_and_binds_each_pair():
    query = q.documents_query(
        [("receipt", "erp:RC1"), ("receipt", "erp:RC1"), ("payment", "erp:PY2"), (None, None)]
    )
    assert query.params == ("payment", "erp:PY2", "receipt", "erp:RC1")
    assert query.sql.count("(?, ?)") == 2


def test_no_documents_gives_an_empty_query():
    assert q.documents_query([]).sql == ""
