"""Retry and concurrency policy, applied in one place so every writer behaves the same."""

from __future__ import annotations

import dagster as dg

# Every step that writes the DuckDB warehouse joins this pool; the instance limits it to one
# slot (dagster.yaml: concurrency.pools.default_limit = 1), so two runs never write at once.
WAREHOUSE_POOL = "warehouse"

# Source systems fail transiently (network blips, rate limits, locked files): retry with an
# exponential backoff and jitter so parallel entities do not hammer the source in step.
SOURCE_RETRY = dg.RetryPolicy(
    max_retries=3, delay=2, backoff=dg.Backoff.EXPONENTIAL, jitter=dg.Jitter.PLUS_MINUS
)

# dbt and the publish step are deterministic; one retry covers a lock timeout or a killed
# process, more would only repeat the same SQL error.
WAREHOUSE_RETRY = dg.RetryPolicy(max_retries=1, delay=5, backoff=dg.Backoff.LINEAR)
