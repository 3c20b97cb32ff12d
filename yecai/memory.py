"""Memory caps of yecai's DuckDB processes, each tunable by one environment variable.

DuckDB spills to disk when a query reaches its memory limit, which is 80 % of the machine's RAM
unless set. Ingestion's batches and publish have fixed ones; dbt's build, the largest, takes
what the operator sets (``YECAI_DBT_MEMORY_LIMIT``), else DuckDB's own default, said
explicitly.
"""

from __future__ import annotations

import os
import re

from yecai.errors import YecaiError

# DuckDB's memory sizes: a number and a unit (1000- or 1024-based), e.g. 512MB, 2GB, 1.5GiB.
_SIZE = re.compile(r"^\s*\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KIB|MIB|GIB|TIB)\s*$", re.IGNORECASE)

DBT_MEMORY_ENV = "YECAI_DBT_MEMORY_LIMIT"
DBT_THREADS_ENV = "YECAI_DBT_THREADS"


def dbt_default_memory_limit() -> str:
    """DuckDB's own default, said explicitly: 80 % of this machine's RAM.

    A cap is the operator's to lower: a cap that fails a company's build is worse than the
    memory it saves, and how much a company's models need is not known in advance
    (docs/decisions/bounded-memory.md).
    """
    total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return f"{int(total * 0.8) // 2**20}MiB"


def memory_limit(env_name: str, default: str) -> str:
    """The cap set in ``env_name``, else ``default``; a value DuckDB would refuse is an error."""
    value = os.environ.get(env_name, "").strip() or default
    if not _SIZE.match(value):
        raise YecaiError(
            f"{env_name}={value!r} is not a memory size",
            f"use a number and a unit, e.g. 512MB or 2GB, or unset it for {default}",
        )
    return value.replace(" ", "")


def dbt_memory_limit() -> str:
    """dbt's cap: ``YECAI_DBT_MEMORY_LIMIT``, checked, else DuckDB's own default."""
    return memory_limit(DBT_MEMORY_ENV, dbt_default_memory_limit())


def dbt_threads() -> int:
    """How many models dbt builds at once: ``YECAI_DBT_THREADS``, checked; else one when the
    operator capped dbt's memory, two when not.

    dbt's models share one DuckDB and so its one memory cap: two large models side by side ran
    out of a 2 GB cap at scale 10 where each alone fits. Each model's query still uses every
    core DuckDB has, so one at a time costs little (docs/benchmarks.md).
    """
    value = os.environ.get(DBT_THREADS_ENV, "").strip()
    if not value:
        # the default cap, not the variable's presence: a Dagster process puts dbt's whole
        # environment, the default cap included, into its own for dbt to inherit
        return 2 if dbt_memory_limit() == dbt_default_memory_limit() else 1
    if not value.isdigit() or int(value) < 1:
        raise YecaiError(
            f"{DBT_THREADS_ENV}={value!r} is not a number of threads",
            "use a whole number of at least 1, or unset it (1 under a memory cap, else 2)",
        )
    return int(value)
