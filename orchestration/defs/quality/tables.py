"""Pure: which tables get asset checks, and which Dagster asset each table is."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import dagster as dg

# Schemas dbt writes views of other data into: checks run on what these views feed instead.
UNCHECKED_SCHEMAS = frozenset({"staging", "master_seeds"})


def raw_table_name(source: str, entity: str) -> str:
    return f"raw.{source}.{entity}"


def model_table_name(node: dict) -> str:
    """``<schema>.<relation>`` as analysts query it, e.g. ``finance.trial_balance``."""
    return f"{node.get('schema')}.{node.get('alias') or node.get('name')}"


def candidate_tables(
    raw_entities: Iterable[tuple[str, str]],
    manifest: dict,
    key_for_node: Callable[[dict], dg.AssetKey],
) -> dict[str, dg.AssetKey]:
    """Every raw entity and every warehouse model (outside staging/seeds) by table name."""
    tables = {
        raw_table_name(source, entity): dg.AssetKey(["raw", source, entity])
        for source, entity in raw_entities
    }
    for node in (manifest.get("nodes") or {}).values():
        if node.get("resource_type") not in ("model", "snapshot"):
            continue
        if node.get("schema") in UNCHECKED_SCHEMAS:
            continue
        tables[model_table_name(node)] = key_for_node(node)
    return tables
