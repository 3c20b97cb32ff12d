"""REST sources nobody has seen, configured in sources.yml and read from a real local HTTP API:
every paging style and every auth end to end into the raw zone, then the faults."""

from __future__ import annotations

from decimal import Decimal

import duckdb
import pytest

from ingestion.lake import committed_batches, quarantine_dir
from ingestion.runner import ingest
from tests.shared.company_config import write_company
from tests.shared.raw_zone import latest_versions
from tests.shared.rest_test_api import Auth, start_api
from yecai.settings import Paths

pytestmark = pytest.mark.integration

CONTRACT = """\
description: invoices of the test API
primary_key: [id]
cursor: updated_at
columns:
  - {name: id, type: varchar, nullable: false}
  - {name: customer, type: varchar}
  - {name: amount, type: "decimal(18,2)", nullable: false}
  - {name: currency, type: varchar, nullable: false}
  - {name: issued_on, type: date}
  - {name: updated_at, type: timestamp, nullable: false}
"""

STYLES = {
    "cursor": (
        "/cursor/invoices",
        "result.items",
        {
            "type": "cursor",
            "cursor_path": "paging.next",
            "cursor_param": "after",
            "page_size_param": "limit",
            "page_size": 5,
        },
    ),
    "next_link": (
        "/next_link/invoices",
        "items",
        {
            "type": "next_link",
            "next_path": "links.next",
            "page_size_param": "per_page",
            "page_size": 4,
        },
    ),
    "offset": (
        "/offset/invoices",
        "records",
        {
            "type": "offset",
            "offset_param": "offset",
            "page_size_param": "limit",
            "page_size": 5,
            "total_path": "total",
        },
    ),
    "page_number": (
        "/page/invoices",
        "data.rows",
        {
            "type": "page_number",
            "page_param": "page",
            "page_size_param": "per_page",
            "page_size": 5,
            "total_pages_path": "meta.total_pages",
        },
    ),
    "link_header": (
        "/link_header/invoices",
        "$",
        {"type": "link_header", "page_size_param": "per_page", "page_size": 5},
    ),
}

# server side, rest.auth, environment
AUTHS = {
    "bearer": (
        Auth("bearer", "tok-1"),
        {"type": "bearer", "token_env": "TEST_API_TOKEN"},
        {"TEST_API_TOKEN": "tok-1"},
    ),
    "api_key": (
        Auth("api_key", "key-2", name="X-Api-Key"),
        {"type": "api_key", "name": "X-Api-Key", "key_env": "TEST_API_KEY"},
        {"TEST_API_KEY": "key-2"},
    ),
    "basic": (
        Auth("basic", "ann:pw-3"),
        {"type": "basic", "username_env": "TEST_API_USER", "password_env": "TEST_API_PASSWORD"},
        {"TEST_API_USER": "ann", "TEST_API_PASSWORD": "pw-3"},
    ),
}

BAD_AMOUNT = "INV-0008"
DELETED = {"INV-0005", "INV-0017"}
BIG = "INV-0003"  # an amount a float would round: 12345678901234.57


def make_store() -> dict[str, dict]:
    store = {}
    for i in range(1, 25):
        rid = f"INV-{i:04d}"
        amount: object = f"{i * 100}.{i:02d}" if i % 2 == 0 else float(f"{i * 10}.{i:02d}")
        if rid == BIG:
            amount = 12345678901234.57
        if rid == BAD_AMOUNT:
            amount = "n/a"
        store[rid] = {
            "id": rid,
            "customer": f"C{i % 7}",
            "amount": amount,
            "currency": "CNY",
            "issued_on": f"2025-01-{i:02d}",
            "updated_at": f"2025-02-{i:02d}T08:00:00.000000Z",
            "deleted": rid in DELETED,
        }
    return store


def configure(paths: Paths, monkeypatch, api, style: str, auth_name: str | None, **rest_extra):
    endpoint, records_path, paginator = STYLES[style]
    rest = {
        "records_path": records_path,
        "paginator": paginator,
        "incremental": {"param": "changed_since", "format": "iso_z"},
        "deleted_field": "deleted",
        "retry": {"max_attempts": 3, "base_delay": 0.05, "max_delay": 2},
        **rest_extra,
    }
    if auth_name is not None:
        rest["auth"] = AUTHS[auth_name][1]
        for k, v in AUTHS[auth_name][2].items():
            monkeypatch.setenv(k, v)
    monkeypatch.setenv("TEST_API_URL", api.url)
    write_company(
        paths,
        {
            "api": {
                "kind": "rest",
                "url_env": "TEST_API_URL",
                "lookback_days": 0,
                "rest": rest,
                "entities": {"invoices": {"endpoint": endpoint}},
            }
        },
        {("api", "invoices"): CONTRACT},
    )


def latest(paths: Paths) -> dict[str, tuple]:
    return latest_versions(paths, "api", "invoices", "_is_deleted", "amount")


def quarantined(paths: Paths) -> list[tuple[str, str]]:
    glob = quarantine_dir(paths, "api", "invoices") / "batch=*" / "*.parquet"
    return duckdb.sql(
        f"select _source_pk, _reason from read_parquet('{glob}', hive_partitioning = false)"
    ).fetchall()


@pytest.fixture
def home(tmp_path, monkeypatch):
    paths = Paths(home=tmp_path / "home")
    monkeypatch.setenv("YECAI_HOME", str(paths.home))
    return paths


@pytest.mark.parametrize("auth", sorted(AUTHS))
@pytest.mark.parametrize("style", sorted(STYLES))
def test_each_paging_style_and_auth_lands_every_record_then_only_changes(
    home, monkeypatch, style, auth
):
    store = make_store()
    api = start_api(store, AUTHS[auth][0])
    try:
        configure(home, monkeypatch, api, style, auth)
        [first] = ingest(home, source="api")
        assert first.status == "succeeded", first.message
        # rows read = landed + quarantined, and read = every record the API served
        assert first.rows_read == len(store) == first.rows_landed + first.rows_quarantined
        assert first.rows_quarantined == 1
        assert [k for k, _ in quarantined(home)] == [BAD_AMOUNT]
        assert "amount" in quarantined(home)[0][1]
        now = latest(home)
        assert set(now) == set(store) - {BAD_AMOUNT}
        assert {k for k, (deleted, _) in now.items() if deleted} == DELETED
        assert now[BIG][1] == Decimal("12345678901234.57")  # never through a float
        assert now["INV-0004"][1] == Decimal("400.04")

        # The source changes: one record edited, one added. The next read asks only for
        # changes since the watermark (look-back 0 here) and lands just those.
        store["INV-0002"] = {
            **store["INV-0002"],
            "amount": "999.99",
            "updated_at": "2025-03-01T09:00:00.000000Z",
        }
        store["INV-0100"] = {
            **store["INV-0001"],
            "id": "INV-0100",
            "updated_at": "2025-03-02T10:30:00.000000Z",
        }
        asked_before = len(api.requests)
        [second] = ingest(home, source="api")
        assert second.status == "succeeded", second.message
        assert "changed_since=2025-02-24T08%3A00%3A00Z" in api.requests[asked_before]
        assert second.rows_landed == 2 and second.rows_quarantined == 0
        assert second.rows_unchanged == 1  # INV-0024, at the watermark, read again unchanged
        now = latest(home)
        assert now["INV-0002"][1] == Decimal("999.99") and "INV-0100" in now
        assert set(now) == set(store) - {BAD_AMOUNT}
    finally:
        api.stop()


def test_api_key_in_the_query_is_sent_and_never_shown(home, monkeypatch):
    api = start_api(make_store(), Auth("api_key_query", "q-secret", name="api_key"))
    try:
        configure(
            home,
            monkeypatch,
            api,
            "cursor",
            None,
            auth={
                "type": "api_key",
                "name": "api_key",
                "key_env": "TEST_Q_KEY",
                "location": "query",
            },
        )
        monkeypatch.setenv("TEST_Q_KEY", "q-secret")
        [ok] = ingest(home, source="api")
        assert ok.status == "succeeded" and ok.rows_read == 24, ok.message
        monkeypatch.setenv("TEST_Q_KEY", "wrong")
        [refused] = ingest(home, source="api", full_refresh=True)
    finally:
        api.stop()
    assert refused.status == "failed" and "401" in refused.message
    assert "TEST_Q_KEY" in refused.message and "wrong" not in refused.message


@pytest.mark.parametrize("auth", sorted(AUTHS))
def test_wrong_credentials_fail_naming_the_variables(home, monkeypatch, auth):
    api = start_api(make_store(), AUTHS[auth][0])
    try:
        configure(home, monkeypatch, api, "cursor", auth)
        for name in AUTHS[auth][2]:
            monkeypatch.setenv(name, "not-it")
        [result] = ingest(home, source="api")
    finally:
        api.stop()
    assert result.status == "failed"
    assert "HTTP 401" in result.message
    assert all(name in result.message for name in AUTHS[auth][2])
    assert "not-it" not in result.message
    assert not (home.raw / "api").exists()


def test_missing_credential_variable_is_named_before_any_request(home, monkeypatch):
    api = start_api(make_store(), AUTHS["basic"][0])
    try:
        configure(home, monkeypatch, api, "offset", "basic")
        monkeypatch.delenv("TEST_API_PASSWORD")
        [result] = ingest(home, source="api")
    finally:
        api.stop()
    assert result.status == "failed" and "TEST_API_PASSWORD" in result.message
    assert api.requests == []


def test_429_waits_for_retry_after_then_lands(home, monkeypatch):
    api = start_api(make_store(), throttle_first=True)
    try:
        configure(home, monkeypatch, api, "page_number", None)
        [result] = ingest(home, source="api")
    finally:
        api.stop()
    assert result.status == "succeeded" and result.rows_read == 24, result.message
    assert api.requests[0] == api.requests[1]  # the throttled request, asked again


# --- faults: each fails the batch with one line naming the URL and what was expected -----


def fault_config(home, monkeypatch, api, kind: str, **rest_extra):
    configure(home, monkeypatch, api, "cursor", None, **rest_extra)
    text = home.sources_config.read_text().replace("/cursor/invoices", f"/fault/{kind}/invoices")
    home.sources_config.write_text(text)


FAULT_CASES = [
    ("missing_cursor", {}, ["page 2", "without 'paging.next'", "nothing landed"]),
    ("repeated_cursor", {}, ["page 2", "cursor already given on page 1", "loop"]),
    ("endless", {"max_pages": 5}, ["read 5 pages (rest.max_pages)", "still has more"]),
    ("array_body", {}, ["a JSON array of 5 item(s)", "expected a JSON object", "'result.items'"]),
    ("no_records_path", {}, ["without 'result.items'", "keys: results, paging"]),
    ("html", {}, ["text/html", "Please sign in", "expected a JSON answer"]),
    ("invalid_json", {}, ["invalid JSON", "expected a JSON answer"]),
]


@pytest.mark.parametrize("kind, extra, phrases", FAULT_CASES, ids=[c[0] for c in FAULT_CASES])
def test_faulty_api_fails_the_batch_with_one_clear_line(home, monkeypatch, kind, extra, phrases):
    api = start_api(make_store())
    try:
        fault_config(home, monkeypatch, api, kind, **extra)
        [result] = ingest(home, source="api")
    finally:
        api.stop()
    assert result.status == "failed"
    assert f"/fault/{kind}/invoices" in result.message  # the URL it asked
    for phrase in phrases:
        assert phrase in result.message, result.message
    assert "\n" not in result.message and "Traceback" not in result.message
    assert "unexpected" not in result.message  # a YecaiError, not an AttributeError
    assert result.rows_read == result.rows_landed == 0
    assert not committed_batches(home, "api", "invoices")  # nothing landed as succeeded
    assert len(api.requests) <= 5  # bounded: no endless polling


def test_repeated_next_link_and_ignored_offset_are_caught(home, monkeypatch):
    api = start_api(make_store())
    try:
        configure(home, monkeypatch, api, "next_link", None)
        text = home.sources_config.read_text()
        home.sources_config.write_text(
            text.replace("/next_link/invoices", "/fault/repeated_link/invoices")
        )
        [link] = ingest(home, source="api")
        configure(home, monkeypatch, api, "offset", None)
        text = home.sources_config.read_text()
        home.sources_config.write_text(
            text.replace("/offset/invoices", "/fault/ignored_offset/invoices")
        )
        [offset] = ingest(home, source="api")
    finally:
        api.stop()
    assert link.status == "failed" and "next link already given on page" in link.message
    assert offset.status == "failed"
    assert "same records as the page before" in offset.message and "'offset'" in offset.message
    assert not committed_batches(home, "api", "invoices")
