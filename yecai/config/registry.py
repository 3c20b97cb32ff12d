"""The source registry dbt sees: built from ``sources.yml`` and the company's dbt project.

Per source: its kind, the legal entities it keeps data for, its books (``ledger``,
``derived`` or ``none``) and the documents it supplies, one conforming model
``stg_<source>__<document>`` each. The documents are found in the company's dbt project
(``dbt/models/**``) or declared in ``sources.yml`` (``documents: [...]``); either way they are
checked against each other and against the standard interface, and a mismatch is named.
``registry_json`` is what every dbt yecai runs gets as ``YECAI_SOURCE_REGISTRY`` (see
``orchestration.defs.transform.dbt_args.dbt_env``).
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import yaml

from yecai.config.errors import did_you_mean
from yecai.config.load import is_configured, load_company
from yecai.config.schema import CompanyConfig
from yecai.errors import YecaiError
from yecai.settings import DBT_PACKAGE_DIR, Paths

INTERFACE_FILE = DBT_PACKAGE_DIR / "models" / "interface" / "_interface.yml"
CONFORMING_RE = re.compile(r"^stg_([a-z][a-z0-9_]*?)__([a-z][a-z0-9_]*)$")
EMPTY_REGISTRY = {"sources": {}, "documents": {}}


@cache
def interface_documents(interface_file: Path = INTERFACE_FILE) -> tuple[str, ...]:
    """The documents of the standard interface, in the order the interface lists them."""
    data = yaml.safe_load(interface_file.read_text(encoding="utf-8")) or {}
    return tuple(model["config"]["meta"]["yecai_document"] for model in data.get("models", []))


def model_paths(dbt_project_dir: Path) -> list[Path]:
    """The model folders of a dbt project (its ``model-paths``, default ``models``)."""
    project_file = dbt_project_dir / "dbt_project.yml"
    found = ["models"]
    if project_file.is_file():
        data = yaml.safe_load(project_file.read_text(encoding="utf-8")) or {}
        found = data.get("model-paths") or found
    return [dbt_project_dir / p for p in found]


def conforming_models(dbt_project_dir: Path, documents: tuple[str, ...]) -> dict[str, dict]:
    """``{source: {document: path}}`` of the models named ``stg_<source>__<document>``."""
    found: dict[str, dict] = {}
    for folder in model_paths(dbt_project_dir):
        for path in sorted(folder.rglob("stg_*__*.sql")) if folder.is_dir() else []:
            match = CONFORMING_RE.match(path.stem)
            if match and match.group(2) in documents:
                found.setdefault(match.group(1), {})[match.group(2)] = path
    return found


def supplied_documents(
    company: CompanyConfig, dbt_project_dir: Path, where: str
) -> dict[str, list[str]]:
    """Per registered source, the documents it supplies; a YecaiError names every mismatch."""
    documents = interface_documents()
    models = conforming_models(dbt_project_dir, documents)
    problems: list[str] = []
    for source, found in sorted(models.items()):
        if source not in company.sources:
            names = ", ".join(p.name for p in found.values())
            problems.append(
                f"{dbt_project_dir}: {names} conform(s) for source {source!r}, which {where} does "
                f"not register → add source {source} to {where} or rename the model(s)"
            )
    supplied: dict[str, list[str]] = {}
    for name, source in company.sources.items():
        has_model = set(models.get(name, {}))
        if source.documents is None:
            supplied[name] = sorted(has_model)
            continue
        for document in source.documents:
            if document not in documents:
                guess = did_you_mean(document, list(documents))
                hint = f" (did you mean {guess!r}?)" if guess else ""
                problems.append(
                    f"{where}: sources.{name}.documents: {document!r} is no document of the "
                    f"standard interface{hint} → see docs/standard-interface.md"
                )
            elif document not in has_model:
                problems.append(
                    f"{where}: sources.{name}.documents lists {document}, but there is no model "
                    f"stg_{name}__{document} in {dbt_project_dir / 'models'} → write it "
                    "(docs/standard-interface.md) or drop the document"
                )
        for document in sorted(has_model - set(source.documents)):
            problems.append(
                f"{where}: sources.{name}.documents leaves out {document}, but model "
                f"stg_{name}__{document} conforms to it → add {document} to documents or remove "
                "the model"
            )
        supplied[name] = sorted(set(source.documents) & has_model)
    if problems:
        raise YecaiError("\n".join(problems), "make sources.yml and the conforming models agree")
    return supplied


def build_registry(company: CompanyConfig, dbt_project_dir: Path, where: str) -> dict:
    """The registry as dbt reads it (macros/registry/registry.sql in the product)."""
    supplied = supplied_documents(company, dbt_project_dir, where)
    sources = {
        name: {
            "kind": source.kind,
            "books": source.books,
            "legal_entities": list(source.legal_entities),
            "documents": supplied[name],
        }
        for name, source in sorted(company.sources.items())
    }
    by_document: dict[str, list[str]] = {}
    for name in sorted(sources):
        for document in sources[name]["documents"]:
            by_document.setdefault(document, []).append(name)
    return {"sources": sources, "documents": by_document}


def load_registry(paths: Paths) -> dict:
    """The registry of this home's company; empty when the home holds none yet."""
    if not is_configured(paths):
        return EMPTY_REGISTRY
    company = load_company(paths)
    return build_registry(company, paths.dbt_project, str(paths.sources_config))


def registry_json(paths: Paths) -> str:
    return json.dumps(load_registry(paths), sort_keys=True, separators=(",", ":"))
