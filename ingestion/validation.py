"""Pure decisions of contract validation: column matching, drift, and the SQL that checks rows.

Nothing here touches a database; ``ingestion.process`` runs the SQL these functions build.
"""

from __future__ import annotations

from dataclasses import dataclass

from ingestion.contract import Column, Contract
from ingestion.duck import ident, sql_str
from yecai.privacy.vocabulary import class_by_column_name

# How a value is shown inside a quarantine reason: enough to recognise it, never a novel.
_REASON_VALUE_CHARS = 60
# The code written beside each quarantine reason (``_reason_code``): what later stages classify
# by, so the reason's wording can change freely.
REASON_CODES = (
    "invalid_value",  # a value that does not cast to its contract type
    "missing_key",  # a blank primary-key column
    "missing_required",  # a blank required (not nullable) column
    "schema_drift",  # a contract column missing from the source
    "duplicate_row",  # a repeated key, or a repeated whole row, within the batch
    "read_fault",  # a row the reader could not read as it stands (e.g. a broken line)
)


@dataclass(frozen=True)
class DriftChange:
    """One schema change seen in a batch, as reported in the manifest."""

    change: str  # added | removed | renamed | retyped
    columns: tuple[str, ...]
    detail: str

    def as_dict(self) -> dict:
        return {"change": self.change, "columns": list(self.columns), "detail": self.detail}


@dataclass(frozen=True)
class Drift:
    """How the source's columns differ from the contract."""

    missing: tuple[str, ...]  # contract columns the source no longer has (removed or renamed)
    added: tuple[str, ...]  # source columns the contract doesn't know (kept and reported)
    changes: tuple[DriftChange, ...] = ()

    def describe(self, contract: Contract) -> str:
        return "; ".join(c.detail for c in self.changes)


def match_columns(source_columns: list[str], contract: Contract) -> dict[str, str]:
    """Contract column → source column that feeds it.

    Header-map aliases first (HR's Chinese headers, in the order the map lists them),
    then the same name ignoring case and surrounding spaces (PostgreSQL folds case,
    MariaDB keeps it).
    """
    stripped = {c.strip(): c for c in source_columns}
    by_norm = {c.strip().lower(): c for c in source_columns}
    out: dict[str, str] = {}
    for header, target in contract.header_map.items():
        if target not in out and header in stripped:
            out[target] = stripped[header]
    for name in contract.column_names:
        if name not in out and name.lower() in by_norm:
            out[name] = by_norm[name.lower()]
    return out


def detect_drift(source_columns: list[str], contract: Contract, ignore: set[str]) -> Drift:
    """Missing, added and renamed columns between the source and the contract.

    A rename is recognised two ways: the contract maps a column under a later alias
    (the export's new header, already known), or a missing column's place in the source
    is taken by an unknown one (a guess, reported with a question mark).
    """
    mapped = match_columns(source_columns, contract)
    used = set(mapped.values())
    missing = tuple(c for c in contract.column_names if c not in mapped)
    added = tuple(c for c in source_columns if c not in used and c not in ignore)
    changes: list[DriftChange] = []
    for col in contract.column_names:
        primary = contract.primary_header(col)
        got = mapped.get(col)
        via_alias = got is not None and got.strip() in contract.header_map
        if via_alias and got.strip() != primary and primary not in source_columns:
            changes.append(
                DriftChange(
                    "renamed",
                    (col,),
                    f"column {primary} renamed to {got.strip()} (mapped to {col} by the contract)",
                )
            )
    guesses = _positional_renames(source_columns, contract, mapped, missing, set(added))
    for col in missing:
        header = contract.primary_header(col) or col
        if col in guesses:
            changes.append(
                DriftChange(
                    "renamed",
                    (col,),
                    f"contract column {col} ({header}) missing; renamed to {guesses[col]}?",
                )
            )
        else:
            changes.append(
                DriftChange("removed", (col,), f"contract column {col} ({header}) missing")
            )
    unexplained = tuple(a for a in added if a not in guesses.values())
    if unexplained:
        changes.append(
            DriftChange("added", unexplained, f"new column(s) {', '.join(unexplained)} kept")
        )
    return Drift(missing=missing, added=added, changes=tuple(changes))


def _positional_renames(
    source_columns: list[str],
    contract: Contract,
    mapped: dict[str, str],
    missing: tuple[str, ...],
    added: set[str],
) -> dict[str, str]:
    """Missing contract column → the unknown source column sitting where it used to be."""
    out: dict[str, str] = {}
    names = contract.column_names
    for col in missing:
        i = names.index(col)
        before = mapped.get(names[i - 1]) if i > 0 else None
        if before is None and i > 0:
            continue
        pos = source_columns.index(before) + 1 if before is not None else 0
        if pos < len(source_columns) and source_columns[pos] in added:
            out[col] = source_columns[pos]
    return out


# Money as a spreadsheet writes it as text: 12,345.60
THOUSANDS_RE = r"^[+-]?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?$"


def cast_sql(expr: str, ctype: str) -> str:
    """Cast a source value to its contract type; NULL when it cannot be cast.

    Timestamps go through timestamptz so an explicit offset ('+08:00', 'Z') is honoured
    and the result is UTC; text is trimmed first because exports pad values.
    """
    if ctype == "varchar":
        return f"cast({expr} as varchar)"
    return f"coalesce({fast_cast_sql(expr, ctype)}, {_full_cast_sql(expr, ctype)})"


def _full_cast_sql(expr: str, ctype: str) -> str:
    """The cast's definition: trim, thousands separators, offsets honoured."""
    text = f"nullif(trim(cast({expr} as varchar)), '')"
    if ctype == "timestamp":
        return f"try_cast(try_cast({text} as timestamptz) as timestamp)"
    if ctype.startswith("decimal") or ctype in ("double", "bigint", "integer"):
        # Thousands separators ('12,345.60') are how spreadsheets export numbers as text;
        # only that exact shape is accepted, so '1,2' still fails to cast.
        return (
            f"try_cast(case when regexp_matches({text}, '{THOUSANDS_RE}') "
            f"then replace({text}, ',', '') else {text} end as {ctype})"
        )
    return f"try_cast({text} as {ctype})"


def fast_cast_sql(expr: str, ctype: str) -> str:
    """A plain cast for the common value, NULL where only the full cast can decide.

    Trim, the thousands regex and the time-zone parse cost more than the cast itself
    (about half of a first load's casting time). A value with nothing to trim at either
    end casts the same way without them (DuckDB rejects '1,234' and accepts '1e3' alike),
    and a 'YYYY-MM-DD HH:MM:SS' text has no room for an offset. Anything else — blank,
    padded, thousands, offsets, bad values — gets NULL here and goes to the full cast.
    Checked value for value against the full cast on ~330k fuzzed strings.
    """
    text = f"cast({expr} as varchar)"
    unpadded = f"{text}[1] > ' ' and {text}[-1] > ' '"
    if ctype == "timestamp":
        shape = f"length({text}) = 19 and {text}[14] = ':' and {text}[17] = ':'"
        return f"case when {unpadded} and {shape} then try_cast({text} as timestamp) end"
    return f"case when {unpadded} then try_cast({text} as {ctype}) end"


def _is_classified(col: Column) -> bool:
    """Tagged with a class, or named like one while untagged (fail closed, as redaction)."""
    if col.classification is not None:
        return col.classification != "none"
    return class_by_column_name(col.name) is not None


def typed_select_sql(
    contract: Contract,
    mapping: dict[str, str],
    added: tuple[str, ...],
    source_table: str,
    read_faults: bool = False,
) -> str:
    """SELECT that casts every contract column and collects each row's reasons to quarantine.

    Output columns: contract columns (typed), added columns (as the source gave them),
    ``_raw_<i>`` varchar copies for quarantine, ``_row_number``, ``_src_deleted``, ``_reasons``
    and ``_reason_codes`` (each reason's code, same order: ``REASON_CODES``).
    """
    selects: list[str] = []
    # A row the reader could not read as it stands (``_read_fault``) is quarantined with why.
    reasons: list[str] = ["_read_fault"] if read_faults else []
    codes: list[str] = ["read_fault"] if read_faults else []  # each reason's code, by position
    for i, col in enumerate(contract.columns):
        src = mapping.get(col.name)
        if src is None:
            selects.append(f"cast(null as {col.type}) as {ident(col.name)}")
            selects.append(f"cast(null as varchar) as {ident(f'_raw_{i}')}")
            continue
        src_sql = ident(src)
        typed = cast_sql(src_sql, col.type)
        selects.append(f"{typed} as {ident(col.name)}")
        selects.append(f"cast({src_sql} as varchar) as {ident(f'_raw_{i}')}")
        if col.type != "varchar":
            shown = f"'''' || left(cast({src_sql} as varchar), {_REASON_VALUE_CHARS}) || ''''"
            if _is_classified(col):
                # a person's pay or birth date: the reason reaches batch messages and
                # governance.ingestion_batches, so it says which column and why, never the value
                shown = f"'of ' || length(cast({src_sql} as varchar)) || ' characters (not shown)'"
            codes.append("invalid_value")
            reasons.append(
                f"case when nullif(trim(cast({src_sql} as varchar)), '') is not null "
                f"and {typed} is null then "
                f"'column {sql_str(col.name)}: value ' || {shown} || ' is not a valid "
                f"{col.type}' end"
            )
        if col.name in contract.primary_key:
            codes.append("missing_key")
            reasons.append(
                f"case when nullif(trim(cast({src_sql} as varchar)), '') is null then "
                f"'missing primary key {sql_str(col.name)}' end"
            )
        elif not col.nullable:
            codes.append("missing_required")
            reasons.append(
                f"case when nullif(trim(cast({src_sql} as varchar)), '') is null then "
                f"'column {sql_str(col.name)}: empty in a required column' end"
            )
    missing = [c.name for c in contract.columns if c.name not in mapping]
    if missing:
        codes.append("schema_drift")
        reasons.append(
            f"'schema drift: contract column(s) {sql_str(', '.join(missing))} missing from the source'"
        )
    for extra in added:
        selects.append(ident(extra))
    if not reasons:
        return (
            "select " + ", ".join(selects) + ", _row_number, _src_deleted, "
            f"cast([] as varchar[]) as _reasons, cast([] as varchar[]) as _reason_codes "
            f"from {source_table}"
        )
    # Every reason evaluated once (_all: one slot per rule); the codes kept are those whose
    # reason applies, so reason i and code i always describe the same problem.
    code_list = ", ".join(f"'{c}'" for c in codes)
    return (
        "select * exclude (_all), list_filter(_all, r -> r is not null) as _reasons, "
        f"list_filter([{code_list}], (c, i) -> _all[i] is not null) as _reason_codes from ("
        "select " + ", ".join(selects) + ", _row_number, _src_deleted, "
        f"cast([{', '.join(reasons)}] as varchar[]) as _all from {source_table})"
    )


def source_pk_sql(contract: Contract, prefix: str = "") -> str:
    """``_source_pk``: the key's columns as text, joined with ``|`` (docs/interfaces.md)."""
    parts = [f"cast({prefix}{ident(k)} as varchar)" for k in contract.primary_key]
    return parts[0] if len(parts) == 1 else "concat_ws('|', " + ", ".join(parts) + ")"


def row_hash_sql(columns: list[str]) -> str:
    """``_row_hash``: md5 over the typed business columns, NULL told apart from ''."""
    parts = [f"coalesce(cast({ident(c)} as varchar), chr(0))" for c in columns]
    return "md5(concat_ws(chr(31), " + ", ".join(parts) + "))"


def duplicate_rank_sql(contract: Contract) -> str:
    """Rank of a clean row among clean rows of the same key: the latest version ranks 1.

    Later cursor wins; among equal cursors the first row read wins, so a row repeated
    verbatim lands once and its copies go to quarantine.
    """
    keys = ", ".join(ident(k) for k in contract.primary_key)
    order = (
        f"{ident(contract.cursor)} desc nulls last, " if contract.cursor else ""
    ) + "_row_number"
    return f"row_number() over (partition by {keys} order by {order})"


def kept_row_sql(contract: Contract) -> str:
    keys = ", ".join(ident(k) for k in contract.primary_key)
    order = (
        f"{ident(contract.cursor)} desc nulls last, " if contract.cursor else ""
    ) + "_row_number"
    return f"first_value(_row_number) over (partition by {keys} order by {order})"
