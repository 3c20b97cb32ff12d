"""Which raw entities exist: asked of the ingestion stage, so a new contract is a new asset."""

from __future__ import annotations

import importlib

from yecai.settings import Paths

# The demo company's entities, used only while ``ingestion.catalog`` is not installed so the
# definitions still load (the ingestion stage is built in parallel with this one).
FALLBACK_ENTITIES: tuple[tuple[str, str], ...] = (
    ("erp", "customers"),
    ("erp", "vendors"),
    ("erp", "accounts"),
    ("erp", "journal_vouchers"),
    ("erp2", "journal_vouchers"),
    ("crm", "opportunities"),
    ("hr", "employees"),
    ("hr", "payroll"),
)


def list_raw_entities(paths: Paths) -> list[tuple[str, str]]:
    """``(source, entity)`` pairs, sorted and without duplicates."""
    try:
        catalog = importlib.import_module("ingestion.catalog")
    except ModuleNotFoundError as exc:
        if exc.name not in ("ingestion.catalog", "ingestion"):
            raise
        return list(FALLBACK_ENTITIES)
    return sorted(set(catalog.list_entities(paths)))


def hr_entities(entities: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The entities fed by HR export files (what the file-drop sensor ingests)."""
    return [(source, entity) for source, entity in entities if source == "hr"]
