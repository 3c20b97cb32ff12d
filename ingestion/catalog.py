"""What the active configuration extracts: one (source, entity) pair per raw-zone asset."""

from __future__ import annotations

from ingestion.config import load_config
from yecai.settings import Paths


def list_entities(paths: Paths) -> list[tuple[str, str]]:
    """``(source, entity)`` for every entity of the active config, in config order."""
    return [(s.name, e) for s in load_config(paths).values() for e in s.entities]
