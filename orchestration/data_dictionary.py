"""The data dictionary for analysts: dbt's documentation site, cut down to what is published.

``dbt docs generate`` runs in the company's project (with the environment ``yecai dbt`` gives
it) into a folder of its own, so the pipeline's manifest is never touched. Its manifest and
catalog describe every node, staging and internal models included; analysts read only the
published relations, so both are filtered to the models and seeds ``quality.published_relations``
publishes, with their data tests, and to the sources they are built from. Lineage skips what
is not published: a published model's parents become the nearest published models or sources
upstream, so the graph runs from the sources to the marts through relations an analyst can
query. dbt's page (``index.html``) is self-contained and loads the two JSON files beside it,
so the site works offline from any static HTTP server.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from orchestration.commands.dbt_cmd import dbt_command, prepared_env
from orchestration.defs.transform.project_files import ensure_packages
from quality.published_relations import is_published
from yecai.errors import YecaiError
from yecai.published import LAKE_ALIAS
from yecai.settings import Paths

DEFAULT_PORT = 8580
SITE_FILES = ("index.html", "manifest.json", "catalog.json")
RELATION_TYPES = ("model", "seed", "snapshot")
# Waiting this long for a running pipeline to release the warehouse is enough for a daily
# increment; a longer wait should be the user's choice (run `yecai docs` again).
LOCK_WAIT_S = 300
OVERVIEW = """# Data dictionary

The relations published to analysts (`yecai sql`, `yecai.published.connect()`), each with its
description and columns, and the lineage from the source systems to the marts. Relations that
are not published (staging, internal models) are left out; lineage passes through them.

Search for a table by name above, or browse the project tree on the left.
"""


def dictionary_dir(paths: Paths) -> Path:
    """Where the site is written (and served from)."""
    return paths.reports / "data_dictionary"


def dbt_docs_target(paths: Paths) -> Path:
    """dbt's own output (every node), kept apart from the pipeline's target and the site."""
    return paths.dbt_project / "target_docs"


# --- which nodes, and their lineage (pure) ----------------------------------------------------


def relation_name(node: dict) -> str:
    return node.get("alias") or node["name"]


def published_node_ids(manifest: dict) -> set[str]:
    """Models, seeds and snapshots that land in a published relation."""
    return {
        uid
        for uid, node in manifest.get("nodes", {}).items()
        if node.get("resource_type") in RELATION_TYPES
        and (node.get("config") or {}).get("materialized") != "ephemeral"
        and (node.get("config") or {}).get("enabled", True)
        and is_published(node.get("schema", ""), relation_name(node))
    }


def published_lineage(manifest: dict, published: set[str]) -> dict[str, list[str]]:
    """Each published node's nearest published or source ancestors, through any unpublished
    models between them (the lineage an analyst can follow)."""
    parents = manifest.get("parent_map") or {
        uid: list((node.get("depends_on") or {}).get("nodes") or [])
        for uid, node in manifest.get("nodes", {}).items()
    }
    sources = set(manifest.get("sources", {}))

    @functools.cache
    def reached(uid: str) -> frozenset[str]:
        found: set[str] = set()
        for parent in parents.get(uid, []):
            if parent in published or parent in sources:
                found.add(parent)
            else:
                found |= reached(parent)
        return frozenset(found)

    return {uid: sorted(reached(uid)) for uid in sorted(published)}


def _attached_tests(manifest: dict, kept: set[str]) -> dict[str, dict]:
    """Data tests on kept relations only (a relationship test to an unpublished model goes)."""
    tests = {}
    for uid, node in manifest.get("nodes", {}).items():
        if node.get("resource_type") != "test":
            continue
        on = set((node.get("depends_on") or {}).get("nodes") or [])
        if on and on <= kept:
            tests[uid] = node
    return tests


def _without_macros(node: dict, parents: list[str] | None = None) -> dict:
    node = dict(node)
    if parents is not None:  # a published relation: named as analysts query it, not the build
        node["database"] = LAKE_ALIAS
        node["relation_name"] = f"{LAKE_ALIAS}.{node.get('schema')}.{relation_name(node)}"
    depends = dict(node.get("depends_on") or {})
    depends["macros"] = []  # the product's macros are not part of the dictionary
    if parents is not None:
        depends["nodes"] = parents
    node["depends_on"] = depends
    return node


def filter_manifest(manifest: dict) -> dict:
    """The manifest of the dictionary: published relations, their tests, their sources (pure)."""
    published = published_node_ids(manifest)
    lineage = published_lineage(manifest, published)
    used_sources = {p for parents in lineage.values() for p in parents if p.startswith("source.")}
    tests = _attached_tests(manifest, published)
    nodes = {uid: _without_macros(manifest["nodes"][uid], lineage[uid]) for uid in lineage}
    nodes |= {uid: _without_macros(node) for uid, node in tests.items()}
    parent_map: dict[str, list[str]] = {uid: list(p) for uid, p in lineage.items()}
    parent_map |= {uid: list(node["depends_on"]["nodes"]) for uid, node in tests.items()}
    parent_map |= {uid: [] for uid in used_sources}
    child_map: dict[str, list[str]] = {uid: [] for uid in parent_map}
    for child, parents in parent_map.items():
        for parent in parents:
            child_map.setdefault(parent, []).append(child)
    docs = {
        uid: ({**doc, "block_contents": OVERVIEW} if doc.get("name") == "__overview__" else doc)
        for uid, doc in (manifest.get("docs") or {}).items()
    }
    empty = ("exposures", "metrics", "semantic_models", "saved_queries", "unit_tests")
    # dbt's page loads a usage tracker from the internet unless the manifest says not to.
    metadata = {**(manifest.get("metadata") or {}), "send_anonymous_usage_stats": False}
    return {
        **{key: value for key, value in manifest.items() if key not in empty},
        "metadata": metadata,
        **{key: {} for key in empty if key in manifest},
        "nodes": nodes,
        "sources": {uid: manifest["sources"][uid] for uid in sorted(used_sources)},
        "macros": {},
        "docs": docs,
        "disabled": {},
        "functions": {},
        "groups": {},
        "group_map": {},
        "selectors": {},
        "parent_map": parent_map,
        "child_map": {uid: sorted(c) for uid, c in child_map.items()},
    }


def filter_catalog(catalog: dict, manifest: dict) -> dict:
    """The catalog (column types, row counts) of the nodes the filtered manifest keeps (pure)."""
    return {
        **catalog,
        "nodes": {u: v for u, v in (catalog.get("nodes") or {}).items() if u in manifest["nodes"]},
        "sources": {
            u: v for u, v in (catalog.get("sources") or {}).items() if u in manifest["sources"]
        },
        "errors": None,
    }


# --- building ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Dictionary:
    folder: Path
    relations: int
    sources: int

    @property
    def index(self) -> Path:
        return self.folder / "index.html"


def require_built_warehouse(paths: Paths) -> None:
    """The catalog is read from the build warehouse: without one dbt would create it empty."""
    if not paths.build_db.exists():
        raise YecaiError(
            f"no warehouse at {paths.build_db}: the dictionary describes the built models",
            "run `yecai run` first",
        )


def run_dbt_docs(paths: Paths, target: Path) -> None:
    """``dbt docs generate`` into ``target``. It compiles too: without compiling dbt writes no
    manifest (a separate ``dbt parse`` first cost more than the compile, 57 s against 29 s)."""
    env = prepared_env(paths)
    ensure_packages(paths.dbt_project, env)
    args = ["docs", "generate", "--target-path", str(target), "--quiet"]
    # The catalog opens the warehouse; DuckDB allows one process at a time to hold it for
    # writing, so wait for a running pipeline step as every other writer does.
    # dagster (through the resources module) only when a dictionary is built, not on import
    from orchestration.defs.shared.resources import hold_warehouse_lock
    from orchestration.defs.transform.encrypted_build import prepare_encrypted_build

    with hold_warehouse_lock(paths, LOCK_WAIT_S):
        prepare_encrypted_build(paths)  # dbt's encrypted output cannot attach a plain file
        done = subprocess.run(
            dbt_command(paths, args),
            cwd=paths.dbt_project,
            env={**os.environ, **env},
            capture_output=True,
            text=True,
        )
    if done.returncode != 0 or not (target / "catalog.json").exists():
        said = [line for line in (done.stdout + done.stderr).splitlines() if line.strip()]
        raise YecaiError(
            "dbt docs generate failed: "
            + (said[-1].strip() if said else f"exit {done.returncode}"),
            "run `yecai dbt -- docs generate` to see dbt's full output",
        )


def write_site(manifest: dict, catalog: dict, index_html: Path, folder: Path) -> Dictionary:
    """The filtered manifest and catalog beside dbt's page in ``folder``; nothing else there,
    because the folder is what the server serves."""
    kept = filter_manifest(manifest)
    if not published_node_ids(kept):
        raise YecaiError(
            "the dbt project has no model in a published schema",
            "check the models' schemas (see README, 'Opening the published data')",
        )
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    shutil.copyfile(index_html, folder / "index.html")
    for name, data in (("manifest.json", kept), ("catalog.json", filter_catalog(catalog, kept))):
        (folder / name).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return Dictionary(folder, len(published_node_ids(kept)), len(kept["sources"]))


def build_dictionary(paths: Paths, progress: Callable[[str], None] = lambda _: None) -> Dictionary:
    """Generate dbt's docs for the company's project and write the analysts' dictionary."""
    prepared_env(paths)  # a home without a company or dbt project: its own clear error first
    require_built_warehouse(paths)
    target = dbt_docs_target(paths)
    progress("dbt docs generate (reading the project and the warehouse's catalog)…")
    run_dbt_docs(paths, target)
    progress("keeping the published relations and their lineage…")
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    catalog = json.loads((target / "catalog.json").read_text(encoding="utf-8"))
    return write_site(manifest, catalog, target / "index.html", dictionary_dir(paths))


# --- serving ----------------------------------------------------------------------------------


class _SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the site's files only, quietly (one line per request would drown the console)."""

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        name = self.path.split("?", 1)[0].split("#", 1)[0].lstrip("/") or "index.html"
        if name not in SITE_FILES:
            self.send_error(404, "not part of the data dictionary")
            return
        self.path = "/" + name
        super().do_GET()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        return


def make_server(folder: Path, port: int, host: str = "127.0.0.1") -> http.server.HTTPServer:
    """An HTTP server for the site in ``folder``; a clear error when the port is taken."""
    handler = functools.partial(_SiteHandler, directory=str(folder))
    try:
        return http.server.ThreadingHTTPServer((host, port), handler)
    except OSError as exc:
        raise YecaiError(
            f"cannot serve on {host}:{port}: {exc.strerror or exc}",
            "choose another port with --port, or stop what is listening there",
        ) from exc
