"""Fiscal periods as monthly partitions keyed ``YYYY-MM`` (the dbt var format)."""

from __future__ import annotations

import os
import re
from datetime import date, datetime

import dagster as dg

from yecai.errors import YecaiError

FIRST_PERIOD_ENV = "YECAI_FIRST_PERIOD"
DEFAULT_FIRST_PERIOD = "2024-01"
PERIOD_FORMAT = "%Y-%m"
_PERIOD_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def parse_period(text: str, what: str = "period") -> str:
    """Return ``text`` if it is a fiscal period ``YYYY-MM``; raise a YecaiError otherwise."""
    value = (text or "").strip()
    if not _PERIOD_RE.match(value):
        raise YecaiError(
            f"{what} {text!r} is not a fiscal period",
            "write it as YYYY-MM, for example 2025-03",
        )
    return value


def period_of(moment: date | datetime) -> str:
    """The fiscal period a date falls in (calendar month = fiscal period)."""
    return f"{moment.year:04d}-{moment.month:02d}"


def periods_between(first: str, last: str) -> list[str]:
    """Every period from ``first`` to ``last`` inclusive, in order."""
    first, last = parse_period(first, "first period"), parse_period(last, "last period")
    if first > last:
        raise YecaiError(
            f"the range {first}..{last} is empty: {first} comes after {last}",
            "give the earlier period in --from and the later one in --to",
        )
    year, month = int(first[:4]), int(first[5:])
    out: list[str] = []
    while True:
        key = f"{year:04d}-{month:02d}"
        out.append(key)
        if key == last:
            return out
        month += 1
        if month == 13:
            year, month = year + 1, 1


def first_period() -> str:
    """The first fiscal period the pipeline knows about (env ``YECAI_FIRST_PERIOD``)."""
    return parse_period(os.environ.get(FIRST_PERIOD_ENV, DEFAULT_FIRST_PERIOD), FIRST_PERIOD_ENV)


def build_fiscal_periods(start: str | None = None) -> dg.MonthlyPartitionsDefinition:
    """Monthly partitions from the first period up to and including the current (open) month.

    ``end_offset=1`` keeps the month in progress as a partition: the daily run refreshes the
    open period, which Dagster would otherwise only offer once the month has ended.
    """
    return dg.MonthlyPartitionsDefinition(
        start_date=start or first_period(), fmt=PERIOD_FORMAT, end_offset=1
    )


fiscal_periods = build_fiscal_periods()
