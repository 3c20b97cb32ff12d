"""On a generated demo's raw zone: every column that looks sensitive is tagged, and every file
and folder yecai wrote under the home is private.

The demo (seed 42, scale 0.01) is generated and extracted with the real ``yecai`` commands
(its CRM served over HTTP). The detector samples each landed and quarantined entity's values,
so a column that holds ID numbers, cards, phones or e-mails under an innocent name would fail
this test until its contract tags it.
"""

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
from yecai.settings import REPO_ROOT, Paths

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

YECAI = Path(sys.executable).parent / "yecai"
SAMPLE = 300


def _yecai(env, *args, timeout=1800):
    return subprocess.run(
        [str(YECAI), *args], cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    home = tmp_path_factory.mktemp("privacy-demo")
    env = dict(os.environ, YECAI_HOME=str(home))
    done = _yecai(env, "demo", "generate", "--seed", "42", "--scale", "0.01", timeout=900)
    assert done.returncode == 0, done.stderr[-2000:]
    with serve_demo_crm(env, "privacy-e2e-token"):
        done = _yecai(env, "ingest")
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
