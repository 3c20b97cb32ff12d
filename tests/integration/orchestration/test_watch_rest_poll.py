"""The watch loop's poll of a REST source asks the API the way the source's settings say: its
auth, its paging and its incremental parameter. A real local HTTP API with bearer auth."""

from __future__ import annotations

import pytest

from ingestion.runner import ingest
from orchestration.watch import poll_sources
from tests.integration.ingestion.test_rest_sources import AUTHS, configure, make_store
from tests.shared.rest_test_api import start_api
from yecai.settings import Paths

pytestmark = pytest.mark.integration


@pytest.fixture
def home(tmp_path, monkeypatch):
    paths = Paths(home=tmp_path / "home")
    monkeypatch.setenv("YECAI_HOME", str(paths.home))
    return paths


def test_a_record_changed_at_the_api_is_seen_with_the_sources_own_auth(home, monkeypatch):
    store = make_store()
    api = start_api(store, AUTHS["bearer"][0])
    try:
        configure(home, monkeypatch, api, "cursor", "bearer")
        assert poll_sources(home).changed == ["api.invoices"]  # never landed
        [landed] = ingest(home, source="api")
        assert landed.status == "succeeded", landed.message

        asked = len(api.requests)
        quiet = poll_sources(home)
        assert (quiet.changed, quiet.unknown, quiet.errors) == ([], [], [])
        assert quiet.queries == 1 and len(api.requests) == asked + 1
        # the incremental parameter of the source's settings, one microsecond past the watermark
        assert "changed_since=2025-02-24T08%3A00%3A00.000001Z" in api.requests[-1]

        store["INV-0100"] = {
            **store["INV-0001"],
            "id": "INV-0100",
            "updated_at": "2025-03-02T10:30:00.000000Z",
        }
        assert poll_sources(home).changed == ["api.invoices"]
    finally:
        api.stop()


def test_refused_credentials_are_a_poll_error_that_says_what_to_set(home, monkeypatch):
    api = start_api(make_store(), AUTHS["bearer"][0])
    try:
        configure(home, monkeypatch, api, "cursor", "bearer")
        [landed] = ingest(home, source="api")
        assert landed.status == "succeeded", landed.message
        monkeypatch.setenv("TEST_API_TOKEN", "a-revoked-token")
        poll = poll_sources(home)
        assert poll.changed == [] and len(poll.errors) == 1
        assert poll.errors[0].startswith("api: ") and "TEST_API_TOKEN" in poll.errors[0]
        assert "a-revoked-token" not in poll.errors[0]
    finally:
        api.stop()


def test_an_api_that_cannot_be_asked_for_changes_is_left_to_the_daily_run(home, monkeypatch):
    store = make_store()
    api = start_api(store, AUTHS["bearer"][0])
    try:
        configure(home, monkeypatch, api, "cursor", "bearer", incremental=None)
        [landed] = ingest(home, source="api")
        assert landed.status == "succeeded", landed.message
        asked = len(api.requests)
        poll = poll_sources(home)
        assert (poll.changed, poll.unknown) == ([], ["api.invoices"])
        assert len(api.requests) == asked  # nothing asked: a whole read is the daily run's job
    finally:
        api.stop()
