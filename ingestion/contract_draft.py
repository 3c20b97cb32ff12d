"""Drafting an entity's contract from what its source says about itself (pure).

A draft is the contract format of ``ingestion.contract`` written as commented YAML: column
names and types, the primary key when the source declares one (else a ``TODO`` the contract
loader refuses until someone names it), and the columns that look like an incremental cursor,
named in a comment for a person to choose. Types follow the contract's rules: a numeric or
decimal the source declares with scale 2 is money, ``decimal(18,2)``; other declared scales
are kept; dates, timestamps and text map to their own; whatever is unclear becomes varchar,
which never rejects a row.

The readers that ask a database, a file or an API are in ``ingestion.contract_sources``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

TODO_KEY = "TODO"

_DECIMAL_RE = re.compile(r"^(?:decimal|numeric|number|dec)\s*\(\s*(\d+)\s*(?:,\s*(\d+))?\s*\)")
_INT_RE = re.compile(
    r"^(?:big|small|medium|tiny)?int(?:eger)?\d*\b|^(?:big|small)?serial\b|^int[248]\b"
)
_CURSOR_NAME = re.compile(
    r"(updated|modified|changed|last_?upd|last_?mod|last_?change|mtime|row_?version|_ts$)",
    re.IGNORECASE,
)
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIMESTAMP_RE = re.compile(
    r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$"
)
_INTEGER_RE = re.compile(r"^[+-]?(0|[1-9]\d{0,17})$")
_NUMBER_RE = re.compile(r"^[+-]?\d+\.\d+$")


@dataclass(frozen=True)
class ColumnDraft:
    name: str
    type: str
    nullable: bool = True
    note: str = ""  # why the type was chosen, when a person should look (a YAML comment)
    source_name: str | None = None  # the source's own header, when it differs from name


@dataclass
class Draft:
    source: str
    entity: str
    origin: str  # where the draft came from, for the header comment
    columns: list[ColumnDraft]
    primary_key: list[str] = field(default_factory=list)  # empty: a TODO for a person
    key_candidates: list[str] = field(default_factory=list)
    file_pattern: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def cursor_candidates(self) -> list[str]:
        return cursor_candidates(self.columns)


def sql_type(native: str) -> tuple[str, str]:
    """A database's declared column type → (contract type, note for a person or '')."""
    text = native.strip().lower()
    if text in ("tinyint(1)", "bool", "boolean", "bit(1)"):
        return "boolean", ""
    match = _DECIMAL_RE.match(text)
    if match:
        precision = int(match.group(1))
        scale = int(match.group(2) or 0)
        if scale == 2:
            return "decimal(18,2)", "" if precision <= 18 else f"source {native}: check the range"
        if scale == 0:
            return ("bigint", "") if precision <= 18 else (f"decimal({precision},0)", "")
        return f"decimal({max(min(precision, 38), scale)},{scale})", ""
    if text in ("decimal", "numeric", "number", "money"):
        if text == "money":
            return "decimal(18,2)", ""
        return "decimal(38,10)", f"source {native} declares no scale: set decimal(18,2) for money"
    if _INT_RE.match(text) or text in ("int", "integer"):
        return "bigint", ""
    if text.startswith(("double", "float", "real")):
        return "double", "a float at the source: decimal(18,2) if this is money"
    if text == "date":
        return "date", ""
    if text.startswith(("timestamp", "datetime")):
        note = "with a time zone at the source: read as UTC" if "zone" in text else ""
        return "timestamp", note
    return "varchar", ""


def text_type(values: Iterable[str | None]) -> tuple[str, str]:
    """The narrowest contract type every non-blank sample value fits (file exports)."""
    seen = [v.strip() for v in values if v is not None and v.strip()]
    if not seen:
        return "varchar", "empty in the sample"
    if all(_DATE_RE.match(v) for v in seen):
        return "date", ""
    if all(_TIMESTAMP_RE.match(v) for v in seen):
        return "timestamp", ""
    if all(_INTEGER_RE.match(v) for v in seen):
        # Codes with leading zeros never get here (0042 fails the pattern): they stay text.
        return "bigint", ""
    plain = [
        v.replace(",", "") if re.match(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$", v) else v for v in seen
    ]
    if all(_NUMBER_RE.match(v) or _INTEGER_RE.match(v) for v in plain):
        return _decimal_for(plain)
    return "varchar", ""


def json_type(values: Iterable[object]) -> tuple[str, str]:
    """The contract type for one field of JSON records (API samples)."""
    seen = [v for v in values if v is not None]
    if not seen:
        return "varchar", "null in the sample"
    if all(isinstance(v, bool) for v in seen):
        return "boolean", ""
    if all(isinstance(v, int) and not isinstance(v, bool) for v in seen):
        return "bigint", ""
    if all(isinstance(v, int | float | Decimal) and not isinstance(v, bool) for v in seen):
        return _decimal_for([str(v) for v in seen])
    if all(isinstance(v, str) for v in seen):
        return text_type(seen)  # type: ignore[arg-type]
    return "varchar", "nested JSON, kept as JSON text"


def _decimal_for(texts: list[str]) -> tuple[str, str]:
    """Numbers with at most 2 decimals are money; more are kept at their scale (rates)."""
    try:
        scales = [max(0, -Decimal(t).as_tuple().exponent) for t in texts]
    except (InvalidOperation, TypeError):
        return "varchar", ""
    scale = max(scales)
    if scale <= 2:
        return "decimal(18,2)", "numbers with at most 2 decimals in the sample: money?"
    if scale <= 8:
        return "decimal(18,8)", f"up to {scale} decimals in the sample"
    return "double", f"{scale} decimals in the sample"


def cursor_candidates(columns: Iterable[ColumnDraft]) -> list[str]:
    """Timestamp or date columns named like a last-change time (updated_at, modified, …)."""
    return [
        c.name for c in columns if c.type in ("timestamp", "date") and _CURSOR_NAME.search(c.name)
    ]


def key_candidates(header: list[str], rows: list[list[object]]) -> list[str]:
    """Columns unique and never blank in the sample: suggestions for a file or API's key."""
    out = []
    for i, name in enumerate(header):
        values = [r[i] for r in rows if i < len(r)]
        blank = any(v is None or (isinstance(v, str) and not v.strip()) for v in values)
        if values and not blank and len({str(v) for v in values}) == len(values):
            out.append(name)
    return out


def column_name(header: str, position: int) -> tuple[str, bool]:
    """A contract column name for a source header: (snake_case name, whether it was ASCII).

    Non-ASCII headers (e.g. 工号) get ``column_<n>`` and stay in header_map for a person to
    rename; accents are folded (Straße → strasse).
    """
    folded = unicodedata.normalize("NFKD", header.replace("ß", "ss"))
    folded = folded.encode("ascii", "ignore").decode()
    words = re.findall(r"[A-Za-z0-9]+", re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", folded))
    if not words or len("".join(words)) < len(re.sub(r"\W", "", header)) / 2:
        return f"column_{position}", False
    name = "_".join(w.lower() for w in words)
    return (f"c_{name}" if name[0].isdigit() else name), True


def file_pattern(name: str) -> str:
    """A glob for an export's file name, its dates and numbers made wild: payroll_2025-03.csv
    → payroll_*.csv."""
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    wild = re.sub(r"[\d][\d_\-.]*[\d]|\d", "*", stem)
    wild = re.sub(r"\*+", "*", wild)
    return wild + (f".{suffix}" if suffix else "")


def render(draft: Draft) -> str:
    """The contract file's text: valid contract YAML plus comments that guide a person."""
    lines = [
        f"# Drafted by `yecai contract draft` from {draft.origin}.",
        "# Review every line: names, types, nullability, the key and the cursor.",
    ]
    lines += [f"# {n}" for n in draft.notes]
    lines.append(f"description: {_scalar(f'{draft.source} {draft.entity}')}")
    if draft.primary_key:
        lines.append("primary_key: [" + ", ".join(_scalar(k) for k in draft.primary_key) + "]")
    else:
        hint = (
            f"candidates unique and never blank in the sample: {', '.join(draft.key_candidates)}"
            if draft.key_candidates
            else "the source declares none"
        )
        lines.append(
            f"primary_key: {TODO_KEY}  # name the column(s) that identify a row ({hint}); "
            "the contract is refused until you do"
        )
    cursors = draft.cursor_candidates
    if cursors:
        lines.append(f"# cursor candidates (last-change times): {', '.join(cursors)}")
        lines.append(f"# cursor: {cursors[0]}   # uncomment to read only changed rows")
    else:
        lines.append("# no cursor candidate (no updated_at-like column): every run reads all rows")
    lines.append("on_drift: quarantine")
    if draft.file_pattern:
        lines.append(f"file_pattern: {_scalar(draft.file_pattern)}")
    mapped = [c for c in draft.columns if c.source_name and c.source_name != c.name]
    if mapped:
        lines.append("header_map:")
        lines += [f"  {_scalar(c.source_name or '')}: {c.name}" for c in mapped]
    lines.append("columns:")
    for c in draft.columns:
        parts = [f"name: {_scalar(c.name)}", f"type: {_scalar(c.type)}"]
        if not c.nullable:
            parts.append("nullable: false")
        note = f"  # {c.note}" if c.note else ""
        lines.append("  - {" + ", ".join(parts) + "}" + note)
    return "\n".join(lines) + "\n"


def _scalar(text: str) -> str:
    """A YAML scalar, quoted when plain text would be read as something else."""
    if re.match(r"^[A-Za-z_][A-Za-z0-9_ .\-]*$", text) and text.lower() not in (
        "null",
        "true",
        "false",
        "yes",
        "no",
        "on",
        "off",
        "~",
    ):
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
