"""Per-entity contracts, kept as data in the company's ``contracts/<source>/<entity>.yml``.

A contract names the columns an entity must have (type, nullability), its primary key,
its cursor column and what to do when the source drifts away from it. Loading is strict:
a contract with a mistake is a ``YecaiError`` naming the file, not a surprise mid-batch.
The contracts belong to the company (its home, next to ``sources.yml``); the product ships
none (the demo company's are in ``demo/company/contracts/``).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from yecai.errors import YecaiError

# Contract types, in DuckDB spelling. Money is decimal(18,2); rates decimal(18,8).
_TYPE_RE = re.compile(
    r"^(varchar|bigint|integer|boolean|date|timestamp|double|decimal\(\d+,\s*\d+\))$"
)
DRIFT_POLICIES = ("quarantine", "fail_batch")


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    nullable: bool = True
    # A blank here is a missing reference (e.g. an order without its customer): the row
    # still lands, so documents and vouchers stay complete, and the manifest lists its key.
    warn_if_null: bool = False
    description: str = ""
    # The column's privacy class (national_id, salary, ...; ``none`` when reviewed as not
    # sensitive); yecai.privacy reads the tags, ingestion only keeps its values out of messages.
    classification: str | None = None


@dataclass(frozen=True)
class Contract:
    source: str
    entity: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    cursor: str | None = None
    on_drift: str = "quarantine"
    # Source column name → contract name (HR's Chinese headers, aliases).
    header_map: dict[str, str] = field(default_factory=dict)
    # For file sources: glob of the export files that belong to this entity.
    file_pattern: str | None = None
    # For file sources: contract column → regex whose first group is read from the file
    # name (HR exports carry their period only in the name, e.g. payroll_2025-03.csv).
    filename_fields: dict[str, str] = field(default_factory=dict)
    description: str = ""

    def primary_header(self, column: str) -> str | None:
        """The first header the header_map lists for ``column`` (its usual name in exports)."""
        return next((h for h, c in self.header_map.items() if c == column), None)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)


def suggest(word: str, choices: list[str]) -> str:
    """``"; did you mean 'x'?"`` for the closest of ``choices``, or nothing."""
    found = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f"; did you mean {found[0]!r}?" if found else ""


def contract_path(source: str, entity: str, root: Path) -> Path:
    return root / source / f"{entity}.yml"


def load_contract(source: str, entity: str, root: Path) -> Contract:
    """Read and check one contract file."""
    path = contract_path(source, entity, root)
    if not path.is_file():
        raise YecaiError(
            f"no contract for {source}.{entity} (looked for {path})",
            f"add {path} describing its columns, primary key and cursor, "
            "or remove the entity from sources.yml",
        )
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise YecaiError(f"contract {path} is not valid YAML: {exc}", "fix the file") from exc
    return parse_contract(data, source, entity, where=str(path))


def parse_contract(data: dict, source: str, entity: str, where: str = "contract") -> Contract:
    """Turn a contract's YAML mapping into a ``Contract``; every mistake names ``where``."""

    def bad(problem: str) -> YecaiError:
        return YecaiError(f"{where}: {problem}", "fix the contract file")

    raw_columns = data.get("columns")
    if not isinstance(raw_columns, list) or not raw_columns:
        raise bad("'columns' must be a non-empty list")
    columns: list[Column] = []
    for i, raw in enumerate(raw_columns):
        if not isinstance(raw, dict) or "name" not in raw or "type" not in raw:
            raise bad(f"column #{i + 1} needs 'name' and 'type'")
        ctype = str(raw["type"]).strip().lower().replace(" ", "")
        if not _TYPE_RE.match(ctype):
            raise bad(
                f"column {raw['name']!r} has type {raw['type']!r}; use varchar, bigint, integer, "
                "boolean, date, timestamp, double or decimal(p,s)"
            )
        columns.append(
            Column(
                name=str(raw["name"]),
                type=ctype,
                nullable=bool(raw.get("nullable", True)),
                warn_if_null=bool(raw.get("warn_if_null", False)),
                description=str(raw.get("description", "")),
                classification=(
                    str(raw["classification"]) if raw.get("classification") is not None else None
                ),
            )
        )
    names = [c.name for c in columns]
    if len(set(names)) != len(names):
        raise bad("column names repeat")
    pk = data.get("primary_key")
    pk = [pk] if isinstance(pk, str) else pk
    if pk and "TODO" in pk and "TODO" not in names:
        # Left by `yecai contract draft` when the source declares no key.
        raise bad(
            "primary_key is still TODO: name the column(s) that identify a row "
            "(the draft's comment lists candidates)"
        )
    if not pk or not isinstance(pk, list):
        raise bad(f"'primary_key' must list contract columns; got {pk!r}")
    for key in pk:
        if key not in names:
            raise bad(
                f"primary_key column {key!r} is not a contract column{suggest(str(key), names)}"
            )
    cursor = data.get("cursor")
    if cursor is not None and cursor not in names:
        raise bad(f"cursor {cursor!r} is not a contract column{suggest(str(cursor), names)}")
    on_drift = data.get("on_drift", "quarantine")
    if on_drift not in DRIFT_POLICIES:
        raise bad(f"on_drift {on_drift!r} must be one of {', '.join(DRIFT_POLICIES)}")
    header_map = {str(k): str(v) for k, v in (data.get("header_map") or {}).items()}
    unknown = sorted(set(header_map.values()) - set(names))
    if unknown:
        raise bad(f"header_map points at unknown columns {unknown}")
    filename_fields = {str(k): str(v) for k, v in (data.get("filename_fields") or {}).items()}
    for column, pattern in filename_fields.items():
        if column not in names:
            raise bad(f"filename_fields names unknown column {column!r}")
        try:
            if re.compile(pattern).groups < 1:
                raise bad(f"filename_fields pattern {pattern!r} needs a (group)")
        except re.error as exc:
            raise bad(f"filename_fields pattern {pattern!r} is not a regex: {exc}") from exc
    return Contract(
        source=source,
        entity=entity,
        columns=tuple(columns),
        primary_key=tuple(pk),
        cursor=cursor,
        on_drift=on_drift,
        header_map=header_map,
        file_pattern=data.get("file_pattern"),
        filename_fields=filename_fields,
        description=str(data.get("description", "")),
    )


def contract_entities(source: str, root: Path) -> list[str]:
    """Entities that have a contract for ``source``, sorted."""
    folder = root / source
    return sorted(p.stem for p in folder.glob("*.yml")) if folder.is_dir() else []
