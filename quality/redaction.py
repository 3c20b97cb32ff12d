"""Failing keys without sensitive values: what a check may show of the rows it failed on.

A failed check's sample reaches the results history, ``governance.quality_results``, GX's
validation JSON and Data Docs, the scorecard, Dagster's event log and the alerts. All of them
get it from here, so they carry the asset's key columns and row numbers, never the values of
classified columns (``yecai.privacy.classification``); any other text is scrubbed of what
looks like an ID number, card, phone or e-mail.

Which columns are sensitive: the asset's own tags (contract tags for ``raw.<source>.<entity>``,
dbt column ``meta`` for models), then any column whose name says a class or is tagged in a
contract (the lineage rule, applied by name: fail closed while a model is still untagged).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

from yecai.errors import YecaiError
from yecai.privacy.classification import (
    RelationTags,
    effective_classes,
    read_contract_tags,
    read_model_yaml_tags,
    tagged_names,
)
from yecai.privacy.redact import redact_row, redact_text, redact_value
from yecai.privacy.vocabulary import class_by_column_name
from yecai.settings import DBT_PROJECT_DIR, Paths

# GX result fields that list the checked column's values, and those that list rows.
VALUE_FIELDS = ("partial_unexpected_list", "unexpected_list", "partial_unexpected_counts")
ROW_FIELDS = ("partial_unexpected_index_list", "unexpected_index_list", "unexpected_rows")


def is_sensitive(column: str, sensitive: Collection[str]) -> bool:
    """Sensitive when listed, or when the name alone says a class (fail closed)."""
    return column in sensitive or class_by_column_name(column) is not None


def _rows(value: Any, sensitive: Collection[str], keys: Collection[str]) -> Any:
    if not isinstance(value, list):
        return value
    out = []
    for row in value:
        if isinstance(row, Mapping):
            names = {c for c in row if is_sensitive(str(c), sensitive) and c not in keys}
            out.append(redact_row(row, names, keys))
        else:
            out.append(redact_value(row))  # a bare row number or key
    return out


def _values(value: Any) -> Any:
    if not isinstance(value, list):
        return value
    out = []
    for item in value:
        if isinstance(item, Mapping):  # partial_unexpected_counts: {"value": …, "count": n}
            out.append({k: redact_value(v) for k, v in item.items()})
        else:
            out.append(redact_value(item))
    return out


def redact_gx_result(
    result: Mapping[str, Any],
    columns: Collection[str],
    sensitive: Collection[str],
    keys: Collection[str] = (),
) -> dict[str, Any]:
    """A GX expectation ``result`` dict safe to store and show.

    ``columns`` are the column(s) the expectation checks: when one is sensitive, the lists of
    its values are removed outright (the count stays); rows keep their ``keys``.
    """
    out = dict(result)
    checked_sensitive = any(is_sensitive(c, sensitive) for c in columns)
    for name in VALUE_FIELDS:
        if name in out:
            if checked_sensitive:
                out.pop(name)
            else:
                out[name] = _values(out[name])
    for name in ROW_FIELDS:
        if name in out:
            out[name] = _rows(out[name], sensitive, keys)
    details = out.get("details")
    if isinstance(details, Mapping) and "unexpected_rows" in details:
        out["details"] = {
            **details,
            "unexpected_rows": _rows(details["unexpected_rows"], sensitive, keys),
        }
    observed = out.get("observed_value")
    if isinstance(observed, str):
        out["observed_value"] = None if checked_sensitive else redact_text(observed)
    return out


# --- which columns of an asset are sensitive ------------------------------------------
def _contract_roots(paths: Paths) -> dict[str, Path]:
    """Source -> its contracts folder, from the active configuration. Without a readable
    configuration there are no contract tags: the name rule still protects, and ingestion
    reports the configuration's error where it belongs."""
    from ingestion.config import load_config

    try:
        return {name: cfg.contracts_root for name, cfg in load_config(paths).items()}
    except YecaiError:
        return {}


class SensitiveColumns:
    """Reads every contract's and dbt model's tags once; answers per asset."""

    def __init__(self, paths: Paths, dbt_models_dir: Path | None = None) -> None:
        self.contracts: dict[str, RelationTags] = {}
        for source, root in _contract_roots(paths).items():
            for path in sorted((Path(root) / source).glob("*.yml")):
                rel = read_contract_tags(path, f"raw.{source}.{path.stem}")
                self.contracts[rel.relation] = rel
        # The product's models and the company's own (its staging models) carry tags.
        models_dirs = (
            [Path(dbt_models_dir)]
            if dbt_models_dir
            else [DBT_PROJECT_DIR / "models", paths.dbt_project / "models"]
        )
        self.models = {}
        for models_dir in models_dirs:
            if models_dir.is_dir():
                self.models.update(read_model_yaml_tags(models_dir))
        self.upstream = tagged_names(self.contracts.values())

    def for_asset(self, asset: str, columns: Collection[str] = ()) -> tuple[str, ...]:
        """The columns of ``asset`` (``raw.<source>.<entity>``, ``canonical.employee``) to protect."""
        own = self.contracts.get(asset) or self.models.get(asset.split(".", 1)[-1])
        names = list(dict.fromkeys([*(own.columns if own else ()), *columns]))
        return tuple(effective_classes(names, own.tags if own else {}, self.upstream))
