"""Canonical-model suites: validity of the standard data interface (标准化数据接口).

The canonical tables are still being modelled, so rules attach by column name:
every table in schema ``canonical`` gets the rules whose pattern matches one of its
columns. Adding a rule is adding one ``ColumnRule`` to ``COLUMN_RULES``; a rule for
one specific table goes in ``table_checks``. Source data carries defects by design,
so validity findings warn (they are routed to exception tables) rather than block.
Column types are not checked here: every canonical model has an enforced dbt contract that
types each column (docs/decisions/one-rule-one-place.md).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from quality.catalog import Catalog
from quality.checks import Asset, Check, Dimension, Layer, Severity
from quality.sql_rules import (
    CURRENCY_REGEX,
    SOURCE_PERIOD_REGEX,
    national_id_is_valid_sql,
    quote_ident,
    uscc_is_valid_sql,
)
from yecai.settings import DBT_PROJECT_DIR

SCHEMA = "canonical"
OWNER = "data-engineering"


@dataclass(frozen=True)
class ColumnRule:
    """A rule applied to every canonical column whose name matches ``column_pattern``."""

    name: str
    column_pattern: str
    dimension: Dimension
    severity: Severity
    description: str
    # (column, key columns, catalog) -> kind and args of the check
    build: Callable[[str, tuple[str, ...], Catalog], tuple[str, dict] | None]


def _invalid_rows(valid_sql: Callable[[str], str], applies_regex: str | None = None):
    """Rows whose value fails ``valid_sql``; with ``applies_regex``, only values it matches."""

    def build(col: str, keys: tuple[str, ...], _: Catalog) -> tuple[str, dict]:
        cols = ", ".join(quote_ident(c) for c in (*keys, col))
        scope = (
            f"and regexp_matches({quote_ident(col)}, '{applies_regex}') " if applies_regex else ""
        )
        sql = (
            f"select {cols} from {{batch}} where {quote_ident(col)} is not null {scope}"
            f"and not coalesce({valid_sql(col)}, false)"
        )
        return "sql", {"sql": sql}

    return build


def _regex(pattern: str):
    def build(col: str, keys: tuple[str, ...], _: Catalog) -> tuple[str, dict]:
        return "regex", {"regex": pattern}

    return build


def _date_range(col: str, keys: tuple[str, ...], _: Catalog) -> tuple[str, dict]:
    cols = ", ".join(quote_ident(c) for c in (*keys, col))
    c = quote_ident(col)
    sql = (
        f"select {cols} from {{batch}} where try_cast({c} as date) < date '1990-01-01' "
        f"or try_cast({c} as date) > current_date + interval 400 day"
    )
    return "sql", {"sql": sql}


def _party_reference(col: str, keys: tuple[str, ...], catalog: Catalog) -> tuple[str, dict] | None:
    if not catalog.has_column("master.parties", "unified_code"):
        return None  # master data not built yet: nothing to refer to
    cols = ", ".join(quote_ident(c) for c in (*keys, col))
    c = quote_ident(col)
    # No alias on {batch}: GX already renders it as ``(...) AS subselect``, so ``{batch} b``
    # was a syntax error and the rule never gave a verdict.
    sql = (
        f"select {cols} from {{batch}} where {c} is not null and {c} not in "
        "(select unified_code from master.parties where unified_code is not null)"
    )
    return "sql", {"sql": sql}


COLUMN_RULES: tuple[ColumnRule, ...] = (
    ColumnRule(
        "uscc_check_digit",
        r"(unified_social_credit_code|uscc)$",
        Dimension.VALIDITY,
        Severity.WARNING,
        "GB 32100-2015 check digit of the unified social credit code",
        _invalid_rows(uscc_is_valid_sql),
    ),
    ColumnRule(
        "national_id_check_digit",
        r"(national_id|id_card_no|identity_number)$",
        Dimension.VALIDITY,
        Severity.WARNING,
        "GB 11643 check digit of the resident identity number (values starting with a digit;"
        " foreign IDs such as Singapore NRIC start with a letter)",
        _invalid_rows(national_id_is_valid_sql, applies_regex="^[0-9]"),
    ),
    ColumnRule(
        "currency_code",
        r"(^|_)currency(_code)?$",
        Dimension.VALIDITY,
        Severity.WARNING,
        "currency is a three-letter ISO 4217 code",
        _regex(CURRENCY_REGEX),
    ),
    ColumnRule(
        "period_format",
        r"^(fiscal_)?period$",
        Dimension.VALIDITY,
        Severity.WARNING,
        "period is YYYY-MM (YYYY-00 allowed: source ERPs book opening balances in period 00)",
        _regex(SOURCE_PERIOD_REGEX),
    ),
    ColumnRule(
        "date_in_range",
        r"(_date|_on)$",
        Dimension.VALIDITY,
        Severity.WARNING,
        "date between 1990-01-01 and about a year from today",
        _date_range,
    ),
    ColumnRule(
        "party_in_master",
        r"^(unified_party_code|party_unified_code)$",
        Dimension.CONSISTENCY,
        Severity.WARNING,
        "the party's unified code exists in master.parties",
        _party_reference,
    ),
)

# Columns that name a failing row: the model's surrogate key (``<thing>_key``) plus the
# lineage every canonical model carries (source system and document id).
KEY_CANDIDATES = ("source_system", "source_document_id", "legal_entity_code", "entity_code")


def _keys_for(table: str, catalog: Catalog) -> tuple[str, ...]:
    surrogate = [c for c in catalog.columns(table) if c.endswith("_key")][:1]
    lineage = [c for c in KEY_CANDIDATES if catalog.has_column(table, c)][:2]
    return tuple(surrogate + lineage)


@lru_cache(maxsize=1)
def model_domains(models_dir: Path = DBT_PROJECT_DIR / "models" / "intermediate") -> dict[str, str]:
    """Model name -> its folder under models/intermediate (parties, sales, ledger, …)."""
    out: dict[str, str] = {}
    for yml in sorted(models_dir.glob("*/*.yml")):
        try:
            doc = yaml.safe_load(yml.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError):
            continue  # a broken YAML is dbt's error to report; fall back to the table name
        for model in doc.get("models") or []:
            if isinstance(model, dict) and model.get("name"):
                out[str(model["name"])] = yml.parent.name
    return out


def _domain(table: str) -> str:
    name = table.split(".", 1)[1]
    return model_domains().get(name, name.split("_", 1)[0])


def canonical_tables(catalog: Catalog) -> list[str]:
    """The standard interface's tables; ``int_*`` helpers (e.g. rate validity ranges with
    1900-01-01 sentinels) are internal to the models and not checked as data."""
    return [t for t in catalog.tables_in(SCHEMA) if not t.split(".", 1)[1].startswith("int_")]


def assets(catalog: Catalog) -> list[Asset]:
    return [
        Asset(name=t, layer=Layer.CANONICAL, query=f"select * from {t}", keys=_keys_for(t, catalog))
        for t in canonical_tables(catalog)
    ]


def checks(catalog: Catalog) -> list[Check]:
    out: list[Check] = []
    for table in canonical_tables(catalog):
        keys = _keys_for(table, catalog)
        domain = _domain(table)
        for column in catalog.columns(table):
            for rule in COLUMN_RULES:
                if not re.search(rule.column_pattern, column):
                    continue
                built = rule.build(column, keys, catalog)
                if built is None:
                    continue
                kind, args = built
                out.append(
                    Check(
                        asset=table,
                        name=f"{rule.name}__{column}",
                        kind=kind,
                        dimension=rule.dimension,
                        domain=domain,
                        owner=OWNER,
                        severity=rule.severity,
                        description=f"{column}: {rule.description}",
                        column=column,
                        args=args,
                    )
                )
    out.extend(table_checks(catalog))
    return out


def table_checks(catalog: Catalog) -> list[Check]:
    """Rules for one named canonical table; add them here once its columns are fixed."""
    return []
