"""On a generated demo run end to end: every raw column that looks sensitive is tagged, every
file and folder yecai wrote under the home is private, each role's published copy holds only
what the policy lets it see, and erasing one person leaves them nowhere with the books intact.

The demo (seed 42, scale 0.01) is generated and extracted with the real ``yecai`` commands
(its CRM served over HTTP). The detector samples each landed and quarantined entity's values,
so a column that holds ID numbers, cards, phones or e-mails under an innocent name would fail
this test until its contract tags it.

Before the first run, known personal values are planted in every demo source
(``tests/e2e/privacy/planted.py``); after it, a second run fails on an HR export cut off inside
the planted employee's row, and the run-failure alert goes to a real SMTP server (STARTTLS,
login) and a real webhook started here. Then every artefact an analyst or finance user can
read is scanned for the planted values.
"""

import json
import os
import subprocess
import sys
from email import message_from_bytes, policy
from pathlib import Path
from types import SimpleNamespace

import duckdb
import pytest

from tests.e2e.privacy import planted
from tests.e2e.privacy.artefact_scan import duckdb_text, find, read_as_text
from tests.integration.orchestration.mail_servers import (
    make_certificate,
    smtp_server,
    webhook_server,
)
from tests.orchestration.demo_helpers import serve_demo_crm
from yecai.privacy.classification import read_contracts, untagged_findings
from yecai.privacy.detect import suggest
from yecai.privacy.files import offenders
from yecai.privacy.keys import new_key_text
from yecai.settings import REPO_ROOT, Paths

# Two `yecai run`s (the second fails on purpose) and a statements export in the module's
# fixture: ~10 min at load 9 on the shared 2-core machine, near the 900 s hang guard.
pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.timeout(1800)]

YECAI = Path(sys.executable).parent / "yecai"
SAMPLE = 300


def _yecai(env, *args, timeout=1800):
    return subprocess.run(
        [str(YECAI), *args], cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )


@pytest.fixture(scope="module")
def keys_env(tmp_path_factory):
    """Every key in a file outside the home (mode 0600), as docs/security.md says: the demo runs
    with its raw personal data, build warehouse and hr copy encrypted. Set in this process's
    environment too, for the module's own readers of the lake and the warehouse."""
    folder = tmp_path_factory.mktemp("privacy-keys")
    env = {}
    for purpose in ("token", "publish", "lake", "warehouse"):
        path = folder / f"{purpose}.key"
        path.write_text(new_key_text())
        path.chmod(0o600)
        env[f"YECAI_{purpose.upper()}_KEY_FILE"] = str(path)
    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        yield env


@pytest.fixture(scope="module")
def alert_inbox(tmp_path_factory):
    """A real SMTP server (STARTTLS required, then login) and a real webhook, and the alert
    settings that point yecai at them."""
    cert, key = make_certificate(tmp_path_factory.mktemp("alert-tls"))
    with smtp_server("starttls", cert, key) as mail, webhook_server() as hook:
        host, port = hook.server_address
        env = {
            "YECAI_ALERT_SMTP_HOST": "127.0.0.1",
            "YECAI_ALERT_SMTP_PORT": str(mail.port),
            "YECAI_ALERT_SMTP_FROM": "yecai@example.com",
            "YECAI_ALERT_SMTP_TO": "data-team@example.com",
            "YECAI_ALERT_SMTP_USER": "alerts",
            "YECAI_ALERT_SMTP_PASSWORD": "s3cret-pass",
            "YECAI_ALERT_SMTP_CA_FILE": str(cert),
            "YECAI_ALERT_WEBHOOK_URL": f"http://{host}:{port}/hooks/yecai?token=t0k",
        }
        yield SimpleNamespace(mail=mail, hook=hook, env=env)


def _alert_on_the_last_failed_run(paths: Paths, inbox) -> None:
    """Evaluate the run-failure sensor on the failed run, as the Dagster daemon would."""
    import dagster as dg

    from orchestration.defs.alerts.sensors import run_failure_alert
    from orchestration.instance import get_instance

    instance = get_instance(paths)
    failed = dg.RunsFilter(statuses=[dg.DagsterRunStatus.FAILURE])
    (run,) = instance.get_runs(failed, limit=1)
    (failure,) = instance.all_logs(run.run_id, of_type=dg.DagsterEventType.RUN_FAILURE)
    context = dg.build_run_status_sensor_context(
        sensor_name="run_failure_alert",
        dagster_event=failure.dagster_event,
        dagster_instance=instance,
        dagster_run=run,
    ).for_run_failure()
    umask = os.umask(0o077)  # as every yecai entry point: anything written stays private
    try:
        with pytest.MonkeyPatch.context() as env:
            for name, value in inbox.env.items():
                env.setenv(name, value)
            run_failure_alert(context)
    finally:
        os.umask(umask)
        instance.dispose()


@pytest.fixture(scope="module")
def demo(tmp_path_factory, keys_env, alert_inbox):
    """The demo with planted personal values, run end to end, then a run that fails on a
    truncated HR export and alerts; returns the home, the commands' output and the inbox."""
    home = tmp_path_factory.mktemp("privacy-demo")
    paths = Paths(home=home)
    env = dict(os.environ, YECAI_HOME=str(home), **keys_env)
    done = _yecai(env, "demo", "generate", "--seed", "42", "--scale", "0.01", timeout=900)
    assert done.returncode == 0, done.stderr[-2000:]
    planted.plant(paths.demo)
    output = []
    with serve_demo_crm(env, "privacy-e2e-token"):
        done = _yecai(env, "run")  # ingest, build, check, publish (with the role copies)
        assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
        output.append(done.stdout + done.stderr)
        done = _yecai(env, "report", "statements", "-e", "E01", "-p", "2025-12")
        assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
        output.append(done.stdout + done.stderr)
        cut = planted.truncated_hr_export(paths.hr_drop)
        done = _yecai(env, "run")  # fails at raw_hr: analysts stay on the first publish
        assert done.returncode == 1 and "truncated" in done.stdout, done.stdout[-3000:]
        output.append(done.stdout + done.stderr)
    cut.unlink()  # the next extraction must not trip on it again
    _alert_on_the_last_failed_run(paths, alert_inbox)
    return SimpleNamespace(paths=paths, output=output, inbox=alert_inbox)


@pytest.fixture(scope="module")
def home(demo):
    return demo.paths


def _contracts():
    roots = [REPO_ROOT / "ingestion" / "contracts", REPO_ROOT / "demo" / "company" / "contracts"]
    return {c.relation: c for c in read_contracts([r for r in roots if r.is_dir()])}


def _lake_files(paths: Paths, con, glob: str) -> str:
    """A FROM expression over lake files, clear or encrypted, read with the home's lake key."""
    from ingestion.lake import scan

    return scan(con, paths, glob, union_by_name="true", hive_partitioning="false")


def _lake_text(paths: Paths, glob: Path) -> str:
    """Every cell of the lake files ``glob`` names, read with the home's lake key."""
    con = duckdb.connect()
    try:
        rows = con.execute(f"select * from {_lake_files(paths, con, str(glob))}").fetchall()
    finally:
        con.close()
    return "\n".join("\t".join(str(c) for c in row if c is not None) for row in rows)


def _samples(paths: Paths, folder: Path) -> dict[str, list]:
    glob = str(folder / "batch=*" / "*.parquet")
    con = duckdb.connect()
    try:
        cur = con.execute(
            f"select * from {_lake_files(paths, con, glob)} "
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
            samples = _samples(home, folder)
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
        values = _samples(home, home.raw / source / entity)[column]
        hit = suggest("col_x", values)
        if hit and hit.suggested == contracts[relation].tags[column]:
            found.add((relation, column))
    assert found == expect


def test_everything_under_the_home_is_private(home):
    loose = [f"{p.relative_to(home.home)} {mode}" for p, mode in offenders(home.home)]
    assert loose == []
    assert any(home.raw.rglob("*.parquet")) and any(home.demo.iterdir())


# --- planted personal values: nowhere an analyst or finance user can read -------------------

# Every file under the home is either the operator's (sources, the raw lake, the build
# warehouse, the operator's lake with its versions, the hr role's encrypted copy: clear
# personal data by design, docs/security.md) or an artefact a role can read, which is scanned.
# A file that is neither fails the scan test, so a new kind of artefact is classified before
# it ships. Earlier published versions are read from the operator's lake only; a role reads
# the latest publish through its own copy.
OPERATOR_ONLY = (
    "demo/*",
    "contracts/*",
    "sources.yml",
    "dbt/models/*",
    "dbt/seeds/*",
    "dbt/macros/*",
    "dbt/*.yml",
    "dbt/.user.yml",
    "lake/raw/*",
    "lake/quarantine/*",
    "lake/_meta/locks/*",
    "warehouse/build.duckdb*",
    "warehouse/published.sqlite*",
    "warehouse/published.ducklake*",
    "warehouse/published.read.ducklake*",
    "warehouse/published_data/*",
    "warehouse/roles/hr.duckdb*",
    "warehouse/.*",
    "*.lock",
)
ROLE_READABLE = {  # what an analyst or finance user reads -> the files it is, under the home
    "analyst warehouse": ("warehouse/roles/analyst.duckdb",),
    "finance warehouse": ("warehouse/roles/finance.duckdb",),
    "governance warehouse": ("warehouse/roles/governance.duckdb",),
    "columns each role sees": ("warehouse/roles/columns.md",),
    "scorecard": ("reports/scorecard.html",),
    "statements (XLSX, CSV)": ("reports/statements/*",),
    "GX Data Docs": ("reports/data_docs/*",),
    "GX validation results and suites": ("quality/gx/*",),
    "quality history, publish log, run summary": ("quality/*",),
    "batch records and lake index": ("lake/_meta/*",),
    "Dagster storage (runs, event logs, schedules)": ("dagster/storage/*", "dagster/dagster.yaml"),
    "Dagster compute logs": ("dagster/logs/*",),
    "dbt logs and run artefacts": ("dbt/logs/*", "dbt/target/*"),
    "audit log": ("audit/*",),
}
# Steps log through Dagster's event log (scanned with its storage): their stdout and stderr
# files exist for every step and are usually empty.
MAY_BE_EMPTY = {"Dagster compute logs"}
# What a role may read in clear by policy (docs/security.md): finance sees names and pay.
ALLOWED = {"finance warehouse": {"person_name", "salary"}}


def _artefacts(home: Path) -> tuple[dict[str, list[Path]], list[str]]:
    """The role-readable files by artefact, and the files that are classified nowhere."""
    found: dict[str, list[Path]] = {name: [] for name in ROLE_READABLE}
    unclassified = []
    for path in sorted(p for p in home.rglob("*") if p.is_file()):
        rel = path.relative_to(home)
        if any(rel.match(g) or str(rel).startswith(g.rstrip("*")) for g in OPERATOR_ONLY):
            continue
        name = next(
            (n for n, globs in ROLE_READABLE.items() if any(_under(rel, g) for g in globs)), None
        )
        if name is None:
            unclassified.append(str(rel))
        else:
            found[name].append(path)
    return found, unclassified


def _under(rel: Path, glob: str) -> bool:
    return str(rel) == glob or (glob.endswith("/*") and str(rel).startswith(glob[:-1]))


def _alert_payloads(inbox) -> list[str]:
    payloads = []
    for mail in inbox.mail.messages:
        parsed = message_from_bytes(mail["data"], policy=policy.default)
        payloads.append(f"{parsed['Subject']}\n{parsed.get_content()}\n{mail['data']!r}")
    payloads += [json.dumps(post, ensure_ascii=False) for post in inbox.hook.posts]
    return payloads


def test_planted_values_reach_the_lake_and_the_hr_role_reads_them(demo, keys_env):
    """The scan below proves something only if the planted values went through the pipeline:
    every one is in the raw zone, and the hr role reads in clear those the published model
    carries: employees' names, ID numbers and e-mail. No published table carries phones,
    accounts or addresses of persons, or base pay (payroll is published as gross pay), for any
    role: those are proven absent from role artefacts, by the scan, and present upstream."""
    entities = ("hr/employees", "hr/payroll", "erp/vendors", "erp/customers", "erp2/bp_master")
    raw = "\n".join(
        _lake_text(demo.paths, demo.paths.raw / entity / "batch=*" / "*.parquet")
        for entity in (*entities, "crm/contacts")
    )
    missing = [p.where for p in planted.ALL if not find(raw, p.forms)]
    assert missing == []
    con = _open(demo.paths, "hr", keys_env)
    try:
        cells = duckdb_text(con)
    finally:
        con.close()
    hr_reads = [planted.HR[c] for c in ("姓名", "身份证号", "邮箱")]
    assert [p.where for p in [*hr_reads, planted.HR_BAD_ID] if not find(cells, p.forms)] == []


def test_no_planted_value_reaches_anything_an_analyst_or_finance_user_reads(demo):
    """Role warehouses, column doc, scorecard, statements, GX docs and results, quality
    history, batch records, Dagster storage and logs, dbt logs, audit log, the commands'
    output and the alert e-mail and webhook: none holds a planted value, as written or as
    digits (the planted ID with a wrong check digit failed a check, so failing keys,
    results and docs of a failed check are among them)."""
    artefacts, unclassified = _artefacts(demo.paths.home)
    assert unclassified == [], "classify these as operator-only or role-readable"
    texts = {
        name: [(str(p.relative_to(demo.paths.home)), read_as_text(p)) for p in paths]
        for name, paths in artefacts.items()
    }
    texts["yecai command output"] = [(f"command {i}", t) for i, t in enumerate(demo.output)]
    texts["alert e-mail and webhook"] = [
        (f"alert {i}", t) for i, t in enumerate(_alert_payloads(demo.inbox))
    ]
    assert len(demo.inbox.mail.messages) == 1 and len(demo.inbox.hook.posts) == 1
    empty = [
        name
        for name, files in texts.items()
        if not files or (name not in MAY_BE_EMPTY and not any(t for _, t in files))
    ]
    assert empty == [], "a scan of nothing proves nothing"
    assert "raw_hr" in texts["alert e-mail and webhook"][0][1]  # the alert is about the cut file
    assert "national_id_check_digit" in "".join(t for _, t in texts["scorecard"])
    leaks = []
    for name, files in texts.items():
        values = {f: p for p in planted.ALL if p.kind not in ALLOWED.get(name, ()) for f in p.forms}
        for where, text in files:
            leaks += [f"{name}: {where}: {values[v].where}" for v in find(text, values)]
    assert leaks == [], "\n".join(leaks)


def _secrets(home: Path, keys_env: dict[str, str]) -> dict[str, str]:
    """Every key's text and what yecai derives from each and hands on (the DuckDB database
    secret dbt gets in its environment, the Parquet key), by name."""
    import base64

    from yecai.privacy.keys import load_key

    found = {}
    for purpose in ("token", "publish", "lake", "warehouse"):
        found[f"{purpose} key file"] = (
            Path(keys_env[f"YECAI_{purpose.upper()}_KEY_FILE"]).read_text().strip()
        )
        key = load_key(purpose, home, keys_env)
        found[f"{purpose} key, DuckDB secret"] = key.derive("duckdb").hex()
        found[f"{purpose} key, Parquet secret"] = base64.b64encode(key.derive("parquet")).decode()
    return found


def test_no_key_or_secret_derived_from_one_is_written_anywhere_in_the_home(demo, keys_env):
    """Keys live outside the home; what is derived from them goes to DuckDB and to dbt's
    environment, never to a file: not to dbt's own log (written by dbt, which yecai's log
    redaction does not reach), its run artefacts, Dagster's storage and logs, the audit log, or
    any data file. Scanned as bytes, every file of the home."""
    secrets = _secrets(demo.paths.home, keys_env)
    assert all(len(v) >= 32 for v in secrets.values())
    dbt_logs = list(demo.paths.home.glob("dbt/target/*/dbt.log"))
    assert dbt_logs, "no dbt log to scan"
    found = []
    for path in sorted(p for p in demo.paths.home.rglob("*") if p.is_file()):
        data = path.read_bytes()
        found += [
            f"{path.relative_to(demo.paths.home)}: {name}"
            for name, value in secrets.items()
            if value.encode() in data or value.upper().encode() in data
        ]
    assert found == []


# --- role copies and erasure (issue 13 phase 2); erasure last: it changes the home ---------

HR_EMPLOYEES = ("national_id", "bank_account", "phone", "email", "employee_name")


def _raw_values(home, entity: str, column: str) -> set[str]:
    glob = str(home.raw / entity / "batch=*" / "*.parquet")
    con = duckdb.connect()
    rows = con.execute(
        f"select distinct cast({column} as varchar) from {_lake_files(home, con, glob)} "
        f"where {column} is not null"
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


def test_files_holding_clear_personal_data_are_encrypted_and_unreadable_without_the_key(home):
    """The raw HR zone, its quarantine, the build warehouse and the published versions,
    written under the lake, warehouse and publish keys: DuckDB and PyArrow cannot read them
    without the key (the scan above shows their bytes hold no planted value either)."""
    import pyarrow.parquet as pq

    from yecai import build_warehouse
    from yecai.errors import YecaiError
    from yecai.privacy.encryption import is_encrypted_database
    from yecai.privacy.lake_crypto import is_encrypted_parquet

    # the HR entities whose contracts classify columns (org units classify none: clear)
    raw_hr = [f for e in ("employees", "payroll") for f in (home.raw / "hr" / e).rglob("*.parquet")]
    assert raw_hr and all(is_encrypted_parquet(f) for f in raw_hr)
    org_units = list((home.raw / "hr" / "org_units").rglob("*.parquet"))
    assert org_units and not any(is_encrypted_parquet(f) for f in org_units)
    with pytest.raises(Exception):  # noqa: B017 - PyArrow's error type varies by version
        pq.read_table(raw_hr[0])
    with pytest.raises(duckdb.Error):
        duckdb.connect().execute(f"select * from read_parquet('{raw_hr[0]}')").fetchall()
    assert is_encrypted_database(home.build_db)
    with pytest.raises(YecaiError, match="is encrypted and no warehouse key is set"):
        build_warehouse.connect(home.build_db, home=home.home, env={})
    # the published versions: a lake created under the publish key, catalog and data files
    versions = list(home.published_data.rglob("*.parquet"))
    assert versions and all(is_encrypted_parquet(f) for f in versions)
    assert not home.published_catalog.exists()
    for catalog in (home.published_encrypted_catalog, home.published_reader_catalog):
        assert is_encrypted_database(catalog)


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


def test_erase_without_the_publish_key_refuses_before_changing_anything(home, keys_env):
    """The hr copy is encrypted with the publish key and holds the person in clear: an erase
    that cannot re-write it would leave them there, so it stops before touching any file."""
    from yecai.privacy import audit

    person = planted.HR["身份证号"].value
    raw = home.raw / "hr" / "employees"
    before = {p: p.stat().st_mtime_ns for p in raw.rglob("*.parquet")}
    env = dict(
        os.environ, YECAI_HOME=str(home.home), YECAI_TOKEN_KEY_FILE=keys_env["YECAI_TOKEN_KEY_FILE"]
    )
    env.pop("YECAI_PUBLISH_KEY_FILE", None)
    env.pop("YECAI_PUBLISH_KEY", None)
    done = _yecai(env, "privacy", "erase", "--person", person, "--reason", "no key")
    said = " ".join((done.stdout + done.stderr).split())  # as one line, however it wrapped
    assert done.returncode != 0, said[-3000:]
    assert "nothing was changed" in said and "YECAI_PUBLISH_KEY" in said
    assert "Traceback" not in said
    assert {p: p.stat().st_mtime_ns for p in raw.rglob("*.parquet")} == before
    assert [e for e in audit.read(home) if e["action"] == "erase"] == []


def test_erasing_a_person_leaves_them_nowhere_and_the_books_balance(home, keys_env):
    from yecai.privacy import audit
    from yecai.privacy.erase import scan
    from yecai.published import connect

    ids = sorted(_raw_values(home, "hr/employees", "national_id"))
    person = ids[len(ids) // 2]
    glob = str(home.raw / "hr/employees" / "batch=*" / "*.parquet")
    con = duckdb.connect()
    row = con.execute(
        "select employee_name, phone, email, bank_account "
        f"from {_lake_files(home, con, glob)} where national_id = ? limit 1",
        [person],
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
