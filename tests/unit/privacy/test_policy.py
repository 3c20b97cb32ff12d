"""The masking policy on a real DuckDB: what each role's copy of an HR table holds.

Expected tokens are computed here with Python's ``hmac`` from the normalised values, not by
the code under test; masks and drops are written out by hand.
"""

import hashlib
import hmac
from decimal import Decimal

import duckdb
import pytest

from yecai.errors import YecaiError
from yecai.privacy.policy import POLICY, ROLE_NAMES, action_for, policy_markdown, select_list
from yecai.privacy.tokens import install_token_key
from yecai.privacy.vocabulary import CLASS_NAMES
from yecai.settings import REPO_ROOT

pytestmark = pytest.mark.unit

KEY = bytes(range(32))
CLASSES = {
    "employee_name": "person_name",
    "national_id": "national_id",
    "bank_account": "bank_account",
    "birth_date": "birth_date",
    "base_salary": "salary",
    "phone": "phone",
    "email": "email",
    "address": "address",
}


def expected_token(cls: str, normalised: str) -> str:
    return (
        "tok_" + hmac.new(KEY, f"{cls}\x1f{normalised}".encode(), hashlib.sha256).hexdigest()[:32]
    )


@pytest.fixture
def con():
    c = duckdb.connect()
    c.execute(
        """
        create table employees as select * from (values
          ('H00037', '张三', '11010519491231002x', '6222 0212 3456 7890 128', date '1990-03-07',
           12345.67::decimal(18,2), '+86 138-0013-8000', ' A.Zhang@Example.com ', '福建省福州市五四路1号'),
          ('H00038', '李四', null, null, null, null, null, null, null)
        ) t(employee_id, employee_name, national_id, bank_account, birth_date, base_salary,
            phone, email, address);
        create table contacts as select * from (values ('CON-1', '13800138000', 'a.zhang@example.com'))
          t(id, phone, email);
        """
    )
    install_token_key(c, KEY, "token-test")
    yield c
    c.close()


def _copy(con, role, table="employees", classes=CLASSES):
    cols = [r[0] for r in con.execute(f"describe {table}").fetchall()]
    cur = con.execute(f"select {select_list(cols, classes, role)} from {table} order by 1")
    return [d[0] for d in cur.description], cur.fetchall()


def test_every_class_has_a_rule_for_every_role():
    for cls in CLASS_NAMES:
        for role in ROLE_NAMES:
            assert action_for(cls, role)
    assert all(POLICY[c]["hr"] == "clear" for c in CLASS_NAMES)


def test_hr_sees_everything_in_clear(con):
    cols, rows = _copy(con, "hr")
    assert cols[:3] == ["employee_id", "employee_name", "national_id"]
    assert rows[0][2] == "11010519491231002x" and rows[0][5] == Decimal("12345.67")


def test_analyst_gets_tokens_and_no_pay_account_or_address(con):
    cols, rows = _copy(con, "analyst")
    assert cols == ["employee_id", "employee_name", "national_id", "birth_date", "phone", "email"]
    assert rows[0] == (
        "H00037",
        expected_token("person_name", "张三"),
        expected_token("national_id", "11010519491231002X"),  # one person, whatever the case
        1990,
        expected_token("phone", "13800138000"),  # +86 and separators normalised away
        expected_token("email", "a.zhang@example.com"),
    )
    assert rows[1] == ("H00038", expected_token("person_name", "李四"), None, None, None, None)


def test_tokens_join_across_tables(con):
    _, staff = _copy(con, "analyst")
    _, contacts = _copy(con, "analyst", "contacts", {"phone": "phone", "email": "email"})
    assert contacts[0][1] == staff[0][4] and contacts[0][2] == staff[0][5]


def test_finance_sees_pay_and_names_but_only_the_last_four_of_an_account(con):
    cols, rows = _copy(con, "finance")
    assert cols == [
        "employee_id",
        "employee_name",
        "national_id",
        "bank_account",
        "base_salary",
        "phone",
        "email",
    ]
    assert rows[0][1] == "张三" and rows[0][3] == "****0128" and rows[0][4] == Decimal("12345.67")
    assert rows[0][2].startswith("tok_")


def test_governance_sees_masks(con):
    cols, rows = _copy(con, "governance")
    got = dict(zip(cols, rows[0], strict=True))
    assert got["employee_name"] == "张**" and got["phone"] == "****8000"
    assert got["birth_date"] == 1990 and "base_salary" not in got and "address" not in got


def test_without_the_key_tokens_fail_instead_of_being_null():
    c = duckdb.connect()
    c.execute("create table t as select 'a@b.cn' as email")
    with pytest.raises(duckdb.InvalidInputException, match="no token key"):
        c.execute(f"select {select_list(['email'], {'email': 'email'}, 'analyst')} from t")


def test_mistakes_are_errors():
    with pytest.raises(YecaiError, match="unknown role"):
        select_list(["a"], {}, "auditor")
    with pytest.raises(YecaiError, match="no masking rule"):
        select_list(["a"], {"a": "shoe_size"}, "analyst")
    with pytest.raises(YecaiError, match="does not have"):
        select_list(["a"], {"b": "email"}, "analyst")
    with pytest.raises(YecaiError, match="none of the columns"):
        select_list(["salary"], {"salary": "salary"}, "analyst")


def test_docs_security_shows_the_generated_policy_table():
    """docs/security.md holds policy_markdown() between its markers; regenerate with
    `uv run python -m yecai.privacy.docs --write` when the policy changes."""
    text = (REPO_ROOT / "docs" / "security.md").read_text(encoding="utf-8")
    start, end = "<!-- policy:start -->", "<!-- policy:end -->"
    assert start in text and end in text
    assert text.split(start, 1)[1].split(end, 1)[0].strip() == policy_markdown().strip()
