"""REST settings, paginators, body checks and credentials: the pure parts of the REST connector."""

from __future__ import annotations

import base64

import pytest

from ingestion.config import load_config
from ingestion.connectors.rest import format_since, shown
from ingestion.connectors.rest_auth import credentials
from ingestion.connectors.rest_paging import (
    Page,
    PagingError,
    Request,
    make_paginator,
    select_records,
)
from ingestion.connectors.rest_settings import AuthSettings, rest_settings
from yecai.errors import YecaiError
from yecai.settings import Paths

pytestmark = pytest.mark.unit

BASE = {"records_path": "data", "paginator": {"type": "single_page"}}


def settings(**overrides):
    return rest_settings({**BASE, **overrides}, where="sources.yml: source 'x'")


@pytest.mark.parametrize(
    "mapping, phrase",
    [
        ({"records_path": "data"}, "rest.paginator is missing"),
        ({"paginator": "single_page"}, "rest.records_path is missing"),
        ({**BASE, "paginator": {"type": "cursr"}}, "did you mean 'cursor'"),
        ({**BASE, "paginator": {"type": "cursor", "cursor_path": "n"}}, "needs cursor_param"),
        ({**BASE, "paginatr": {}}, "unknown key 'paginatr'; did you mean 'paginator'"),
        ({**BASE, "auth": {"type": "bearer", "token": "abc"}}, "unknown key 'token'"),
        ({**BASE, "auth": {"type": "bearer"}}, "needs token_env"),
        ({**BASE, "auth": {"type": "basic", "username_env": "U"}}, "password_env"),
        ({**BASE, "auth": {"type": "oauth"}}, "rest.auth.type 'oauth' is not known"),
        ({**BASE, "max_pages": 0}, "rest.max_pages must be a whole number ≥ 1"),
        ({**BASE, "paginator": {"type": "offset", "offset_param": "o"}}, "page_size"),
        ({**BASE, "incremental": {"param": "since", "format": "unix"}}, "strftime"),
        ({**BASE, "params": {"a": [1, 2]}}, "single values"),
        ({**BASE, "params": {"apiKey": "abc"}}, "rest.params.apiKey looks like a secret"),
        ([1, 2], "must be a mapping"),
    ],
)
def test_bad_rest_settings_are_one_line_that_names_the_key(mapping, phrase):
    with pytest.raises(YecaiError) as exc:
        rest_settings(mapping, where="sources.yml: source 'acme'")
    assert exc.value.what.startswith("sources.yml: source 'acme': ")
    assert phrase in exc.value.what and "\n" not in exc.value.what


def test_entity_rest_overrides_the_source_and_old_token_env_means_bearer():
    got = rest_settings(
        {**BASE, "params": {"archived": True}},
        {"records_path": "$"},
        where="w",
        legacy_token_env="ACME_TOKEN",
    )
    assert got.records_path == "$" and got.params == {"archived": "true"}
    assert got.auth == AuthSettings(type="bearer", token_env="ACME_TOKEN")


def test_sources_yml_rest_settings_reach_the_entity(tmp_path):
    (tmp_path / "sources.yml").write_text(
        "sources:\n  acme:\n    kind: rest\n    url_env: ACME_URL\n"
        "    rest: {records_path: items, paginator: {type: link_header}}\n"
        "    entities:\n      orders: {endpoint: /v2/orders}\n      parts: {rest: {records_path: $}}\n"
    )
    config = load_config(Paths(home=tmp_path))["acme"]
    assert config.entities["orders"].rest.records_path == "items"
    assert config.entities["orders"].target == "/v2/orders"
    assert config.entities["parts"].rest.records_path == "$"
    assert config.entities["parts"].target == "parts"  # no demo path assumed


def test_a_rest_source_without_paging_settings_is_refused_at_load(tmp_path):
    (tmp_path / "sources.yml").write_text(
        "sources:\n  acme:\n    kind: rest\n    url_env: ACME_URL\n    entities: [orders]\n"
    )
    with pytest.raises(YecaiError) as exc:
        load_config(Paths(home=tmp_path))
    assert "sources.acme.entities.orders: rest.paginator is missing" in exc.value.what


# --- body shapes -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "body, path, phrase",
    [
        ([{"id": 1}], "data", "a JSON array of 1 item(s); expected a JSON object"),
        ({"items": []}, "data", "an object without 'data' (a JSON object (keys: items))"),
        ({"data": {"id": 1}}, "data", "'data' as a JSON object (keys: id); expected a JSON array"),
        ({"data": [1]}, "data", "record #1 as a number; expected a JSON object"),
        ({"data": []}, "$", "expected a JSON array of records"),
        ("<html>", "data", "a string; expected a JSON object"),
    ],
)
def test_unexpected_bodies_name_the_url_and_what_was_expected(body, path, phrase):
    with pytest.raises(YecaiError) as exc:
        select_records(body, path, "http://api/x?page=2")
    assert exc.value.what.startswith("http://api/x?page=2 answered ")
    assert phrase in exc.value.what


def test_records_at_a_nested_path_or_the_body_itself():
    assert select_records({"a": {"b": [{"id": 1}]}}, "a.b", "u") == [{"id": 1}]
    assert select_records([{"id": 2}], "$", "u") == [{"id": 2}]


# --- paginators --------------------------------------------------------------------------


def pages(kind: dict, bodies: list, records_path="data", links=None):
    """Drive a paginator over canned bodies; the requests it made."""
    s = rest_settings({"records_path": records_path, "paginator": kind}, where="w")
    paginator = make_paginator(s.paginator)
    request = paginator.first_request("http://api/x", {"since": "t"})
    made = [request]
    for n, body in enumerate(bodies, start=1):
        records = select_records(body, records_path, request.url)
        page = Page(n, request, request.url, body, records, (links or {}).get(n, {}))
        request = paginator.next_request(page)
        if request is None:
            break
        made.append(request)
    return made


CURSOR = {"type": "cursor", "cursor_path": "next", "cursor_param": "after"}


def test_cursor_pages_until_null_keeping_the_first_parameters():
    made = pages(CURSOR, [{"data": [{}], "next": "c1"}, {"data": [{}], "next": None}])
    assert made == [
        Request("http://api/x", {"since": "t"}),
        Request("http://api/x", {"since": "t", "after": "c1"}),
    ]


@pytest.mark.parametrize(
    "bodies, phrase",
    [
        ([{"data": [{}], "next": "c1"}, {"data": [{}]}], "page 2) answered without 'next'"),
        ([{"data": [{}], "next": "c1"}, {"data": [{}], "next": "c1"}], "already given on page 1"),
    ],
)
def test_cursor_faults_stop_the_read(bodies, phrase):
    with pytest.raises(PagingError) as exc:
        pages(CURSOR, bodies)
    assert phrase in exc.value.what


def test_has_more_true_without_a_cursor_is_a_fault():
    kind = {**CURSOR, "has_more_path": "more"}
    with pytest.raises(PagingError, match="'more' is true but gives no 'next'"):
        pages(kind, [{"data": [{}], "next": None, "more": True}])
    assert len(pages(kind, [{"data": [{}], "next": "c", "more": False}])) == 1


def test_offset_steps_by_records_and_stops_on_a_short_page_or_the_total():
    kind = {"type": "offset", "offset_param": "o", "page_size_param": "n", "page_size": 2}
    made = pages(kind, [{"data": [{"a": 1}, {"a": 2}]}, {"data": [{"a": 3}]}])
    assert [r.params["o"] for r in made] == ["0", "2"] and made[0].params["n"] == "2"
    with_total = {**kind, "total_path": "total"}
    assert len(pages(with_total, [{"data": [{"a": 1}, {"a": 2}], "total": 2}])) == 1
    with pytest.raises(PagingError, match="same records as the page before"):
        pages(kind, [{"data": [{"a": 1}, {"a": 2}]}] * 2)


def test_page_numbers_stop_at_the_total_or_an_empty_page():
    kind = {"type": "page_number", "page_param": "p", "total_pages_path": "pages"}
    made = pages(kind, [{"data": [{"a": 1}], "pages": 2}, {"data": [{"a": 2}], "pages": 2}])
    assert [r.params["p"] for r in made] == ["1", "2"]
    zero_based = {"type": "page_number", "page_param": "p", "start": 0}
    made = pages(zero_based, [{"data": [{"a": 1}]}, {"data": []}])
    assert [r.params["p"] for r in made] == ["0", "1"]


def test_next_links_are_followed_relative_and_a_repeat_is_a_fault():
    kind = {"type": "next_link", "next_path": "links.next"}
    last = {"data": [], "links": {"next": None}}
    made = pages(kind, [{"data": [], "links": {"next": "/x?page=2"}}, last])
    assert made[1] == Request("http://api/x?page=2")
    with pytest.raises(PagingError, match="answered without 'links.next'"):
        pages(kind, [{"data": [], "links": {"next": "/x?page=2"}}, {"data": []}])
    same = {"data": [], "links": {"next": "/x?page=2"}}
    with pytest.raises(PagingError, match="next link already given on page 1"):
        pages(kind, [same, same])


def test_link_header_ends_without_a_next_link():
    kind = {"type": "link_header"}
    made = pages(kind, [[{}], [{}]], records_path="$", links={1: {"next": "http://api/x?p=2"}})
    assert [r.url for r in made] == ["http://api/x", "http://api/x?p=2"]


# --- credentials, increments, messages ---------------------------------------------------


def test_credentials_come_from_the_environment_only():
    env = {"T": "tok", "K": "key", "U": "ann", "P": "pw"}
    assert credentials(AuthSettings("bearer", token_env="T"), env).headers == {
        "Authorization": "Bearer tok"
    }
    header = credentials(AuthSettings("api_key", name="X-Key", key_env="K"), env)
    assert header.headers == {"X-Key": "key"} and header.params == {}
    query = credentials(AuthSettings("api_key", name="k", key_env="K", location="query"), env)
    assert query.params == {"k": "key"} and query.secret_params == {"k"}
    basic = credentials(AuthSettings("basic", username_env="U", password_env="P"), env)
    assert basic.headers["Authorization"] == "Basic " + base64.b64encode(b"ann:pw").decode()
    with pytest.raises(YecaiError, match="environment variable T is empty"):
        credentials(AuthSettings("bearer", token_env="T"), {})


@pytest.mark.parametrize(
    "fmt, expected",
    [
        ("iso_z", "2025-03-01T08:00:00.250000Z"),
        ("iso", "2025-03-01T08:00:00.250000"),
        ("date", "2025-03-01"),
        ("epoch", "1740816000"),
        ("%Y%m%d%H%M", "202503010800"),
    ],
)
def test_the_look_back_bound_in_the_format_the_api_wants(fmt, expected):
    assert format_since("2025-03-01 08:00:00.25", fmt) == expected


def test_shown_urls_hide_a_query_key():
    assert shown("http://api/x?p=2", {"key": "s3cret", "n": "5"}, {"key"}) == (
        "http://api/x?p=2&key=***&n=5"
    )
