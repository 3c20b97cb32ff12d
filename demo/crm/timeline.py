"""Timestamps of the CRM: when records were created and touched, as the store's UTC text.

The CRM keeps its own clock in ``crm_meta`` ('clock'): generation ends at the World's last
day, ``advance_crm`` moves it forward. Everything is drawn from a seeded Random, so the
same seed gives byte-identical stores. Pure functions.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

from demo.crm.paging import format_timestamp

CLOCK_KEY = "clock"


def moment_on(day: date, rng: random.Random) -> datetime:
    """A moment during office hours (China time, UTC+8) of ``day``, as UTC."""
    local = datetime.combine(day, time(8, 30)) + timedelta(seconds=rng.randrange(0, 10 * 3600))
    return (local - timedelta(hours=8)).replace(tzinfo=UTC)


def moment_between(start: datetime, end: datetime, rng: random.Random) -> datetime:
    """A moment in ``[start, end]`` (``start`` when the window is empty)."""
    span = (end - start).total_seconds()
    if span <= 0:
        return start
    return start + timedelta(seconds=rng.uniform(0, span))


def ts(moment: datetime) -> str:
    return format_timestamp(moment)


def parse_ts(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


def end_of_day_utc(day: date) -> datetime:
    """23:59:59 China time on ``day``: the CRM clock after generating up to that day."""
    return datetime.combine(day, time(23, 59, 59), tzinfo=UTC) - timedelta(hours=8)
