"""What a quality check is: one declared rule on one asset, tagged for the scorecard.

A suite is a list of ``Check`` values. Each check becomes exactly one GX expectation
(``to_expectation``) whose ``meta`` carries the tags, so Data Docs show them too.
Invariants are ``kind="sql"``: an unexpected-rows query GX pushes down to DuckDB
whole, never a sample; the rows it returns are the failing keys.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import great_expectations as gx


class Dimension(StrEnum):
    COMPLETENESS = "completeness"
    VALIDITY = "validity"
    ACCURACY = "accuracy"
    CONSISTENCY = "consistency"
    TIMELINESS = "timeliness"
    UNIQUENESS = "uniqueness"


class Severity(StrEnum):
    BLOCKING = "blocking"  # a failure stops publishing
    WARNING = "warning"  # reported on the scorecard, never blocks


class Layer(StrEnum):
    RAW = "raw"
    CANONICAL = "canonical"
    MARTS = "marts"


# The kinds a check can be, and the GX expectation each maps to.
KINDS = (
    "not_null",
    "unique",
    "in_set",
    "regex",
    "between",
    "columns_present",
    "row_count_min",
    "sql",
)


@dataclass(frozen=True)
class Asset:
    """A table (or Parquet glob) checks run against, read through a GX query asset.

    ``query`` selects the whole table; a query asset rather than a table asset because
    GX 1.24 column checks fail on DuckDB tables outside the ``main`` schema.
    ``keys`` name the rows in failing-key samples. ``source`` is ``warehouse`` (the
    DuckDB file being audited) or ``lake`` (an in-memory DuckDB reading Parquet).
    """

    name: str
    layer: Layer
    query: str
    keys: tuple[str, ...] = ()
    source: str = "warehouse"
    # A lake asset's files (a glob). Landed files are never changed in place, so their names,
    # sizes and mtimes fingerprint the rows without reading them (quality/audit_memo.py).
    files: str | None = None


@dataclass(frozen=True)
class Check:
    """One rule on one asset. ``name`` is unique within the asset."""

    asset: str
    name: str
    kind: str
    dimension: Dimension
    domain: str
    owner: str
    severity: Severity
    description: str
    column: str | None = None
    # kind-specific arguments: value_set, regex, min_value, max_value, columns, sql
    args: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    # The rule a ``sql`` check states ("balanced", "nets_to_zero", …), so quality/rule_overlap.py
    # can tell it from a dbt test of the same rule; other kinds are their own rule.
    rule: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"check {self.asset}/{self.name}: unknown kind {self.kind!r}")
        if self.kind == "sql" and "{batch}" not in self.args.get("sql", ""):
            # Without {batch} GX would query outside the asset being validated.
            raise ValueError(f"check {self.asset}/{self.name}: sql must select from {{batch}}")

    @property
    def meta(self) -> dict[str, str]:
        return {
            "check": self.name,
            "dimension": str(self.dimension),
            "domain": self.domain,
            "owner": self.owner,
            "severity": str(self.severity),
        }


def gx_query(sql: str) -> str:
    """``sql`` as GX wants it: ``{batch}`` substituted, every other brace literal.

    GX formats the query with ``str.format``, so a regex quantifier such as ``{18}``
    must be written ``{{18}}``; suites keep plain SQL and this escapes it once.
    """
    return sql.replace("{", "{{").replace("}", "}}").replace("{{batch}}", "{batch}")


def regex_sql(column: str, regex: str, keys: tuple[str, ...] = ()) -> str:
    """Unexpected rows whose non-null ``column`` does not match ``regex``.

    GX 1.24 has no regex support for the DuckDB dialect, so the rule runs as SQL.
    """
    from quality.sql_rules import quote_ident, quote_literal

    cols = ", ".join(quote_ident(c) for c in (*[k for k in keys if k != column], column))
    c = quote_ident(column)
    return (
        f"select {cols} from {{batch}} where {c} is not null "
        f"and not regexp_matches(cast({c} as varchar), {quote_literal(regex)})"
    )


def to_expectation(
    check: Check, keys: tuple[str, ...] = (), sensitive: tuple[str, ...] = ()
) -> gx.expectations.Expectation:
    """The GX expectation for ``check``, with its tags in ``meta``.

    ``keys`` name the failing rows of checks GX runs as SQL (regex). ``keys`` and the asset's
    ``sensitive`` columns go into ``meta`` too: the validation-results store redacts with
    them before anything is written (``gx_redacting_store``).
    """
    meta = {**check.meta, "key_columns": list(keys), "redact_columns": list(sensitive)}
    common: dict[str, Any] = {"meta": meta, "description": check.description}
    a = check.args
    e = gx.expectations
    if check.kind == "not_null":
        return e.ExpectColumnValuesToNotBeNull(column=check.column, **common)
    if check.kind == "unique":
        if a.get("columns"):
            return e.ExpectCompoundColumnsToBeUnique(column_list=list(a["columns"]), **common)
        return e.ExpectColumnValuesToBeUnique(column=check.column, **common)
    if check.kind == "in_set":
        return e.ExpectColumnValuesToBeInSet(
            column=check.column, value_set=list(a["value_set"]), **common
        )
    if check.kind == "regex":
        sql = regex_sql(check.column or "", a["regex"], keys)
        return e.UnexpectedRowsExpectation(unexpected_rows_query=gx_query(sql), **common)
    if check.kind == "between":
        return e.ExpectColumnValuesToBeBetween(
            column=check.column,
            min_value=a.get("min_value"),
            max_value=a.get("max_value"),
            **common,
        )
    if check.kind == "columns_present":
        return e.ExpectTableColumnsToMatchSet(
            column_set=list(a["columns"]), exact_match=False, **common
        )
    if check.kind == "row_count_min":
        return e.ExpectTableRowCountToBeBetween(min_value=a.get("min_value", 1), **common)
    return e.UnexpectedRowsExpectation(unexpected_rows_query=gx_query(a["sql"]), **common)
