"""The CRM over its real HTTP server: pagination, 429 back-off, soft deletes, missing keys."""

from __future__ import annotations

import sqlite3

import duckdb
import pytest

from demo.crm.advance import advance_crm
from demo.crm.generate import generate_crm
from demo.crm.server import start_crm_server
from demo.defects import DefectConfig, DefectLog
from demo.install import install_company
from demo.world import build_world
from ingestion.lake import committed_batches, read_manifest
from ingestion.runner import ingest
from yecai.settings import Paths

pytestmark = pytest.mark.integration

SEED = 11
TOKEN = "test-token-crm"


@pytest.fixture
def crm(tmp_path, monkeypatch):
    world = build_world(SEED, 0.01)
    log = DefectLog()
    db = tmp_path / "crm.sqlite"
    generate_crm(world, db, log, DefectConfig())
    # A tight rate limit, so the extraction really meets 429 + Retry-After.
    server = start_crm_server(db, token=TOKEN, max_requests_per_second=3)
    paths = Paths(home=tmp_path / "home")
    install_company(paths.home)  # the demo company's sources.yml names the CRM and its token
    monkeypatch.setenv("YECAI_HOME", str(paths.home))
    monkeypatch.setenv("YECAI_CRM_URL", server.url)
    monkeypatch.setenv("YECAI_CRM_TOKEN", TOKEN)
    yield paths, db, log
    server.stop()


def latest(paths: Paths, entity: str) -> dict[str, tuple]:
    glob = paths.raw / "crm" / entity / "batch=*" / "*.parquet"
    rows = duckdb.sql(
        f"""select _source_pk, _is_deleted, _row_hash from read_parquet('{glob}',
            hive_partitioning = false, union_by_name = true)
            qualify row_number() over (partition by _source_pk order by _batch_id desc) = 1"""
    ).fetchall()
    return {r[0]: (r[1], r[2]) for r in rows}


def all_rows(paths: Paths, entity: str) -> list[tuple]:
    glob = paths.raw / "crm" / entity / "batch=*" / "*.parquet"
    return duckdb.sql(
        f"select _source_pk, _row_hash from read_parquet('{glob}', hive_partitioning = false)"
    ).fetchall()


def test_crm_lands_every_record_and_picks_up_advance_once(crm):
    paths, db, log = crm
    first = ingest(paths, source="crm")
    assert {r.status for r in first} == {"succeeded"}, [r.message for r in first]
    store = sqlite3.connect(db)
    for entity in ("users", "accounts", "contacts", "opportunities"):
        ids = {r[0] for r in store.execute(f"select id from {entity}")}
        assert set(latest(paths, entity)) == ids, entity
        deleted = {
            r[0] for r in store.execute(f"select id from {entity} where deleted_at is not null")
        }
        assert {k for k, (d, _) in latest(paths, entity).items() if d} == deleted

    # missing_key in ground truth: opportunities without an account, landed and reported
    expected_missing = log.keys("missing_key", "crm", "opportunities")
    assert expected_missing
    [batch] = committed_batches(paths, "crm", "opportunities")
    warned = read_manifest(batch)["warnings"]["missing reference: account_id is empty"]
    assert sorted(warned) == sorted(expected_missing)

    before = {e: all_rows(paths, e) for e in ("accounts", "contacts", "opportunities")}
    changes = DefectLog()
    advance_crm(db, 7, SEED, changes)
    second = ingest(paths, source="crm")
    assert {r.status for r in second} <= {"succeeded", "no_change"}
    for entity in ("accounts", "contacts", "opportunities"):
        now = latest(paths, entity)
        store_rows = {r[0]: r[1] for r in store.execute(f"select id, deleted_at from {entity}")}
        assert set(now) == set(store_rows), entity
        assert {k for k, (d, _) in now.items() if d} == {
            k for k, v in store_rows.items() if v is not None
        }
        new_keys = changes.keys("new_record", "crm", entity)
        assert new_keys <= set(now) and not new_keys & {k for k, _ in before[entity]}
        # nothing twice: no (key, hash) pair landed in two batches
        rows = all_rows(paths, entity)
        assert len(rows) == len(set(rows)), entity
    deleted = changes.keys("deleted_record", "crm", "opportunities")
    assert deleted and all(latest(paths, "opportunities")[k][0] for k in deleted)
    third = ingest(paths, source="crm")
    assert {r.status for r in third} == {"no_change"}


def test_wrong_token_fails_the_batch_with_what_to_do(crm, monkeypatch):
    paths, _db, _log = crm
    monkeypatch.setenv("YECAI_CRM_TOKEN", "wrong")
    [result] = ingest(paths, source="crm", entity="users")
    assert result.status == "failed"
    assert "401" in result.message and "YECAI_CRM_TOKEN" in result.message
    assert not (paths.raw / "crm").exists()


def test_unreachable_crm_fails_after_bounded_retries(crm, monkeypatch):
    paths, _db, _log = crm
    monkeypatch.setenv("YECAI_CRM_URL", "http://127.0.0.1:9")  # nothing listens there
    import ingestion.connectors.rest as rest

    monkeypatch.setattr(rest, "DEFAULT_POLICY", rest.RetryPolicy(max_attempts=3, base_delay=0.01))
    [result] = ingest(paths, source="crm", entity="accounts")
    assert result.status == "failed"
    assert "after 3 attempts" in result.message and "YECAI_CRM_URL" in result.message
