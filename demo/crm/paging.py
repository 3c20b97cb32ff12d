"""Pure decisions of the CRM API: cursors, ``updated_since`` and ``limit`` parsing.

Records are served in the stable order ``(updated_at, id)``. A cursor is the position
of the last record of a page, so a record changed while a client pages moves *after*
the client's position and is seen again on a later page or sync, never skipped.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import UTC, datetime

DEFAULT_LIMIT = 100
MAX_LIMIT = 500


class BadRequest(ValueError):
    """A query parameter the API cannot use; the server answers 400 with this message."""


@dataclass(frozen=True)
class Position:
    """Where a page ended: the ``(updated_at, id)`` of its last record."""

    updated_at: str
    record_id: str


def encode_cursor(position: Position) -> str:
    raw = json.dumps([position.updated_at, position.record_id], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode("utf-8")).decode("ascii").rstrip("=")


def decode_cursor(cursor: str) -> Position:
    padded = cursor + "=" * (-len(cursor) % 4)
    try:
        updated_at, record_id = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
    except (binascii.Error, ValueError, TypeError, UnicodeError) as exc:
        raise BadRequest(
            f"cursor {cursor!r} is not a cursor this API issued; "
            "pass back next_cursor exactly as received, or omit it to start over"
        ) from exc
    if not isinstance(updated_at, str) or not isinstance(record_id, str):
        raise BadRequest(f"cursor {cursor!r} is malformed; omit it to start over")
    return Position(updated_at, record_id)


def format_timestamp(moment: datetime) -> str:
    """The store's timestamp text: UTC, microseconds, 'Z'. Sorts lexicographically = in time."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_updated_since(value: str) -> str:
    """ISO 8601 (with or without offset; naive means UTC) → the store's timestamp text."""
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise BadRequest(
            f"updated_since={value!r} is not an ISO 8601 timestamp; use e.g. 2025-03-01T00:00:00Z"
        ) from exc
    return format_timestamp(moment)


def parse_limit(value: str | None) -> int:
    if value is None or value == "":
        return DEFAULT_LIMIT
    try:
        limit = int(value)
    except ValueError as exc:
        raise BadRequest(f"limit={value!r} is not a whole number; use 1..{MAX_LIMIT}") from exc
    if not 1 <= limit <= MAX_LIMIT:
        raise BadRequest(f"limit={limit} is out of range; use 1..{MAX_LIMIT}")
    return limit
