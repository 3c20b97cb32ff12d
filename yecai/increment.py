"""Which dbt models a daily increment rebuilds, given the raw entities that received rows.

Shared by the Dagster daily run and ``benchmarks/bench_dbt.py`` so the benchmark measures
what the schedule runs. Pure functions over names; no dbt or Dagster import.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

# Views read the raw zone (or their parents) when queried: new batches need no rebuild of them.
INCREMENT_EXCLUDE: tuple[str, ...] = ("config.materialized:view",)
# Per-period models always run for the open period, new rows or not (late postings land there).
PERIOD_SELECTOR = "tag:fiscal_period"


def daily_increment_selection(changed: Iterable[tuple[str, str]]) -> list[str]:
    """dbt ``--select`` arguments after the raw entities ``changed`` ((source, entity) pairs)
    received rows: every model downstream of those sources, plus the per-period models.
    Pair with ``--exclude`` ``INCREMENT_EXCLUDE``."""
    selectors = [f"source:{source}.{entity}+" for source, entity in sorted(set(changed))]
    return [*selectors, PERIOD_SELECTOR]


def batch_finished_at(record: dict) -> float | None:
    """When a batch record says its batch finished (POSIX seconds); None when it cannot tell."""
    try:
        return datetime.fromisoformat(str(record["finished_at"])).timestamp()
    except (KeyError, ValueError):
        return None


def entities_landed_since(records: Iterable[dict], since: float | None) -> list[tuple[str, str]]:
    """``(source, entity)`` of the batch records that landed rows after ``since`` (pure).

    The batch records are the raw zone's state (docs/decisions/batch-record-is-the-state.md):
    whichever command landed the rows (``yecai run``, ``yecai ingest``, a sensor), they are
    seen here. A record whose finish time cannot be read counts as new: a needless rebuild
    costs minutes, a missed one loses rows.
    """
    changed = set()
    for record in records:
        if int(record.get("rows_landed") or 0) <= 0:
            continue
        finished = batch_finished_at(record)
        if since is None or finished is None or finished > since:
            changed.add((str(record["source"]), str(record["entity"])))
    return sorted(changed)
