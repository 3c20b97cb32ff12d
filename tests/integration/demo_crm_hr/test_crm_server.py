"""The demo CRM's real HTTP server: auth, pagination, updated_since, rate limit, deletes."""

from __future__ import annotations

import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import httpx
import pytest

from demo import defects as dk
from demo.crm.advance import advance_crm
from demo.crm.generate import generate_crm
from demo.crm.server import start_crm_server
from demo.defects import DefectConfig, DefectLog
from demo.errors import DemoError
from demo.world import build_world

pytestmark = pytest.mark.integration

TOKEN = "s3cret-test-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def crm_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("crm") / "crm.sqlite"
    generate_crm(build_world(seed=21, scale=0.02), db, DefectLog(), DefectConfig())
    return db


@pytest.fixture(scope="module")
def server(crm_db):
    with start_crm_server(crm_db, token=TOKEN, max_requests_per_second=0) as running:
        yield running


@pytest.fixture
def client(server):
    with httpx.Client(base_url=server.url, headers=AUTH, timeout=10) as c:
        yield c


def db_rows(db: Path, sql: str, params=()) -> list[tuple]:
    con = sqlite3.connect(db)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def page_all(client: httpx.Client, entity: str, **params) -> list[dict]:
    records, cursor = [], None
    for _ in range(10_000):
        query = dict(params, **({"cursor": cursor} if cursor else {}))
        body = client.get(f"/api/v1/{entity}", params=query).raise_for_status().json()
        records.extend(body["data"])
        cursor = body["next_cursor"]
        if cursor is None:
            return records
    raise AssertionError("pagination never ended")


def test_health_needs_no_token(server):
    r = httpx.get(f"{server.url}/health")
    assert r.status_code == 200 and r.json() == {"status": "ok"}


@pytest.mark.parametrize(
    "headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}]
)
def test_missing_or_wrong_token_is_401(server, headers):
    r = httpx.get(f"{server.url}/api/v1/accounts", headers=headers)
    assert r.status_code == 401
    assert r.headers["WWW-Authenticate"].startswith("Bearer")
    assert "Bearer" in r.json()["message"]


@pytest.mark.parametrize(
    ("entity", "limit"), [("accounts", 7), ("opportunities", 50), ("users", 4)]
)
def test_pagination_returns_every_record_exactly_once(client, crm_db, entity, limit):
    records = page_all(client, entity, limit=limit)
    ids = [r["id"] for r in records]
    assert len(ids) == len(set(ids))
    assert set(ids) == {row[0] for row in db_rows(crm_db, f"select id from {entity}")}
    keys = [(r["updated_at"], r["id"]) for r in records]
    assert keys == sorted(keys)


def test_updated_since_filters_in_any_timezone(client, crm_db):
    stamps = sorted(row[0] for row in db_rows(crm_db, "select updated_at from opportunities"))
    since = stamps[len(stamps) // 2]  # e.g. 2025-07-01T03:04:05.123456Z
    expected = {
        row[0]
        for row in db_rows(crm_db, "select id from opportunities where updated_at >= ?", (since,))
    }
    got = page_all(client, "opportunities", updated_since=since, limit=40)
    assert {r["id"] for r in got} == expected
    assert all(r["updated_at"] >= since for r in got)
    # The same instant written in China time selects the same records.
    utc = datetime.strptime(since, "%Y-%m-%dT%H:%M:%S.%fZ")
    china = (utc + timedelta(hours=8)).replace(tzinfo=timezone(timedelta(hours=8)))
    assert {
        r["id"] for r in page_all(client, "opportunities", updated_since=china.isoformat())
    } == expected


def test_money_is_a_decimal_string_with_its_currency(client):
    for opp in client.get("/api/v1/opportunities", params={"limit": 100}).json()["data"]:
        assert isinstance(opp["amount"], str)
        assert Decimal(opp["amount"]).as_tuple().exponent == -2
        assert opp["currency"] in {"CNY", "USD", "SGD"}
        assert isinstance(opp["deleted"], bool)


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/v1/accounts?limit=0", 400),
        ("/api/v1/accounts?limit=abc", 400),
        ("/api/v1/accounts?cursor=garbage!", 400),
        ("/api/v1/accounts?updated_since=yesterday", 400),
        ("/api/v1/invoices", 404),
        ("/nothing", 404),
    ],
)
def test_bad_requests_get_a_json_error_that_says_what_to_do(client, path, status):
    r = client.get(path)
    assert r.status_code == status
    assert r.json()["message"]


def test_writes_are_refused(client):
    assert client.post("/api/v1/accounts", json={}).status_code == 405


def test_rate_limit_answers_429_with_retry_after_then_recovers(crm_db):
    with (
        start_crm_server(crm_db, token=TOKEN, max_requests_per_second=3) as srv,
        httpx.Client(base_url=srv.url, headers=AUTH, timeout=10) as c,
    ):
        statuses = [c.get("/api/v1/users", params={"limit": 1}) for _ in range(8)]
        limited = [r for r in statuses if r.status_code == 429]
        assert limited, [r.status_code for r in statuses]
        assert sum(r.status_code == 200 for r in statuses) <= 3
        wait = int(limited[0].headers["Retry-After"])
        assert 1 <= wait <= 2
        time.sleep(wait)
        assert c.get("/api/v1/users", params={"limit": 1}).status_code == 200


def test_changes_after_advance_show_up_incrementally_with_deletes(tmp_path):
    db = tmp_path / "crm.sqlite"
    generate_crm(build_world(seed=4, scale=0.02), db, DefectLog(), DefectConfig.none())
    watermark = db_rows(db, "select max(updated_at) from opportunities")[0][0]
    log = DefectLog()
    advance_crm(db, days=7, seed=4, defect_log=log)
    with (
        start_crm_server(db, token=TOKEN, max_requests_per_second=0) as srv,
        httpx.Client(base_url=srv.url, headers=AUTH, timeout=10) as c,
    ):
        for entity in ("opportunities", "contacts"):
            changed = {r["id"]: r for r in page_all(c, entity, updated_since=watermark, limit=25)}
            deleted = log.keys(dk.DELETED_RECORD, "crm", entity)
            assert deleted
            for key in deleted:
                assert changed[key]["deleted"] is True
                assert changed[key]["deleted_at"]
            touched = {d.key for d in log.entries if d.entity == entity}
            assert touched <= set(changed)
            assert all(not r["deleted"] for k, r in changed.items() if k not in deleted)


def test_pages_stay_consistent_while_the_crm_changes(tmp_path):
    """A record edited mid-sync moves behind the cursor: seen again, nothing skipped."""
    db = tmp_path / "crm.sqlite"
    generate_crm(build_world(seed=8, scale=0.02), db, DefectLog(), DefectConfig.none())
    before = {row[0] for row in db_rows(db, "select id from opportunities")}
    with (
        start_crm_server(db, token=TOKEN, max_requests_per_second=0) as srv,
        httpx.Client(base_url=srv.url, headers=AUTH, timeout=10) as c,
    ):
        first = c.get("/api/v1/opportunities", params={"limit": 30}).json()
        advance_crm(db, days=5, seed=8, defect_log=DefectLog())
        seen = {r["id"] for r in first["data"]}
        cursor = first["next_cursor"]
        while cursor:
            body = c.get("/api/v1/opportunities", params={"limit": 30, "cursor": cursor}).json()
            seen |= {r["id"] for r in body["data"]}
            cursor = body["next_cursor"]
    assert before <= seen


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_crm_serve_command_serves_the_store_under_yecai_home(crm_db, tmp_path):
    home = tmp_path / "home"
    (home / "demo").mkdir(parents=True)
    shutil.copy(crm_db, home / "demo" / "crm.sqlite")
    port = free_port()
    driver = (
        "import typer; from orchestration.commands import demo_crm_cmd; "
        "app = typer.Typer(); demo_crm_cmd.register(app); app.callback()(lambda: None); app()"
    )
    env = dict(os.environ, YECAI_HOME=str(home), YECAI_CRM_TOKEN="from-env", COLUMNS="200")
    proc = subprocess.Popen(
        [sys.executable, "-c", driver, "crm-serve", "--port", str(port), "--quiet"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        r = httpx.get(f"{url}/api/v1/users", headers={"Authorization": "Bearer from-env"})
        assert r.status_code == 200 and r.json()["data"]
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=10)
    assert url in out


def test_missing_store_and_busy_port_are_user_errors(crm_db, server, tmp_path):
    with pytest.raises(DemoError, match="does not exist"):
        start_crm_server(tmp_path / "nope.sqlite", token=TOKEN)
    busy_port = int(server.url.rsplit(":", 1)[1])
    with pytest.raises(DemoError, match="another --port"):
        start_crm_server(crm_db, port=busy_port, token=TOKEN)


def test_store_removed_under_a_running_server_is_503_not_a_crash(tmp_path):
    db = tmp_path / "crm.sqlite"
    generate_crm(build_world(seed=2, scale=0.02), db, DefectLog(), DefectConfig.none())
    with start_crm_server(db, token=TOKEN, max_requests_per_second=0) as srv:
        db.unlink()
        r = httpx.get(f"{srv.url}/api/v1/accounts", headers=AUTH)
        assert r.status_code == 503 and r.headers["Retry-After"] == "1"
        assert "unavailable" in r.json()["message"]
