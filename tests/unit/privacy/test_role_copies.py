"""Each role's published copy: what it holds, and that a reader of it cannot reach any file.

Real DuckDB files, written by the publish code path's writer and opened by the reader
``yecai sql --role`` uses.
"""

from __future__ import annotations

from decimal import Decimal

import duckdb
import pytest

from yecai.errors import YecaiError
from yecai.privacy import audit
from yecai.privacy.encryption import is_encrypted_database
from yecai.privacy.policy import ROLE_NAMES
from yecai.privacy.role_copies import (
    SourceRelation,
    columns_markdown,
    open_role_copy,
    role_copy_path,
    write_role_copies,
)
from yecai.privacy.tokens import token
from yecai.settings import Paths

TOKEN_KEY = "11" * 32
ENV = {"YECAI_TOKEN_KEY": TOKEN_KEY, "YECAI_PUBLISH_KEY": "22" * 32}
NATIONAL_ID = "11010519491231002X"
NAME = "张三"
ACCOUNT = "6222020200112233445"

EMPLOYEE = SourceRelation(
    "canonical",
    "employee",
    ("employee_id", "employee_name", "national_id", "bank_account", "birth_date"),
    {
        "employee_name": "person_name",
        "national_id": "national_id",
        "bank_account": "bank_account",
        "birth_date": "birth_date",
    },
    "One row per employee.",
    {"national_id": "resident identity number"},
)
PAYROLL = SourceRelation(
    "canonical",
    "payroll",
    ("employee_id", "national_id", "period", "gross_pay"),
    {"national_id": "national_id", "gross_pay": "salary"},
)
LEDGER = SourceRelation("finance", "trial_balance", ("account", "balance"), {})


@pytest.fixture
def home(tmp_path):
    paths = Paths(tmp_path / "home")
    paths.warehouse.mkdir(parents=True)
    con = duckdb.connect(":memory:")
    con.execute("attach ':memory:' as src")
    con.execute("create schema src.canonical")
    con.execute("create schema src.finance")
    con.execute(
        "create table src.canonical.employee as select 'E1' as employee_id, "
        f"'{NAME}' as employee_name, '{NATIONAL_ID}' as national_id, "
        f"'{ACCOUNT}' as bank_account, date '1990-05-17' as birth_date"
    )
    con.execute(
        "create table src.canonical.payroll as select 'E1' as employee_id, "
        f"lower('{NATIONAL_ID}') as national_id, '2025-01' as period, "
        "12345.67::decimal(18,2) as gross_pay"
    )
    con.execute(
        "create table src.finance.trial_balance as select '1001' as account, "
        "10.00::decimal(18,2) as balance"
    )
    done = write_role_copies(
        paths, con, "src", [EMPLOYEE, PAYROLL, LEDGER], {"snapshot_id": 7, "version": "v1"}, ENV
    )
    con.close()
    assert sorted(done.written) == sorted(ROLE_NAMES), done.message()
    return paths


def _one(con, sql):
    return con.execute(sql).fetchone()


def test_hr_reads_clear_values_others_read_tokens_that_join(home):
    expected = token(bytes.fromhex(TOKEN_KEY), "national_id", NATIONAL_ID)
    hr = open_role_copy(home, "hr", ENV)
    assert _one(hr, "select national_id, employee_name, bank_account from canonical.employee") == (
        NATIONAL_ID,
        NAME,
        ACCOUNT,
    )
    hr.close()
    for role in ("analyst", "finance", "governance"):
        con = open_role_copy(home, role, ENV)
        (nid,) = _one(con, "select national_id from canonical.employee")
        assert nid == expected, role
        # the payroll row wrote the ID in lower case: one person, one token, so they join
        joined = _one(
            con,
            "select count(*) from canonical.employee e join canonical.payroll p using (national_id)",
        )
        assert joined == (1,), role
        con.close()


def test_each_role_gets_what_the_policy_says(home):
    analyst = open_role_copy(home, "analyst", ENV)
    cols = [r[0] for r in analyst.execute("describe canonical.payroll").fetchall()]
    assert "gross_pay" not in cols  # salary: drop
    assert _one(analyst, "select birth_date from canonical.employee") == (1990,)
    assert _one(analyst, "select employee_name from canonical.employee")[0].startswith("tok_")
    analyst.close()
    finance = open_role_copy(home, "finance", ENV)
    assert _one(finance, "select gross_pay from canonical.payroll") == (Decimal("12345.67"),)
    assert _one(finance, "select bank_account, employee_name from canonical.employee") == (
        "****3445",
        NAME,
    )
    assert _one(finance, "select balance from finance.trial_balance") == (Decimal("10.00"),)
    finance.close()
    gov = open_role_copy(home, "governance", ENV)
    assert _one(gov, "select employee_name from canonical.employee") == ("张**",)
    gov.close()


def test_no_clear_personal_value_in_any_file_but_hr_and_hr_is_encrypted(home):
    hidden = {
        "analyst": (NATIONAL_ID, ACCOUNT, NAME),
        "finance": (NATIONAL_ID, ACCOUNT),  # finance sees names (policy)
        "governance": (NATIONAL_ID, ACCOUNT, NAME),
        "hr": (NATIONAL_ID, ACCOUNT, NAME),  # clear inside, but the file is encrypted
    }
    for role in ROLE_NAMES:
        data = role_copy_path(home, role).read_bytes()
        for value in hidden[role]:
            assert value.encode() not in data, (role, value)
    assert is_encrypted_database(role_copy_path(home, "hr"))
    with pytest.raises(YecaiError):
        open_role_copy(home, "hr", {"YECAI_PUBLISH_KEY": "33" * 32})


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_a_reader_of_any_role_cannot_reach_the_filesystem(home, role, tmp_path):
    outside = tmp_path / "outside.parquet"
    duckdb.execute(f"copy (select 1 as x) to '{outside}' (format parquet)")
    other = role_copy_path(home, "hr" if role != "hr" else "analyst")
    con = open_role_copy(home, role, ENV)
    escapes = [
        "select * from read_csv('/etc/passwd')",
        f"select * from read_parquet('{outside}')",
        f"copy (select * from canonical.employee) to '{tmp_path / 'x.csv'}'",
        f"attach '{other}' as other (read_only)",
        f"attach '{tmp_path / 'new.duckdb'}' as new",
        "set enable_external_access = true",
        "set lock_configuration = false",
        "install httpfs",
        "select * from read_csv('http://127.0.0.1:9/x.csv')",
        "select * from glob('/etc/*')",
    ]
    for sql in escapes:
        with pytest.raises(duckdb.Error):
            con.execute(sql).fetchall()
            pytest.fail(f"{role} escaped: {sql}")
    assert not (tmp_path / "x.csv").exists()
    assert _one(con, "select count(*) from canonical.employee") == (1,)
    con.close()


def test_opening_a_copy_is_audited_with_the_os_identity(home):
    open_role_copy(home, "finance", ENV).close()
    (entry,) = [e for e in audit.read(home) if e["action"] == "open_role"]
    assert entry["details"]["role"] == "finance"
    assert entry["details"]["snapshot_id"] == 7
    import os

    assert entry["uid"] == os.getuid()
    assert audit.verify(audit.read(home)) == []


def test_no_token_key_writes_no_copy(tmp_path):
    paths = Paths(tmp_path / "home")
    con = duckdb.connect(":memory:")
    done = write_role_copies(paths, con, "memory", [], {}, {})
    assert done.written == {} and "token key" in done.message()
    with pytest.raises(YecaiError, match="no published copy"):
        open_role_copy(paths, "analyst", {})


def test_columns_doc_lists_each_protected_column_per_role():
    doc = columns_markdown([EMPLOYEE, PAYROLL, LEDGER])
    assert (
        "| `canonical.employee` | `national_id` | `national_id` | token | token | clear | token |"
        in doc
    )
    assert "trial_balance" not in doc


def test_yecai_sql_role_opens_the_roles_copy(home):
    import os
    import subprocess
    import sys
    from pathlib import Path

    yecai = Path(sys.executable).parent / "yecai"
    env = {**os.environ, **ENV, "YECAI_HOME": str(home.home)}
    query = "select national_id from canonical.employee"
    analyst = subprocess.run(
        [str(yecai), "sql", "--role", "analyst", "-c", query],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert analyst.returncode == 0, analyst.stderr
    assert "tok_" in analyst.stdout and NATIONAL_ID not in analyst.stdout
    hr = subprocess.run(
        [str(yecai), "sql", "--role", "hr", "-c", query],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert hr.returncode == 0, hr.stderr
    assert NATIONAL_ID in hr.stdout
    escape = subprocess.run(
        [str(yecai), "sql", "--role", "finance", "-c", "select * from read_csv('/etc/passwd')"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert escape.returncode == 2 and "root:" not in escape.stdout
    assert "Traceback" not in escape.stderr
    unknown = subprocess.run(
        [str(yecai), "sql", "--role", "boss", "-c", "select 1"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert unknown.returncode == 2 and "unknown role" in unknown.stderr
    opened = [e["details"]["role"] for e in audit.read(home) if e["action"] == "open_role"]
    assert opened == ["analyst", "hr", "finance"]


@pytest.mark.parametrize(
    ("cls", "value"),
    [
        ("email", " Zhang.San@Example.COM "),
        ("phone", "+86 138-0013-8000"),
        ("national_id", "11010519491231002x"),
        ("bank_account", "6222 0202 0011 2233 445"),
        ("person_name", " 张三 "),
    ],
)
def test_python_tokens_equal_the_sql_tokens(cls, value):
    from yecai.privacy.tokens import install_token_key, normalise, token_sql

    con = duckdb.connect()
    install_token_key(con, bytes.fromhex(TOKEN_KEY), "k")
    (in_sql,) = con.execute(
        f"select {token_sql('v', cls)} from (select ? as v)", [value]
    ).fetchone()
    assert in_sql == token(bytes.fromhex(TOKEN_KEY), cls, normalise(cls, value))
