"""How dbt is invoked: arguments and vars (pure), and the one environment every dbt run gets.

``dbt_env`` is the single place dbt's environment is built: the Dagster dbt step, the manifest
parse at definitions load, ``yecai dbt`` (and so ``make dbt-parse``), the tests and the
benchmarks all use it. It carries the source registry built from the company's ``sources.yml``.
"""

from __future__ import annotations

import json

from yecai import build_warehouse
from yecai.config.registry import registry_json
from yecai.memory import DBT_MEMORY_ENV, DBT_THREADS_ENV, dbt_memory_limit, dbt_threads
from yecai.settings import DBT_PACKAGE_DIR, Paths

# dbt models that are built per fiscal period carry this tag (``config(tags=[...])`` or
# ``+tags`` in dbt_project.yml); they become the monthly-partitioned assets.
PERIOD_TAG = "fiscal_period"

# Where dbt's DuckDB spills when it reaches its memory cap: beside the warehouse, private like
# it. DuckDB's own default for an in-memory main database (the encrypted output) is `.tmp` in
# the working directory, the company's dbt project.
DBT_SPILL_ENV = "YECAI_DBT_TEMP_DIRECTORY"


def period_vars(first: str, last: str) -> dict[str, str]:
    """dbt vars for a run over fiscal periods ``first``..``last`` (inclusive, ``YYYY-MM``).

    Per-period models filter ``between var('period_from') and var('period_to')``. ``period``
    is set only for a one-period run, so a model that reads ``var('period')`` fails loudly on
    a range instead of silently building only one month of it.
    """
    found = {"period_from": first, "period_to": last}
    if first == last:
        found["period"] = first
    return found


# The run tag the pipeline's planner sets on a full build (defs/pipeline/increment.py FULL_TAG):
# the dbt step then rebuilds every model from scratch (`--full-refresh`).
FULL_BUILD_TAG = "yecai/full"


def dbt_build_args(
    period_range: tuple[str, str] | None = None, full_refresh: bool = False
) -> list[str]:
    """``dbt build`` arguments; with a period range, the vars that select those periods.

    A run may build only part of the project (the daily increment, a backfill); with dbt's
    default (eager) indirect selection it would also run a relationship test whose other
    parent is not rebuilt. ``buildable`` runs a test only where all its parents are
    selected. The direct benchmark path passes the same arguments.

    ``full_refresh`` (``yecai run --full``, the first build) rebuilds every incremental model
    from scratch: every period present in the data, not a window of periods, so the vars that
    narrow a rebuild to some periods are left out.

    dbt unit tests are left out: they test a model's SQL on fixed inputs, so they say nothing
    new about a day's data, and they cost a warehouse round trip each on every run (8 took
    4 s of a one-sale increment's dbt step). They run where the SQL changes: the test suite,
    and ``yecai dbt -- build`` or ``yecai dbt -- test`` by hand
    (docs/decisions/unit-tests-outside-the-pipeline.md).
    """
    args = ["build", "--indirect-selection", "buildable", "--exclude-resource-type", "unit_test"]
    if full_refresh:
        return [*args, "--full-refresh"]
    if period_range is not None:
        args += ["--vars", json.dumps(period_vars(*period_range), sort_keys=True)]
    return args


def dbt_env(paths: Paths) -> dict[str, str]:
    """The environment every dbt yecai runs reads (see docs/interfaces.md).

    Paths from the home (warehouse, raw zone, batch records), where the product's dbt package
    is (the company's packages.yml installs it from there), and the source registry the
    product's models iterate over; the memory cap of dbt's DuckDB (``YECAI_DBT_MEMORY_LIMIT``,
    default 80 % of the RAM) and where it spills. A wrong sources.yml is a YecaiError here. With a warehouse
    key, the profile's encrypted output and the database subkey (``build_warehouse.dbt_env``):
    dbt's environment is the only place the subkey goes, never its command line.
    """
    return {
        "YECAI_HOME": str(paths.home),
        "YECAI_WAREHOUSE_PATH": str(paths.build_db),
        "YECAI_RAW_ZONE": str(paths.raw),
        "YECAI_LAKE_META": str(paths.lake_meta),
        "YECAI_DBT_PACKAGE_DIR": str(DBT_PACKAGE_DIR),
        "YECAI_SOURCE_REGISTRY": registry_json(paths),
        # read by the profile's `config_options` (yecai/scaffold/company/dbt/profiles.yml)
        DBT_MEMORY_ENV: dbt_memory_limit(),
        DBT_THREADS_ENV: str(dbt_threads()),
        DBT_SPILL_ENV: str(paths.build_db) + ".tmp",
        **build_warehouse.dbt_env(paths.home),
    }


# dagster-dbt sets DBT_LOG_FORMAT=json so that it can parse dbt's stdout, and dbt then writes
# its debug log file (dbt.log in the step's target folder) as JSON too: ~15 MB per scale-1
# build, serialised on dbt's threads. Text, as dbt writes it when run by hand, cost 3-5 CPU s
# less per scale-1 `dbt build` (docs/benchmarks.md). dagster-dbt reads only stdout.
DBT_FILE_LOG_ENV = {"DBT_LOG_FORMAT_FILE": "text"}


def has_period_tag(node: dict) -> bool:
    tags = set(node.get("tags") or []) | set((node.get("config") or {}).get("tags") or [])
    return PERIOD_TAG in tags


def count_buildable_nodes(manifest: dict, per_period: bool) -> int:
    """How many models/seeds/snapshots fall in the per-period (or the other) selection.

    dagster-dbt refuses a selection that matches nothing, and the dbt project may hold no
    per-period model yet; the caller leaves such an asset out instead of failing to load.
    """
    count = 0
    for node in (manifest.get("nodes") or {}).values():
        if node.get("resource_type") not in ("model", "seed", "snapshot"):
            continue
        if has_period_tag(node) == per_period:
            count += 1
    return count
