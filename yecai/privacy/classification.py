"""Which columns are sensitive: tags read from contracts and dbt model YAML, and the rules
that decide a column's class when nobody tagged it.

Tags are data. A contract column carries ``classification: <class>``; a dbt model column
carries ``meta: {classification: <class>}`` (or ``config: {meta: …}``, dbt ≥ 1.10). The value
``none`` records a review that found the column not sensitive.

Three rules, all pure:

- ``effective_classes``: what to protect in a relation. An explicit tag wins; an untagged
  column whose name says a class, or whose name is tagged upstream, is protected as that
  class. Fail closed: a forgotten tag still masks and redacts.
- ``untagged_findings``: what the detector test fails on: a column that looks like a class
  (by name, source header or sampled values) and carries no tag.
- ``propagation_gaps``: the lineage rule. A model column named like a tagged column of one
  of its upstream relations (dbt ``depends_on``) must carry a tag too.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from yecai.errors import YecaiError
from yecai.privacy.detect import suggest
from yecai.privacy.vocabulary import NOT_SENSITIVE, check_tag, class_by_column_name

TAG_KEY = "classification"
# libyaml when present: a project's model YAML is read on every quality run
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(path: Path) -> dict:
    """A YAML file's mapping, parsed once per version of the file (path, size, mtime)."""
    st = path.stat()
    return _parsed(str(path), st.st_size, st.st_mtime_ns)


@lru_cache(maxsize=1024)
def _parsed(path: str, size: int, mtime_ns: int) -> dict:
    with open(path, encoding="utf-8") as fh:
        return yaml.load(fh, Loader=_LOADER) or {}  # noqa: S506 (a safe loader)


@dataclass(frozen=True)
class RelationTags:
    """The columns of one relation (contract or model) and the tags they carry."""

    relation: str  # raw.<source>.<entity> or <schema>.<model> (or a dbt unique_id)
    columns: tuple[str, ...]
    tags: Mapping[str, str] = field(default_factory=dict)  # column -> class or "none"
    headers: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # column -> source headers
    where: str = ""


# --- readers --------------------------------------------------------------------------
def read_contract_tags(path: Path, relation: str | None = None) -> RelationTags:
    """Tags of one contract file (``<root>/<source>/<entity>.yml``)."""
    try:
        data = load_yaml(path)
    except (OSError, yaml.YAMLError) as exc:
        raise YecaiError(f"cannot read contract {path}: {exc}", "fix the contract file") from exc
    columns: list[str] = []
    tags: dict[str, str] = {}
    for raw in data.get("columns") or []:
        if not isinstance(raw, dict) or "name" not in raw:
            continue  # the contract loader reports malformed columns
        name = str(raw["name"])
        columns.append(name)
        if raw.get(TAG_KEY) is not None:
            tags[name] = check_tag(raw[TAG_KEY], f"{path}, column {name!r}")
    headers: dict[str, list[str]] = {}
    for header, column in (data.get("header_map") or {}).items():
        headers.setdefault(str(column), []).append(str(header))
    rel = relation or f"raw.{path.parent.name}.{path.stem}"
    return RelationTags(
        rel, tuple(columns), tags, {c: tuple(h) for c, h in headers.items()}, str(path)
    )


def read_contracts(roots: Iterable[Path]) -> list[RelationTags]:
    """Every contract under each root (``<root>/<source>/<entity>.yml``), sorted."""
    out = []
    for root in roots:
        for path in sorted(Path(root).glob("*/*.yml")):
            out.append(read_contract_tags(path))
    return out


def _column_tag(column: Mapping, where: str) -> str | None:
    """A model column's tag: ``meta.classification`` or ``config.meta.classification``."""
    for meta in (column.get("meta"), (column.get("config") or {}).get("meta")):
        if isinstance(meta, Mapping) and meta.get(TAG_KEY) is not None:
            return check_tag(meta[TAG_KEY], where)
    return None


def read_model_yaml_tags(models_dir: Path) -> dict[str, RelationTags]:
    """Model name -> documented columns and their tags, from every ``*.yml`` under the dir."""
    out: dict[str, RelationTags] = {}
    for path in sorted(Path(models_dir).rglob("*.yml")):
        try:
            doc = load_yaml(path)
        except (OSError, yaml.YAMLError) as exc:
            raise YecaiError(f"cannot read {path}: {exc}", "fix the YAML file") from exc
        for model in doc.get("models") or []:
            if not isinstance(model, Mapping) or not model.get("name"):
                continue
            name = str(model["name"])
            columns, tags = [], {}
            for col in model.get("columns") or []:
                if not isinstance(col, Mapping) or not col.get("name"):
                    continue
                cname = str(col["name"])
                columns.append(cname)
                tag = _column_tag(col, f"{path}, model {name}, column {cname!r}")
                if tag:
                    tags[cname] = tag
            out[name] = RelationTags(name, tuple(columns), tags, where=str(path))
    return out


@dataclass(frozen=True)
class ManifestLineage:
    """Relations (models, seeds, snapshots, sources) of a dbt manifest and their parents."""

    relations: dict[str, RelationTags]  # unique_id -> columns and tags
    parents: dict[str, tuple[str, ...]]  # unique_id -> unique_ids it depends on
    names: dict[str, str]  # unique_id -> schema.name (sources: raw.<source>.<entity>)


def read_manifest(path: Path) -> ManifestLineage:
    """Tags and lineage from dbt's ``target/manifest.json`` (``dbt parse`` writes it)."""
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise YecaiError(f"cannot read dbt manifest {path}: {exc}", "run `dbt parse`") from exc
    relations: dict[str, RelationTags] = {}
    parents: dict[str, tuple[str, ...]] = {}
    names: dict[str, str] = {}
    for section in ("nodes", "sources"):
        for uid, node in (manifest.get(section) or {}).items():
            if node.get("resource_type") not in ("model", "seed", "snapshot", "source"):
                continue
            cols = node.get("columns") or {}
            tags = {}
            for cname, col in cols.items():
                tag = _column_tag(col, f"{node.get('original_file_path', uid)}, column {cname!r}")
                if tag:
                    tags[cname] = tag
            relations[uid] = RelationTags(uid, tuple(cols), tags, where=str(node.get("path", "")))
            parents[uid] = tuple((node.get("depends_on") or {}).get("nodes") or ())
            if node.get("resource_type") == "source":
                names[uid] = f"raw.{node.get('source_name')}.{node.get('name')}"
            else:
                names[uid] = f"{node.get('schema')}.{node.get('alias') or node.get('name')}"
    return ManifestLineage(relations, parents, names)


def with_contract_tags(
    lineage: ManifestLineage, contracts: Iterable[RelationTags]
) -> ManifestLineage:
    """``lineage`` with each dbt source (``raw.<source>.<entity>``) carrying its contract's
    columns and tags: contracts, not dbt's source YAML, are where raw columns are tagged."""
    by_name = {c.relation: c for c in contracts}
    relations = dict(lineage.relations)
    for uid, name in lineage.names.items():
        if uid.startswith("source.") and name in by_name:
            contract = by_name[name]
            relations[uid] = RelationTags(
                uid, contract.columns, contract.tags, where=contract.where
            )
    return ManifestLineage(relations, lineage.parents, lineage.names)


# --- rules ----------------------------------------------------------------------------
def tagged_names(relations: Iterable[RelationTags]) -> dict[str, str]:
    """Column name -> class, for every column tagged with a class anywhere in ``relations``.

    Two relations tagging one name with different classes keep the first, sorted by
    relation name, so the answer does not depend on reading order.
    """
    out: dict[str, str] = {}
    for rel in sorted(relations, key=lambda r: r.relation):
        for col, tag in rel.tags.items():
            if tag != NOT_SENSITIVE:
                out.setdefault(col, tag)
    return out


def effective_classes(
    columns: Sequence[str],
    tags: Mapping[str, str] | None = None,
    upstream_names: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """Column -> class for every column of a relation that must be protected.

    ``tags`` are the relation's own (``none`` exempts a column); an untagged column is
    protected when its name says a class or when ``upstream_names`` (``tagged_names`` of
    what it is built from) tags that name.
    """
    tags = tags or {}
    upstream_names = upstream_names or {}
    out: dict[str, str] = {}
    for col in columns:
        tag = tags.get(col)
        if tag == NOT_SENSITIVE:
            continue
        cls = tag or class_by_column_name(col) or upstream_names.get(col)
        if cls:
            out[col] = cls
    return out


@dataclass(frozen=True)
class Finding:
    relation: str
    column: str
    suggested: str
    reason: str
    where: str = ""

    def __str__(self) -> str:
        at = f" ({self.where})" if self.where else ""
        return (
            f"{self.relation}.{self.column} looks like {self.suggested} ({self.reason}) "
            f"but carries no classification tag{at}"
        )


def untagged_findings(
    relation: RelationTags, samples: Mapping[str, Sequence[object]] | None = None
) -> list[Finding]:
    """Columns of ``relation`` that look like a class and carry no tag (not even ``none``)."""
    samples = samples or {}
    out = []
    for col in relation.columns:
        if col in relation.tags:
            continue
        hit = suggest(col, samples.get(col, ()), relation.headers.get(col, ()))
        if hit:
            out.append(Finding(relation.relation, col, hit.suggested, hit.reason, relation.where))
    return out


def propagation_gaps(lineage: ManifestLineage) -> list[Finding]:
    """Model columns named like a tagged column of an upstream relation, without a tag.

    Upstream is transitive (a mart column named like a staging column tagged two models
    back is a gap too); ``none`` on the model column is a reviewed exemption.
    """

    def ancestors(uid: str) -> set[str]:
        seen: set[str] = set()
        stack = list(lineage.parents.get(uid, ()))
        while stack:
            p = stack.pop()
            if p not in seen:
                seen.add(p)
                stack.extend(lineage.parents.get(p, ()))
        return seen

    out = []
    for uid, rel in sorted(lineage.relations.items()):
        if not uid.startswith("model."):
            continue
        upstream = tagged_names(
            lineage.relations[a] for a in ancestors(uid) if a in lineage.relations
        )
        for col in rel.columns:
            if col in rel.tags or col not in upstream:
                continue
            out.append(
                Finding(
                    lineage.names.get(uid, uid),
                    col,
                    upstream[col],
                    f"an upstream column {col!r} is tagged {upstream[col]}",
                    rel.where,
                )
            )
    return out
