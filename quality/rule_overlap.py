"""One rule, one place: every GX check and every dbt test as (table, rule kind, columns).

dbt's tests and enforced contracts gate the build (``dbt build`` fails, nothing is published),
so a GX check of the same rule on the same table and columns runs only on data that already
passed it: it can never fail. ``overlaps`` lists such pairs; a unit test keeps the list empty.

Both sides are read without a warehouse: dbt's tests from the product package's YAML (the
schema each model lands in resolved the way ``dbt_project.yml`` configures it), the GX suites
planned against a catalog built from the same YAML's declared columns.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from quality.catalog import Catalog
from quality.checks import Check

# dbt generic test -> rule kind (GX kinds use the same words, see ``gx_rule``).
_DBT_KINDS = {
    "not_null": "not_null",
    "unique": "unique",
    "unique_combination_of_columns": "unique",
    "accepted_values": "in_set",
    "accepted_range": "between",
    "relationships": "relationships",
    "balanced_by": "balanced",
    "nets_to_zero": "nets_to_zero",
    "closing_equals_next_opening": "carries_forward",
    "lines_equal": "lines_equal",
    "rows_read_equals_landed_plus_quarantined": "rows_conserved",
    "rows_conserved": "rows_conserved",
}
# An enforced contract is two rules: every declared column present, with its declared type.
CONTRACT_RULES = ("columns_present", "column_types")


@dataclass(frozen=True, order=True)
class Rule:
    """One rule on one table: ``columns`` is the sorted, comma-joined columns it is about
    (empty for a rule on the whole table); ``by`` names the GX check or dbt test."""

    table: str
    kind: str
    columns: str
    by: str

    @property
    def ident(self) -> tuple[str, str, str]:
        return (self.table, self.kind, self.columns)


def _cols(*names: Any) -> str:
    flat: list[str] = []
    for n in names:
        if isinstance(n, list | tuple):
            flat.extend(str(x) for x in n)
        elif n:
            flat.append(str(n))
    return ",".join(sorted(flat))


# --- dbt side ------------------------------------------------------------------------
def _folder_schemas(project_dir: Path) -> dict[tuple[str, ...], str]:
    """``+schema`` per models sub-folder of the package, from ``dbt_project.yml``."""
    project = yaml.safe_load((project_dir / "dbt_project.yml").read_text(encoding="utf-8"))
    name = project.get("name")
    out: dict[tuple[str, ...], str] = {}

    def walk(node: dict, path: tuple[str, ...]) -> None:
        if "+schema" in node:
            out[path] = str(node["+schema"])
        for key, child in node.items():
            if isinstance(child, dict) and not key.startswith("+"):
                walk(child, (*path, key))

    walk((project.get("models") or {}).get(name) or {}, ())
    return out


def _schema_of(yml: Path, models_dir: Path, folders: dict[tuple[str, ...], str]) -> str | None:
    parts = yml.parent.relative_to(models_dir).parts
    for n in range(len(parts), -1, -1):
        if parts[:n] in folders:
            return folders[parts[:n]]
    return None


def _test_name_and_args(test: Any) -> tuple[str, dict]:
    if isinstance(test, str):
        return test, {}
    name, body = next(iter(test.items()))
    body = body or {}
    return str(name).split(".")[-1], dict(body.get("arguments") or body)


def _dbt_rule(table: str, test: Any, column: str | None) -> Rule:
    name, args = _test_name_and_args(test)
    kind = _DBT_KINDS.get(name, name)
    if kind == "unique" and "combination_of_columns" in args:
        cols = _cols(args["combination_of_columns"])
    elif kind == "balanced":
        cols = _cols(args.get("group_by"))
    elif kind in ("nets_to_zero", "lines_equal"):
        cols = _cols(args.get("amount_column", "amount"))
    elif kind in ("carries_forward", "rows_conserved"):
        cols = ""
    else:
        cols = _cols(column)
    return Rule(table, kind, cols, f"dbt {name}")


def _models(project_dir: Path):
    """(yml path, model dict) of every model the package documents."""
    for yml in sorted((project_dir / "models").rglob("*.yml")):
        doc = yaml.safe_load(yml.read_text(encoding="utf-8")) or {}
        for model in doc.get("models") or []:
            if isinstance(model, dict) and model.get("name"):
                yield yml, model


def _table(yml: Path, model: dict, project_dir: Path, folders) -> str | None:
    config = model.get("config") or {}
    schema = config.get("schema") or _schema_of(yml, project_dir / "models", folders)
    return f"{schema}.{config.get('alias') or model['name']}" if schema else None


def dbt_rules(project_dir: Path) -> list[Rule]:
    """Every dbt test and enforced contract of the package, as rules on its tables."""
    folders = _folder_schemas(project_dir)
    out: list[Rule] = []
    for yml, model in _models(project_dir):
        table = _table(yml, model, project_dir, folders)
        if table is None:
            continue
        if ((model.get("config") or {}).get("contract") or {}).get("enforced"):
            out.extend(Rule(table, kind, "", "dbt contract") for kind in CONTRACT_RULES)
        for test in model.get("data_tests") or model.get("tests") or []:
            out.append(_dbt_rule(table, test, None))
        for column in model.get("columns") or []:
            for test in column.get("data_tests") or column.get("tests") or []:
                out.append(_dbt_rule(table, test, column.get("name")))
    return out


def declared_catalog(project_dir: Path) -> Catalog:
    """The tables and columns the package's YAML declares: what a built warehouse would hold,
    enough to plan the GX suites without building one."""
    folders = _folder_schemas(project_dir)
    tables: dict[str, dict[str, str]] = {}
    for yml, model in _models(project_dir):
        table = _table(yml, model, project_dir, folders)
        if table is not None:
            cols = model.get("columns") or []
            tables[table] = {str(c["name"]): str(c.get("data_type") or "") for c in cols}
    return Catalog(tables=tables)


# --- GX side -------------------------------------------------------------------------
def gx_rule(check: Check) -> Rule:
    """The rule a GX check states. A ``sql`` check is opaque, so it names its rule
    (``Check.rule``); one that does not is its own rule and overlaps nothing."""
    kind = check.rule or (f"sql:{check.name}" if check.kind == "sql" else check.kind)
    if check.kind == "columns_present":
        cols = ""
    elif check.args.get("columns") and check.kind == "unique":
        cols = _cols(check.args["columns"])
    else:
        cols = _cols(check.column)
    return Rule(check.asset, kind, cols, f"GX {check.name}")


def overlaps(gx: list[Rule], dbt: list[Rule]) -> list[tuple[Rule, Rule]]:
    """(GX rule, dbt rule) pairs that state the same rule on the same table and columns."""
    by_ident: dict[tuple[str, str, str], Rule] = {}
    for rule in dbt:
        by_ident.setdefault(rule.ident, rule)
    return sorted((g, by_ident[g.ident]) for g in gx if g.ident in by_ident)
