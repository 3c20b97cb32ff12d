"""Re-validating landed rows after a contract is tightened: the CRM's opportunities landed, then
account_id made required; the records the demo's defect log says have none are withdrawn
(quarantine + tombstones, one batch, rows conserved) and dbt's staging no longer sees them."""

from __future__ import annotations

import shutil

import duckdb
import pytest

from demo.crm.generate import generate_crm
from demo.crm.server import start_crm_server
from demo.defects import DefectConfig, DefectLog
from demo.world import build_world
from ingestion.batches import read_batch_records
from ingestion.lake import committed_batches, quarantine_dir, read_manifest
from ingestion.revalidate import revalidate
from ingestion.runner import ingest
from tests.orchestration.demo_helpers import yecai
from tests.shared.company_config import (
    DEMO_COMPANY,
    DEMO_CONTRACTS,
    contracts_root,
    demo_source,
    write_company,
)
from tests.shared.raw_zone import latest_versions
from tests.shared.rest_test_api import start_api
from tests.transform.dbt_helpers import run_dbt
from yecai.settings import Paths

pytestmark = pytest.mark.integration

SEED = 11
TOKEN = "reval-token"


def latest(paths: Paths, source: str, entity: str) -> dict[str, tuple]:
    return latest_versions(paths, source, entity, "_is_deleted", "_batch_id")


def tighten(path, column: str, replacement: str) -> None:
    text = path.read_text()
    lines = [replacement if f"name: {column}," in line else line for line in text.splitlines()]
    assert lines != text.splitlines(), f"{column} not in {path}"
    path.write_text("\n".join(lines) + "\n")


@pytest.fixture
def crm_company(tmp_path, monkeypatch):
    world = build_world(SEED, 0.01)
    log = DefectLog()
    db = tmp_path / "crm.sqlite"
    generate_crm(world, db, log, DefectConfig())
    server = start_crm_server(db, token=TOKEN, max_requests_per_second=1000)
    paths = Paths(home=tmp_path / "home")
    monkeypatch.setenv("YECAI_HOME", str(paths.home))
    monkeypatch.setenv("YECAI_CRM_URL", server.url)
    monkeypatch.setenv("YECAI_CRM_TOKEN", TOKEN)
    write_company(
        paths,
        {
            "crm": {
                "kind": "rest",
                "url_env": "YECAI_CRM_URL",
                "rest": demo_source("crm")["rest"],
                "entities": {"opportunities": {"endpoint": "/api/v1/opportunities"}},
            }
        },
    )
    shutil.copytree(DEMO_CONTRACTS / "crm", contracts_root(paths) / "crm")
    # The demo company's dbt project with only the CRM's staging models (the registry names one source).
    shutil.copytree(
        DEMO_COMPANY / "dbt",
        paths.dbt_project,
        ignore=lambda folder, names: [
            n for n in names if folder.endswith("staging") and n != "crm"
        ],
    )
    yield paths, log
    server.stop()


def test_tightened_not_null_withdraws_exactly_the_logged_defects(crm_company):
    paths, log = crm_company
    [first] = ingest(paths, source="crm")
    assert first.status == "succeeded", first.message
    before = latest(paths, "crm", "opportunities")
    live = {k for k, (deleted, _) in before.items() if not deleted}
    missing = log.keys("missing_key", "crm", "opportunities")  # ground truth: no account_id
    expected = missing & live
    assert expected and len(expected) < len(live)

    contract = contracts_root(paths) / "crm" / "opportunities.yml"
    tighten(contract, "account_id", "  - {name: account_id, type: varchar, nullable: false}")
    [result] = revalidate(paths, source="crm", entity="opportunities")
    assert result.status == "succeeded", result.message
    # rows conserve: read (quarantined + tombstones) = landed (tombstones) + quarantined
    assert result.rows_read == result.rows_landed + result.rows_quarantined
    assert result.rows_quarantined == result.rows_landed == result.rows_deleted == len(expected)
    assert result.rows_unchanged == len(live) - len(expected)
    assert result.watermark == first.watermark  # the next extraction starts where it did

    after = latest(paths, "crm", "opportunities")
    assert {k for k in live if after[k][0]} == expected  # withdrawn: tombstones
    untouched = live - expected
    assert all(after[k] == before[k] for k in untouched)  # rows that pass are not rewritten
    batch = committed_batches(paths, "crm", "opportunities")[-1]
    manifest = read_manifest(batch)
    assert manifest["batch_id"] == result.batch_id and manifest["rows"] == len(expected)
    assert manifest["revalidation"]["records_withdrawn"] == len(expected)
    record = next(r for r in read_batch_records(paths) if r["batch_id"] == result.batch_id)
    assert record["rows_read"] == record["rows_landed"] + record["rows_quarantined"]
    qglob = quarantine_dir(paths, "crm", "opportunities") / f"batch={result.batch_id}" / "*"
    reasons = duckdb.sql(
        f"select _source_pk, _reason from read_parquet('{qglob}', hive_partitioning = false)"
    ).fetchall()
    assert {k for k, _ in reasons} == expected
    assert {r for _, r in reasons} == {"column account_id: empty in a required column"}

    # Nothing more fails: a second revalidation changes nothing.
    [again] = revalidate(paths, source="crm", entity="opportunities")
    assert again.status == "no_change" and again.rows_unchanged == len(untouched)

    # dbt's staging reads the current view: the withdrawn records are gone from it.
    paths.build_db.parent.mkdir(parents=True, exist_ok=True)
    run_dbt(paths.home, paths.build_db, "run", "--select", "stg_crm__opportunities")
    staged = duckdb.connect(str(paths.build_db), read_only=True)
    try:
        ids = {
            r[0]
            for r in staged.execute(
                "select opportunity_id from staging.stg_crm__opportunities"
            ).fetchall()
        }
    finally:
        staged.close()
    assert ids == untouched  # every live record that passes, none withdrawn

    # The next extraction keeps them withdrawn: re-read rows that still fail are quarantined.
    [later] = ingest(paths, source="crm")
    assert later.status in ("succeeded", "no_change"), later.message
    assert later.rows_read == later.rows_landed + later.rows_quarantined
    assert all(latest(paths, "crm", "opportunities")[k][0] for k in expected)


CONTRACT = """\
primary_key: [id]
cursor: updated_at
columns:
  - {name: id, type: varchar, nullable: false}
  - {name: amount, type: varchar}
  - {name: currency, type: varchar}
  - {name: updated_at, type: timestamp, nullable: false}
"""


def test_tightened_type_withdraws_rows_that_no_longer_cast_via_the_cli(tmp_path, monkeypatch):
    paths = Paths(home=tmp_path / "home")
    monkeypatch.setenv("YECAI_HOME", str(paths.home))
    store = {
        f"R{i}": {
            "id": f"R{i}",
            "amount": "n/a" if i in (2, 5) else f"{i}.25",
            "currency": "CNY",
            "updated_at": f"2025-01-0{i}T00:00:00.000000Z",
        }
        for i in range(1, 8)
    }
    api = start_api(store)
    try:
        monkeypatch.setenv("LEDGER_URL", api.url)
        write_company(
            paths,
            {
                "ledger": {
                    "kind": "rest",
                    "url_env": "LEDGER_URL",
                    "rest": {
                        "records_path": "records",
                        "paginator": {
                            "type": "offset",
                            "offset_param": "offset",
                            "page_size_param": "limit",
                            "page_size": 3,
                        },
                    },
                    "entities": {"entries": {"endpoint": "/offset/invoices"}},
                }
            },
            {("ledger", "entries"): CONTRACT},
        )
        [landed] = ingest(paths, source="ledger")
    finally:
        api.stop()
    assert landed.status == "succeeded" and landed.rows_landed == 7, landed.message
    tighten(
        contracts_root(paths) / "ledger" / "entries.yml",
        "amount",
        '  - {name: amount, type: "decimal(18,2)"}',
    )
    done = yecai("ingest", "--revalidate", "--source", "ledger")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "withdrawn" in done.stdout and "2 of 7" in done.stdout
    now = latest(paths, "ledger", "entries")
    assert {k for k, (deleted, _) in now.items() if deleted} == {"R2", "R5"}
    [record] = [r for r in read_batch_records(paths) if "revalidation" in r["message"]]
    assert (record["rows_read"], record["rows_landed"], record["rows_quarantined"]) == (4, 2, 2)
    assert "is not a valid decimal(18,2)" in record["message"]
