"""Memory caps of yecai's DuckDB processes, each tunable by one environment variable.

DuckDB takes 80 % of the machine's RAM when nothing caps it, and spills to disk only when a
cap is set. Every DuckDB yecai starts has one: ingestion's batches, dbt's build, publish.
"""

from __future__ import annotations

import os
import re

from yecai.errors import YecaiError

# DuckDB's memory sizes: a number and a unit (1000- or 1024-based), e.g. 512MB, 2GB, 1.5GiB.
_SIZE = re.compile(r"^\s*\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KIB|MIB|GIB|TIB)\s*$", re.IGNORECASE)

DBT_MEMORY_ENV = "YECAI_DBT_MEMORY_LIMIT"
# dbt's build is the largest DuckDB of a run, and the only one that scales with a company's
# whole history. 2 GB, with Dagster's process and dbt's own Python beside it, keeps a run under
# 4 GiB; the largest models then spill to disk (docs/decisions/bounded-memory.md).
DBT_DEFAULT_MEMORY_LIMIT = "2GB"


def memory_limit(env_name: str, default: str) -> str:
    """The cap set in ``env_name``, else ``default``; a value DuckDB would refuse is an error."""
    value = os.environ.get(env_name, "").strip() or default
    if not _SIZE.match(value):
        raise YecaiError(
            f"{env_name}={value!r} is not a memory size",
            f"use a number and a unit, e.g. 512MB or 2GB, or unset it for {default}",
        )
    return value.replace(" ", "")
