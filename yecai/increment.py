"""Which dbt models a daily increment rebuilds, given the raw entities that received rows.

Shared by the Dagster daily run and ``benchmarks/bench_dbt.py`` so the benchmark measures
what the schedule runs. Pure functions over names; no dbt or Dagster import.
"""

from __future__ import annotations

from collections.abc import Iterable

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
