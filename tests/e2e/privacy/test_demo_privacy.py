"""On a generated demo run end to end: every raw column that looks sensitive is tagged, every
file and folder yecai wrote under the home is private, each role's published copy holds only
what the policy lets it see, and erasing one person leaves them nowhere with the books intact.

The demo (seed 42, scale 0.01) is generated and extracted with the real ``yecai`` commands
(its CRM served over HTTP). The detector samples each landed and quarantined entity's values,
so a column that holds ID numbers, cards, phones or e-mails under an innocent name would fail
this test until its contract tags it.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tests.orchestration.demo_helpers import serve_demo_crm
from yecai.privacy.classification import read_contracts, untagged_findings
from yecai.privacy.detect import suggest
from yecai.privacy.files import offenders
from yecai.privacy.keys import new_key_text
from yecai.settings import REPO_ROOT, Paths

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

YECAI = Path(sys.executable).parent / "yecai"
SAMPLE = 300


def _yecai(env, *args, timeout=1800):
    return subprocess.run(
        [str(YECAI), *args], cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )


@pytest.fixture(scope="module")
def keys_env(tmp_path_factory):
    """Token and publish keys in files outside the home (mode 0600), as docs/security.md says."""
    folder = tmp_path_factory.mktemp("privacy-keys")
    env = {}
    for purpose in ("token", "publish"):
        path = folder / f"{purpose}.key"
        path.write_text(new_key_text())
        path.chmod(0o600)
        env[f"YECAI_{purpose.upper()}_KEY_FILE"] = str(path)
    return env


@pytest.fixture(scope="module")
def home(tmp_path_factory, keys_env):
    home = tmp_path_factory.mktemp("privacy-demo")
    env = dict(os.environ, YECAI_HOME=str(home), **keys_env)
    done = _yecai(env, "demo", "generate", "--seed", "42", "--scale", "0.01", timeout=900)
    assert done.returncode == 0, done.stderr[-2000:]
    with serve_demo_crm(env, "privacy-e2e-token"):
        done = _yecai(env, "run")  # ingest, build, check, publish (with the role copies)
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
    return Paths(home=home)


def _contracts():
    roots = [REPO_ROOT / "ingestion" / "contracts", REPO_ROOT / "demo" / "company" / "contracts"]
    return {c.relation: c for c in read_contracts([r for r in roots if r.is_dir()])}


def _samples(folder: Path) -> dict[str, list]:
    glob = str(folder / "batch=*" / "*.parquet")
    con = duckdb.connect()
    try:
        cur = con.execute(
            f"select * from read_parquet('{glob}', union_by_name = true, hive_partitioning = false) "
            f"using sample {SAMPLE} rows (reservoir, 42)"
        )
        names = [d[0] for d in cur.description]
        rows = cur.fetchall()
    finally:
        con.close()
    return {n: [r[i] for r in rows] for i, n in enumerate(names) if not n.startswith("_")}


def _entities(zone: Path):
    for folder in sorted(zone.glob("*/*")):
        if any(folder.glob("batch=*/*.parquet")):
            yield f"raw.{folder.parent.name}.{folder.name}", folder


def test_every_sensitive_looking_raw_column_is_tagged(home):
    contracts = _contracts()
    checked, findings = 0, []
    for zone in (home.raw, home.quarantine):
        for relation, folder in _entities(zone):
            samples = _samples(folder)
            findings += [str(f) for f in untagged_findings(contracts[relation], samples)]
            checked += 1
    assert checked >= 40
    assert findings == [], "\n".join(findings)


def test_the_content_detector_recognises_the_demo_personal_data(home):
    """Under a neutral name and with no header, the values alone give the class away."""
    contracts = _contracts()
    expect = {
        ("raw.hr.employees", "national_id"),
        ("raw.hr.employees", "bank_account"),
        ("raw.hr.employees", "email"),
        ("raw.hr.employees", "phone"),
        ("raw.crm.contacts", "phone"),
        ("raw.crm.contacts", "email"),
        ("raw.erp.customers", "address"),
    }
    found = set()
    for relation, column in expect:
        source, entity = relation.split(".")[1:]
        values = _samples(home.raw / source / entity)[column]
        hit = suggest("col_x", values)
        if hit and hit.suggested == contracts[relation].tags[column]:
            found.add((relation, column))
    assert found == expect


def test_everything_under_the_home_is_private(home):
    loose = [f"{p.relative_to(home.home)} {mode}" for p, mode in offenders(home.home)]
    assert loose == []
    assert any(home.raw.rglob("*.parquet")) and any(home.demo.iterdir())


# --- role copies and erasure (issue 13 phase 2); erasure last: it changes the home ---------

HR_EMPLOYEES = ("national_id", "bank_account", "phone", "email", "employee_name")


def _raw_values(home, entity: str, column: str) -> set[str]:
    glob = str(home.raw / entity / "batch=*" / "*.parquet")
    rows = duckdb.sql(
        f"select distinct cast({column} as varchar) from read_parquet('{glob}', "
        f"union_by_name = true, hive_partitioning = false) where {column} is not null"
    ).fetchall()
    return {r[0].strip() for r in rows if len(r[0].strip()) >= 6 or column == "employee_name"}


def _text_cells(con) -> set[str]:
    """Every distinct text value of every table a connection's default catalog holds."""
    tables = con.execute(
        "select schema_name, table_name, column_name from duckdb_columns() "
        "where database_name = current_database() and data_type = 'VARCHAR'"
    ).fetchall()
    cells: set[str] = set()
    for schema, table, column in tables:
        cells.update(
            r[0]
            for r in con.execute(
                f'select distinct "{column}" from "{schema}"."{table}" where "{column}" is not null'
            ).fetchall()
        )
    return cells


def _open(home, role, keys_env):
    from yecai.privacy.role_copies import open_role_copy

    return open_role_copy(home, role, dict(os.environ, **keys_env))


def test_each_role_copy_holds_only_what_the_policy_allows(home, keys_env):
    people = {c: _raw_values(home, "hr/employees", c) for c in HR_EMPLOYEES}
    contacts = _raw_values(home, "crm/contacts", "phone") | _raw_values(
        home, "crm/contacts", "email"
    )
    assert all(people.values()) and contacts
    identifiers = people["national_id"] | people["bank_account"] | people["phone"] | people["email"]
    seen = {}
    for role in ("analyst", "finance", "governance", "hr"):
        con = _open(home, role, keys_env)
        try:
            seen[role] = _text_cells(con)
        finally:
            con.close()
    for role in ("analyst", "finance", "governance"):
        leaked = (identifiers | contacts) & seen[role]
        assert not leaked, f"{role} reads {len(leaked)} clear identifiers"
    assert not (people["employee_name"] & (seen["analyst"] | seen["governance"]))
    assert people["national_id"] & seen["hr"]  # the one role that reads them in clear
    assert any(v.startswith("tok_") for v in seen["analyst"])


def test_erasing_a_person_leaves_them_nowhere_and_the_books_balance(home, keys_env):
    from yecai.privacy import audit
    from yecai.privacy.erase import scan
    from yecai.published import connect

    ids = sorted(_raw_values(home, "hr/employees", "national_id"))
    person = ids[len(ids) // 2]
    glob = str(home.raw / "hr/employees" / "batch=*" / "*.parquet")
    row = duckdb.sql(
        "select employee_name, phone, email, bank_account from read_parquet(?) "
        "where national_id = ? limit 1",
        params=[glob, person],
    ).fetchone()
    values = [person, *[v for v in row if v]]
    before = scan(home, values, dict(os.environ, **keys_env))
    assert any("raw" in h for h in before) and any("published_data" in h for h in before)

    def books():
        con = connect(home)
        try:
            return con.execute(
                "select (select count(*) from (select entity_code, period from "
                "finance.trial_balance group by all having sum(closing_balance) <> 0)), "
                "(select sum(closing_balance)::varchar from finance.trial_balance "
                "where closing_balance > 0), (select sum(gross_pay)::varchar from canonical.payroll)"
            ).fetchone()
        finally:
            con.close()

    books_before = books()
    assert books_before[0] == 0
    env = dict(os.environ, YECAI_HOME=str(home.home), **keys_env)
    done = _yecai(env, "privacy", "erase", "--person", person, "--reason", "PIPL request e2e")
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
    assert "finds them nowhere" in done.stdout
    assert scan(home, values, dict(os.environ, **keys_env)) == []
    assert books() == books_before  # every amount kept: the books still balance
    (entry,) = [e for e in audit.read(home) if e["action"] == "erase"]
    assert entry["reason"] == "PIPL request e2e" and entry["uid"] == os.getuid()
    assert person not in json.dumps(entry) and entry["details"]["person"].startswith("tok_")
    assert audit.verify(audit.read(home)) == []
    # the person is still counted, by token: hr reads the token where the ID was
    con = _open(home, "hr", keys_env)
    try:
        assert con.execute(
            "select count(*) from canonical.employee where national_id = ?",
            [entry["details"]["person"]],
        ).fetchone() == (1,)
    finally:
        con.close()
