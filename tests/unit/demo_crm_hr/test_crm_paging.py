"""The CRM API's cursor, updated_since and limit decisions."""

from __future__ import annotations

import pytest

from demo.crm.paging import (
    MAX_LIMIT,
    BadRequest,
    Position,
    decode_cursor,
    encode_cursor,
    parse_limit,
    parse_updated_since,
)

pytestmark = pytest.mark.unit


def test_cursor_round_trips_position_with_unicode_and_separators():
    pos = Position("2025-03-01T02:00:00.000000Z", "ACC-00042|客户")
    assert decode_cursor(encode_cursor(pos)) == pos


@pytest.mark.parametrize("bad", ["not-a-cursor!!", "e30", "WzFd"])  # garbage, {}, [1]
def test_foreign_cursor_is_a_bad_request_that_says_what_to_do(bad):
    with pytest.raises(BadRequest, match="omit it"):
        decode_cursor(bad)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("2025-03-01T08:00:00+08:00", "2025-03-01T00:00:00.000000Z"),
        ("2025-03-01T00:00:00Z", "2025-03-01T00:00:00.000000Z"),
        ("2025-03-01", "2025-03-01T00:00:00.000000Z"),  # naive means UTC
        ("2025-03-01T00:00:00.5-01:00", "2025-03-01T01:00:00.500000Z"),
    ],
)
def test_updated_since_is_normalised_to_utc_store_text(given, expected):
    assert parse_updated_since(given) == expected


def test_updated_since_garbage_is_rejected_with_an_example():
    with pytest.raises(BadRequest, match="2025-03-01T00:00:00Z"):
        parse_updated_since("last tuesday")


def test_limit_defaults_and_bounds():
    assert parse_limit(None) == 100
    assert parse_limit("7") == 7
    assert parse_limit(str(MAX_LIMIT)) == MAX_LIMIT
    for bad in ("0", str(MAX_LIMIT + 1), "ten", "-3"):
        with pytest.raises(BadRequest):
            parse_limit(bad)
