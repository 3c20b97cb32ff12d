"""The GX Data Context yecai uses: a file context under ``<home>/quality/gx``.

A file context keeps suites and validation results between runs, so the Data Docs
site (``<reports>/data_docs``) shows every run, not only the last one. All access
goes through ``gx_session``, which holds a file lock: the CLI and Dagster may run
checks at the same time and GX's JSON stores are not safe for concurrent writers.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import great_expectations as gx
from filelock import FileLock
from great_expectations.data_context.types.base import ProgressBarsConfig

from quality.gx_duckdb import enable_duckdb_persisted_connection
from yecai.settings import Paths

SITE_NAME = "yecai"
REDACTING_STORE = {
    "class_name": "RedactingValidationResultsStore",
    "module_name": "quality.gx_redacting_store",
}
# Written once every stored validation result has gone through the redacting store.
REDACTED_MARKER = ".validation-results-redacted"
# The Data Docs index lists this many of the newest validation results (GX reads each result it
# lists on every build); older result pages stay on disk, the scorecard keeps the full history.
INDEX_RESULTS = 400
# Touched after each Data Docs build: what is newer is rendered by the next one.
DOCS_STAMP = ".built"
WAREHOUSE_DATASOURCE = "warehouse"
LAKE_DATASOURCE = "lake"


def context_root(paths: Paths) -> Path:
    return paths.home / "quality"


def data_docs_dir(paths: Paths) -> Path:
    return paths.reports / "data_docs"


def _configure(context, paths: Paths) -> None:
    """Progress bars off (we print our own), one Data Docs site under the reports folder."""
    bars = context.variables.progress_bars  # an object when set, a dict once reloaded
    on = bars.get("globally", True) if isinstance(bars, dict) else getattr(bars, "globally", True)
    if bars is None or on:
        context.variables.progress_bars = ProgressBarsConfig(globally=False)
        context.variables.save()
    sites = context.variables.data_docs_sites or {}
    wanted = str(data_docs_dir(paths))
    site = sites.get(SITE_NAME)
    index = (site or {}).get("site_index_builder", {})
    if (
        site is None
        or site.get("store_backend", {}).get("base_directory") != wanted
        or index.get("validation_results_limit") != INDEX_RESULTS
    ):
        if site is not None:
            context.delete_data_docs_site(SITE_NAME)
        context.add_data_docs_site(
            SITE_NAME,
            {
                "class_name": "SiteBuilder",
                "store_backend": {
                    "class_name": "TupleFilesystemStoreBackend",
                    "base_directory": wanted,
                },
                "site_index_builder": {
                    "class_name": "DefaultSiteIndexBuilder",
                    "validation_results_limit": INDEX_RESULTS,
                },
            },
        )
    if "local_site" in (context.variables.data_docs_sites or {}):
        context.delete_data_docs_site("local_site")  # one site, where the reports live
    _use_redacting_store(context, context_root(paths))


def _use_redacting_store(context, root: Path) -> None:
    """Validation results go through ``RedactingValidationResultsStore`` (no sensitive value
    on disk). Results stored before it existed are rewritten once, then a marker says so.

    GX 1.x loads its default results store whatever the configuration file names, so the
    store is put in place in every session; only the rewrite is once (it costs a second per
    hundred stored results, and every run adds about a hundred).
    """
    name = context.validation_results_store_name
    config = dict(context.config.stores.get(name) or {})
    backend = config.get("store_backend") or {
        "class_name": "TupleFilesystemStoreBackend",
        "base_directory": "uncommitted/validations/",
    }
    store = context.add_store(name, {**REDACTING_STORE, "store_backend": backend})
    marker = root / "gx" / REDACTED_MARKER
    if marker.exists():
        return
    for key in store.list_keys():
        try:
            store.set(key, store.get(key))  # serialise again, now redacted
        except Exception as exc:  # an unreadable old result: say so, GX reports it too
            logging.getLogger(__name__).warning("could not redact stored result %s: %s", key, exc)
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.touch()


@contextmanager
def gx_session(paths: Paths) -> Iterator[gx.data_context.FileDataContext]:
    """A configured file context, held under a lock for the duration of the block."""
    enable_duckdb_persisted_connection()
    # GX logs every metric it computes at INFO; we report results ourselves.
    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    root = context_root(paths)
    root.mkdir(parents=True, exist_ok=True)
    with FileLock(str(root / ".gx.lock"), timeout=600):
        stamp = data_docs_dir(paths) / DOCS_STAMP
        set_aside_torn_store_files(root, stamp.stat().st_mtime_ns if stamp.exists() else None)
        context = _open_context(root)
        _configure(context, paths)
        yield context
        _keep_good_config(root)


# The stores whose JSON files yecai writes again in every session (add_or_update): a torn one
# can be set aside and is recreated by the session itself.
REWRITTEN_STORES = ("validation_definitions", "expectations", "checkpoints")


def set_aside_torn_store_files(root: Path, results_since_ns: int | None = None) -> list[Path]:
    """Rename each empty or unparsable JSON file of the rewritten stores, and each validation
    result cut short, to ``*.json.broken`` (which GX does not read); the files set aside.

    GX's filesystem stores write a file in place, not by rename: a run killed at that moment
    leaves an empty or half-written file, GX then finds the key but cannot load it, and every
    later session failed (``'NoneType' object has no attribute 'id'`` in ``add_or_update``)
    until a person deleted the file. The session that follows recreates what is set aside.
    """
    torn = []
    for store in REWRITTEN_STORES:
        for path in sorted((root / "gx" / store).glob("*.json")):
            try:
                json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                torn.append(path)
    # Validation results are many and only ever added: a torn one is empty or cut short of
    # its closing brace, which the file's last bytes tell without parsing it (Data Docs would
    # fail on it in every later build). Those older than the last Data Docs build
    # (``results_since_ns``) were rendered by it, so whole.
    for path in sorted((root / "gx" / "uncommitted" / "validations").rglob("*.json")):
        if results_since_ns is not None and path.stat().st_mtime_ns < results_since_ns:
            continue
        if not _ends_a_json_object(path):
            torn.append(path)
    for path in torn:
        os.replace(path, path.with_name(path.name + ".broken"))
    if torn:
        logging.getLogger(__name__).warning(
            "set aside %d GX file(s) a killed run left half written (recreated now): %s",
            len(torn),
            ", ".join(str(p.relative_to(root)) for p in torn),
        )
    return torn


def _ends_a_json_object(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            size = handle.seek(0, os.SEEK_END)
            handle.seek(max(0, size - 64))
            return handle.read().rstrip().endswith(b"}")
    except OSError:
        return False


def _config_file(root: Path) -> Path:
    return root / "gx" / "great_expectations.yml"


def _open_context(root: Path) -> gx.data_context.FileDataContext:
    """The file context, repaired when a killed run left its configuration half written.

    GX rewrites great_expectations.yml in place (not by rename) whenever a store, site or
    data source is saved, so a run killed at that moment leaves a file GX cannot load and
    every later run would fail until a person fixed it. The last configuration a session
    finished with is kept beside it and put back; without one, the broken file is set aside
    and GX starts a fresh one (``_configure`` and the suites add back what yecai needs).
    """
    try:
        return gx.get_context(mode="file", project_root_dir=str(root))
    except Exception as exc:  # GX raises several types for an unreadable configuration
        config = _config_file(root)
        if not config.exists():
            raise
        good = config.with_name(config.name + ".good")
        logging.getLogger(__name__).warning(
            "GX configuration %s unreadable (%s: a run was killed while writing it?); %s",
            config,
            type(exc).__name__,
            "restored the last good copy" if good.exists() else "starting a fresh one",
        )
        if good.exists():
            shutil.copyfile(good, config)
        else:
            os.replace(config, config.with_name(config.name + ".broken"))
        return gx.get_context(mode="file", project_root_dir=str(root))


def _keep_good_config(root: Path) -> None:
    """Copy the configuration a session finished with beside it (by rename: never torn)."""
    config = _config_file(root)
    if config.exists():
        tmp = config.with_name(config.name + ".good.tmp")
        shutil.copyfile(config, tmp)
        os.replace(tmp, config.with_name(config.name + ".good"))


def close_datasource(datasource) -> None:
    """Release every DuckDB connection GX holds for ``datasource``.

    GX keeps two engines per SQL data source: one for connection tests and asset
    metadata (``_engine``) and one inside its execution engine, which with the shim
    keeps a persisted connection. DuckDB refuses to open the same file read-write in
    this process while a read-only connection is alive, and publish needs that.
    """
    engine = getattr(datasource, "_execution_engine", None)
    if engine is not None:
        conn = getattr(engine, "_connection", None)
        if conn is not None:
            conn.close()
            engine._connection = None
        engine.engine.dispose()
        datasource._execution_engine = None
    sa_engine = getattr(datasource, "_engine", None)
    if sa_engine is not None:
        sa_engine.dispose()
        datasource._engine = None


def build_data_docs(paths: Paths) -> Path:
    """Bring the Data Docs site up to date; returns its index.html.

    Only the validation results and suites written since the last build are rendered, then
    the index. A full build rendered every result ever stored: about a hundred more each run,
    13 s of a publish after seven runs, and growing without end. The first build, or one
    after the stamp or the index went missing, renders everything.
    """
    docs = data_docs_dir(paths)
    stamp = docs / DOCS_STAMP
    with gx_session(paths) as context:
        started = time.time_ns()
        since = (
            stamp.stat().st_mtime_ns if stamp.exists() and (docs / "index.html").exists() else None
        )
        changed = None if since is None else _written_since(context, since)
        if changed != []:  # [] is "nothing new"; GX would take an empty list for "everything"
            context.build_data_docs(site_names=[SITE_NAME], resource_identifiers=changed)
        stamp.parent.mkdir(parents=True, exist_ok=True)
        stamp.touch()
        os.utime(stamp, ns=(started, started))  # what is written from now on is newer
    return docs / "index.html"


def _written_since(context, since_ns: int) -> list | None:
    """The identifiers of the validation results and suites whose files are newer than
    ``since_ns``; None (build everything) when the stores cannot be listed that way."""
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
        ValidationResultIdentifier,
    )

    found = []
    try:
        for store, identifier in (
            (context.validation_results_store, ValidationResultIdentifier),
            (context.expectations_store, ExpectationSuiteIdentifier),
        ):
            backend = store.store_backend
            root = Path(backend.full_base_directory)
            for key in backend.list_keys():
                file = root / backend._convert_key_to_filepath(key)
                if file.stat().st_mtime_ns >= since_ns:
                    found.append(identifier.from_tuple(key))
    except Exception as exc:  # a GX upgrade changed its stores: a full build is always right
        logging.getLogger(__name__).info("Data Docs: full build (%s)", exc)
        return None
    return found
