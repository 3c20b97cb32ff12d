"""Which raw entities exist: the company's configuration says, so a new contract is a new asset.

Nothing here knows a source by name. A home without a configuration has no raw entities (the
definitions still load and say what to do, see ``orchestration/definitions.py``).
"""

from __future__ import annotations

from pathlib import Path

from ingestion.config import file_sources, load_config
from yecai.config import is_configured
from yecai.settings import Paths


def list_raw_entities(paths: Paths) -> list[tuple[str, str]]:
    """``(source, entity)`` pairs of the configuration, sorted; none when there is none."""
    if not is_configured(paths):
        return []
    return sorted({(s.name, e) for s in load_config(paths).values() for e in s.entities})


def file_drop_folders(paths: Paths) -> dict[str, Path]:
    """The drop folder of every ``files`` source (what the file-drop sensor watches)."""
    if not is_configured(paths):
        return {}
    return file_sources(load_config(paths))


def file_source_entities(
    entities: list[tuple[str, str]], folders: dict[str, Path]
) -> list[tuple[str, str]]:
    """The entities fed by dropped files: those of the files sources (pure)."""
    return [(source, entity) for source, entity in entities if source in folders]
