"""What the data dictionary keeps of dbt's manifest: published relations, and lineage through
what is not published down to the sources."""

import http.client
import threading

import pytest

from orchestration.data_dictionary import (
    OVERVIEW,
    filter_catalog,
    filter_manifest,
    make_server,
    published_node_ids,
)
from yecai.errors import YecaiError

pytestmark = pytest.mark.unit


def _node(uid: str, schema: str, parents: list[str] = (), materialized: str = "table") -> dict:
    kind, _, name = uid.split(".")
    return {
        "unique_id": uid,
        "resource_type": kind,
        "name": name,
        "alias": name,
        "schema": schema,
        "config": {"materialized": materialized, "enabled": True},
        "depends_on": {"nodes": list(parents), "macros": ["macro.p.m"]},
    }


SRC = "source.co.books.lines"
STG = "model.p.stg_books__lines"
INT = "model.p.int_ledger__joined"
CHART = "seed.p.group_chart"
LEDGER = "model.p.ledger"
TB = "model.p.trial_balance"
TEST_TB = "test.p.not_null_trial_balance"
TEST_STG = "test.p.unique_stg_books__lines"
TEST_REL = "test.p.relationships_ledger_stg"


def _manifest() -> dict:
    nodes = [
        _node(STG, "staging", [SRC], "view"),
        _node(INT, "finance", [STG, CHART]),
        _node(CHART, "master_seeds", materialized="seed"),
        _node(LEDGER, "canonical", [INT]),
        _node(TB, "finance", [LEDGER, CHART]),
        _node(TEST_TB, "dbt_test__audit", [TB], "test"),
        _node(TEST_STG, "dbt_test__audit", [STG], "test"),
        _node(TEST_REL, "dbt_test__audit", [LEDGER, STG], "test"),
    ]
    by_id = {n["unique_id"]: n for n in nodes}
    return {
        "metadata": {"project_name": "co"},
        "nodes": by_id,
        "sources": {SRC: {"unique_id": SRC}, "source.co.books.unused": {}},
        "macros": {"macro.p.m": {}},
        "docs": {"doc.dbt.__overview__": {"name": "__overview__", "block_contents": "dbt"}},
        "parent_map": {uid: n["depends_on"]["nodes"] for uid, n in by_id.items()} | {SRC: []},
        "exposures": {"exposure.p.x": {}},
    }


def test_only_published_relations_are_kept():
    kept = filter_manifest(_manifest())
    assert published_node_ids(kept) == {CHART, LEDGER, TB}
    assert STG not in kept["nodes"] and INT not in kept["nodes"]
    assert kept["macros"] == {} and kept["exposures"] == {}
    assert kept["nodes"][TB]["relation_name"] == "published.finance.trial_balance"
    assert kept["metadata"]["send_anonymous_usage_stats"] is False  # no tracker loaded


def test_lineage_passes_through_unpublished_models_to_the_sources():
    kept = filter_manifest(_manifest())
    # ledger ← int_ (internal) ← staging (not published) ← source and the chart seed
    assert kept["parent_map"][LEDGER] == [CHART, SRC]
    assert kept["nodes"][LEDGER]["depends_on"]["nodes"] == [CHART, SRC]
    assert kept["parent_map"][TB] == [LEDGER, CHART]
    assert kept["child_map"][SRC] == [LEDGER]
    assert list(kept["sources"]) == [SRC]  # a source nothing published reads is left out


def test_tests_stay_only_on_published_relations():
    kept = filter_manifest(_manifest())
    assert TEST_TB in kept["nodes"]
    assert TEST_STG not in kept["nodes"] and TEST_REL not in kept["nodes"]


def test_the_overview_describes_the_dictionary():
    kept = filter_manifest(_manifest())
    assert kept["docs"]["doc.dbt.__overview__"]["block_contents"] == OVERVIEW


def test_the_catalog_follows_the_manifest():
    catalog = {"nodes": {TB: {}, STG: {}}, "sources": {SRC: {}, "source.co.books.unused": {}}}
    kept = filter_catalog(catalog, filter_manifest(_manifest()))
    assert set(kept["nodes"]) == {TB} and set(kept["sources"]) == {SRC}


def test_the_server_serves_the_site_files_and_nothing_else(tmp_path):
    for name in ("index.html", "manifest.json", "catalog.json", "secret.txt"):
        (tmp_path / name).write_text(name, encoding="utf-8")
    server = make_server(tmp_path, 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        port = server.server_address[1]

        def get(path: str) -> tuple[int, bytes]:
            con = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            con.request("GET", path)
            response = con.getresponse()
            return response.status, response.read()

        assert get("/") == (200, b"index.html")
        assert get("/manifest.json?cb=1") == (200, b"manifest.json")
        assert get("/secret.txt")[0] == 404
        assert get("/../secret.txt")[0] == 404
        with pytest.raises(YecaiError, match="--port"):
            make_server(tmp_path, port)
    finally:
        server.shutdown()
        server.server_close()
