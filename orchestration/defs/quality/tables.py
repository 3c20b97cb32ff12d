"""Pure: which tables get asset checks, which Dagster asset each table is, and which tables
share one check step."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import dagster as dg

from orchestration.defs.transform.dbt_args import has_period_tag

# Schemas dbt writes views of other data into: checks run on what these views feed instead.
UNCHECKED_SCHEMAS = frozenset({"staging", "master_seeds"})
RAW_GROUP = "raw"
BUILT_NODE_TYPES = ("model", "seed", "snapshot")


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


def step_stages(nodes: dict[str, dict]) -> dict[str, int]:
    """How many times the path into each dbt node crosses between the whole-history and the
    per-period dbt steps (longest path; 0 for a node only raw data or its own kind feeds).

    Two checked tables may share one check step only when no path runs from one to the
    other through the other dbt step: a blocking check makes everything downstream of its
    table wait for the check step, so such a path would be a cycle. Same stage and same
    kind rules that out, because leaving a kind and coming back adds at least 2.
    """
    stages: dict[str, int] = {}

    def stage(uid: str, seen: frozenset[str]) -> int:
        if uid in stages:
            return stages[uid]
        node = nodes[uid]
        best = 0
        for parent in (node.get("depends_on") or {}).get("nodes") or []:
            pnode = nodes.get(parent)
            if pnode is None or pnode.get("resource_type") not in BUILT_NODE_TYPES:
                continue
            if parent in seen:  # dbt forbids cycles; do not recurse forever on a bad manifest
                continue
            crossing = int(has_period_tag(pnode) != has_period_tag(node))
            best = max(best, stage(parent, seen | {uid}) + crossing)
        stages[uid] = best
        return best

    for uid, node in nodes.items():
        if node.get("resource_type") in BUILT_NODE_TYPES:
            stage(uid, frozenset())
    return stages


def model_group(node: dict, stage: int) -> str:
    kind = "period_models" if has_period_tag(node) else "models"
    return f"{kind}_{stage}"


def candidate_tables(
    raw_entities: Iterable[tuple[str, str]],
    manifest: dict,
    key_for_node: Callable[[dict], dg.AssetKey],
) -> CheckTargets:
    """Every raw entity and every warehouse model (outside staging/seeds) by table name.

    All raw tables share one check step; models share one per dbt step and stage (see
    ``step_stages``), so a pipeline run has a handful of check steps, not one per table.
    """
    tables: dict[str, dg.AssetKey] = {}
    group_of: dict[str, str] = {}
    for source, entity in raw_entities:
        name = raw_table_name(source, entity)
        tables[name] = dg.AssetKey(["raw", source, entity])
        group_of[name] = RAW_GROUP
    nodes = manifest.get("nodes") or {}
    stages = step_stages(nodes)
    for uid, node in nodes.items():
        if node.get("resource_type") not in ("model", "snapshot"):
            continue
        if node.get("schema") in UNCHECKED_SCHEMAS:
            continue
        name = model_table_name(node)
        tables[name] = key_for_node(node)
        group_of[name] = model_group(node, stages.get(uid, 0))
    return CheckTargets(tables, group_of)
