"""Pure: which tables get asset checks, which Dagster asset each table is, and which tables
share one check step."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import dagster as dg

# Schemas dbt writes views of other data into: checks run on what these views feed instead.
UNCHECKED_SCHEMAS = frozenset({"staging", "master_seeds"})
RAW_GROUP = "raw"
MODELS_GROUP = "models"


class CheckTargets(dict[str, dg.AssetKey]):
    """``{table: AssetKey}`` plus ``group_of``: the check step each table's checks run in.

    A dict so callers that only need the tables keep treating it as one.
    """

    def __init__(self, tables: dict[str, dg.AssetKey], group_of: dict[str, str]):
        super().__init__(tables)
        self.group_of = dict(group_of)


def raw_table_name(source: str, entity: str) -> str:
    return f"raw.{source}.{entity}"


def model_table_name(node: dict) -> str:
    """``<schema>.<relation>`` as analysts query it, e.g. ``finance.trial_balance``."""
    return f"{node.get('schema')}.{node.get('alias') or node.get('name')}"


def model_group(node: dict) -> str:
    """The check step of a model's table: one for every model.

    All dbt models are built in one step (``defs/transform/assets.py``), so no path runs
    from one checked table to another through a second dbt step, and one check step after
    the dbt step creates no cycle. (With the models split over three dbt steps, the checks
    had to be split the same way: four check steps per run.)
    """
    return MODELS_GROUP


def candidate_tables(
    raw_entities: Iterable[tuple[str, str]],
    manifest: dict,
    key_for_node: Callable[[dict], dg.AssetKey],
) -> CheckTargets:
    """Every raw entity and every warehouse model (outside staging/seeds) by table name.

    Two check steps: the raw tables' (their blocking gate runs before dbt), and the models'
    (after the one dbt step, before publish). Each runs one GX session per layer.
    """
    tables: dict[str, dg.AssetKey] = {}
    group_of: dict[str, str] = {}
    for source, entity in raw_entities:
        name = raw_table_name(source, entity)
        tables[name] = dg.AssetKey(["raw", source, entity])
        group_of[name] = RAW_GROUP
    nodes = manifest.get("nodes") or {}
    for node in nodes.values():
        if node.get("resource_type") not in ("model", "snapshot"):
            continue
        if node.get("schema") in UNCHECKED_SCHEMAS:
            continue
        name = model_table_name(node)
        tables[name] = key_for_node(node)
        group_of[name] = model_group(node)
    return CheckTargets(tables, group_of)
