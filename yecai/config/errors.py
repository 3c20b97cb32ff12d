"""pydantic's validation errors of ``sources.yml`` as one line each: file, key path, what to do.

A misspelt key gets "did you mean …" from the keys allowed at that place, so ``lookbak_days``,
``cursr`` and ``contract_dir`` are named with their right spelling instead of ignored.
"""

from __future__ import annotations

import difflib
from typing import Any

from pydantic import BaseModel, ValidationError

from yecai.config.schema import KINDS, CompanyConfig, FilesSource, RestSource, SqlSource

_SOURCE_MODELS: dict[str, type[BaseModel]] = {
    "sql": SqlSource,
    "rest": RestSource,
    "files": FilesSource,
}


def _entity_model(source_model: type[BaseModel]) -> type[BaseModel]:
    annotation = source_model.model_fields["entities"].annotation
    return annotation.__args__[1]  # dict[str, <entity model>]


def clean_location(loc: tuple[Any, ...]) -> tuple[tuple[str, ...], str | None]:
    """The key path as the user wrote it, and the source kind pydantic put in it.

    A discriminated union inserts the tag: ``sources.ledger.sql.lookbak_days`` is the user's
    ``sources.ledger.lookbak_days`` under a sql source.
    """
    parts = [str(p) for p in loc]
    kind = None
    if len(parts) > 2 and parts[0] == "sources" and parts[2] in KINDS:
        kind = parts.pop(2)
    return tuple(parts), kind


def allowed_keys(path: tuple[str, ...], kind: str | None) -> list[str]:
    """The keys ``sources.yml`` allows in the mapping that holds ``path``'s last key."""
    parent = path[:-1]
    if not parent:
        return list(CompanyConfig.model_fields)
    if parent[0] != "sources" or kind not in _SOURCE_MODELS:
        return []
    source_model = _SOURCE_MODELS[kind]
    if len(parent) == 2:
        return list(source_model.model_fields)
    if len(parent) == 4 and parent[2] == "entities":
        return list(_entity_model(source_model).model_fields)
    return []


def did_you_mean(word: str, choices: list[str]) -> str | None:
    found = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return found[0] if found else None


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…"


def error_line(where: str, error: dict) -> str:
    """One validation error as ``<file>: <key path>: <problem> → <what to do>``."""
    path, kind = clean_location(error.get("loc", ()))
    key = ".".join(path) or "(top level)"
    kind_of = error.get("type", "")
    if kind_of == "extra_forbidden":
        choices = allowed_keys(path, kind)
        guess = did_you_mean(path[-1], choices) if path else None
        hint = f"did you mean {guess!r}? " if guess else ""
        known = f" (allowed here: {', '.join(choices)})" if choices else ""
        return f"{where}: {key}: unknown key; {hint}rename or remove it{known}"
    if kind_of == "union_tag_not_found":
        return f"{where}: {key}: missing kind → add kind: one of {', '.join(KINDS)}"
    if kind_of == "union_tag_invalid":
        given = (error.get("ctx") or {}).get("tag")
        guess = did_you_mean(str(given), list(KINDS))
        hint = f" (did you mean {guess!r}?)" if guess else ""
        return f"{where}: {key}.kind: {given!r} is no kind{hint} → use one of {', '.join(KINDS)}"
    if kind_of == "missing":
        return f"{where}: {key}: missing → add it"
    message = str(error.get("msg", "invalid")).removeprefix("Value error, ")
    shown = "" if kind_of.startswith("value_error") else f" (got {_short(error.get('input'))})"
    return f"{where}: {key}: {message}{shown}"


def describe(exc: ValidationError, where: str) -> list[str]:
    """Every error of ``exc`` as one line, in the order pydantic found them."""
    return [error_line(where, error) for error in exc.errors()]
