"""Run quality suites with GX against a DuckDB warehouse (or the raw zone) and record them.

Public entry points (called by the CLI, publish and Dagster asset checks):

- ``run_layer(paths, layer, db_path=None, run_id=None)`` — every check of one layer.
- ``run_checks_for_table(paths, table, db_path=None, run_id=None)`` — the checks of one asset.
- ``run_checks_for_tables(paths, tables, db_path=None, run_id=None)`` — the checks of many
  assets in one GX session per layer (what a Dagster check step over a layer calls).
- ``planned_checks(paths, db_path=None)`` — every (asset, check) the suites declare (no GX run).
- ``run_checks(paths, layer, assets, checks, db_path=None)`` — given checks on given assets.

Both return ``list[CheckResult]`` and append them to the history. A check whose table
does not exist is a failed result saying so; it never raises.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from datetime import UTC, datetime
from pathlib import Path

import great_expectations as gx

from quality import audit_memo
from quality.catalog import Catalog, read_catalog
from quality.checks import Asset, Check, Layer, to_expectation
from quality.gx_context import (
    LAKE_DATASOURCE,
    WAREHOUSE_DATASOURCE,
    build_data_docs,
    close_datasource,
    gx_session,
)
from quality.lake_files import give_lake_keys
from quality.outcome import from_gx, not_run
from quality.params import QualityParams, default_params
from quality.redaction import SensitiveColumns
from quality.results import CheckResult, append_history, new_run_id
from quality.suites import LAYERS, parse_layer, plan
from yecai import build_warehouse
from yecai.privacy.redact import redact_text
from yecai.settings import Paths

BATCH_DEFINITION = "whole_table"


def run_layer(
    paths: Paths,
    layer: str,
    db_path: Path | None = None,
    run_id: str | None = None,
    params: QualityParams | None = None,
    build_docs: bool = True,
) -> list[CheckResult]:
    """Run every check of ``layer`` (raw, canonical, marts) on ``db_path`` (default build_db)."""
    lay = parse_layer(layer)
    db = Path(db_path) if db_path else paths.build_db
    catalog = read_catalog(db)
    assets, checks = plan(paths, lay, catalog, params or default_params())
    return _run(paths, lay, assets, checks, catalog, db, run_id, params, build_docs)


def run_checks_for_table(
    paths: Paths,
    table: str,
    db_path: Path | None = None,
    run_id: str | None = None,
    params: QualityParams | None = None,
    build_docs: bool = False,
) -> list[CheckResult]:
    """Run the checks declared for one asset (``finance.gl_lines``, ``raw.<source>.<entity>``).

    Returns [] when no suite covers the table. Data Docs are not rebuilt by default:
    Dagster calls this once per asset and the docs are rebuilt by ``run_layer``.
    """
    found = run_checks_for_tables(paths, [table], db_path, run_id, params, build_docs)
    return found.get(table, [])


def _layers_for(table: str) -> tuple[Layer, ...]:
    return (Layer.RAW,) if table.startswith("raw.") else (Layer.CANONICAL, Layer.MARTS)


def run_checks_for_tables(
    paths: Paths,
    tables: list[str],
    db_path: Path | None = None,
    run_id: str | None = None,
    params: QualityParams | None = None,
    build_docs: bool = False,
    only: Collection[tuple[str, str]] | None = None,
) -> dict[str, list[CheckResult]]:
    """Run the checks declared for every table in ``tables``; results by table.

    The catalog is read once and each layer is planned and validated once, in one GX
    session, however many tables are asked for: per-table sessions cost more than the
    checks themselves. A table no suite covers maps to []. ``only`` ((asset, check) pairs)
    runs just those of the tables' checks.
    """
    db = Path(db_path) if db_path else paths.build_db
    catalog = read_catalog(db)
    prm = params or default_params()
    out: dict[str, list[CheckResult]] = {t: [] for t in tables}
    for lay in Layer:
        askers = {t for t in tables if lay in _layers_for(t)}
        if not askers:
            continue
        assets, checks = plan(paths, lay, catalog, prm)
        # Every layer that declares checks on a table runs them, as ``run_all`` does, so a
        # publish that reuses these results has each check ``planned_checks`` lists.
        mine = [
            c for c in checks if c.asset in askers and (only is None or (c.asset, c.name) in only)
        ]
        if not mine:
            continue
        names = {c.asset for c in mine}
        chosen = [a for a in assets if a.name in names]
        for result in _run(paths, lay, chosen, mine, catalog, db, run_id, prm, build_docs):
            out.setdefault(result.asset, []).append(result)
    return out


def planned_checks(
    paths: Paths, db_path: Path | None = None, params: QualityParams | None = None
) -> list[Check]:
    """Every check the suites declare on ``db_path`` (default build_db), without running GX."""
    return planned_assets_and_checks(paths, db_path, params)[1]


def planned_assets_and_checks(
    paths: Paths, db_path: Path | None = None, params: QualityParams | None = None
) -> tuple[dict[str, Asset], list[Check]]:
    """Every asset (by name) and check the suites declare, as ``planned_checks`` (no GX run)."""
    db = Path(db_path) if db_path else paths.build_db
    catalog = read_catalog(db)
    prm = params or default_params()
    assets: dict[str, Asset] = {}
    checks: list[Check] = []
    for lay in Layer:
        found, declared = plan(paths, lay, catalog, prm)
        assets.update((a.name, a) for a in found)
        checks += declared
    return assets, checks


def run_all(
    paths: Paths,
    db_path: Path | None = None,
    run_id: str | None = None,
    params: QualityParams | None = None,
) -> list[CheckResult]:
    """Every layer in order, under one run id; Data Docs rebuilt once at the end."""
    rid = run_id or new_run_id()
    out: list[CheckResult] = []
    for layer in LAYERS:
        out += run_layer(paths, layer, db_path, rid, params, build_docs=False)
    build_data_docs(paths)
    return out


def run_checks(
    paths: Paths,
    layer: Layer,
    assets: list[Asset],
    checks: list[Check],
    db_path: Path | None = None,
    run_id: str | None = None,
) -> list[CheckResult]:
    """Run ``checks`` on ``assets`` as the suites' checks run (one GX session, history kept)."""
    db = Path(db_path) if db_path else paths.build_db
    return _run(paths, layer, assets, checks, read_catalog(db), db, run_id, None, False)


def _usable_keys(asset: Asset, catalog: Catalog) -> list[str]:
    """Key columns that exist, so GX's failing-row query does not itself fail."""
    if asset.source != "warehouse":
        return list(asset.keys)
    return [k for k in asset.keys if catalog.has_column(asset.name, k)]


def _run(
    paths: Paths,
    layer: Layer,
    assets: list[Asset],
    checks: list[Check],
    catalog: Catalog,
    db: Path,
    run_id: str | None,
    params: QualityParams | None,
    build_docs: bool,
) -> list[CheckResult]:
    rid = run_id or new_run_id()
    checked_at = datetime.now(UTC)
    sample = (params or default_params()).failing_keys_sample
    by_asset: dict[str, list[Check]] = defaultdict(list)
    for c in checks:
        by_asset[c.asset].append(c)
    asset_by_name = {a.name: a for a in assets}

    results: list[CheckResult] = []
    runnable: list[Asset] = []
    for name, its_checks in by_asset.items():
        asset = asset_by_name[name]
        reason = None
        if asset.source == "warehouse" and not db.exists():
            reason = f"warehouse {db} does not exist: run the dbt build first (yecai pipeline)"
        elif asset.source == "warehouse" and not catalog.has_table(name):
            reason = f"table {name} does not exist in {db.name}: its dbt model has not been built"
        if reason:
            results += [
                not_run(c, reason, run_id=rid, checked_at=checked_at, layer=str(layer))
                for c in its_checks
            ]
        else:
            runnable.append(asset)

    if runnable:
        classifier = SensitiveColumns(paths)
        sensitive = {
            a.name: classifier.for_asset(a.name, catalog.columns(a.name)) for a in runnable
        }
        specs = audit_memo.specs_for(
            [c for a in runnable for c in by_asset[a.name]], asset_by_name, sensitive, sample
        )
        memoable = [a for a in runnable if any((a.name, c.name) in specs for c in by_asset[a.name])]
        before = audit_memo.fingerprints(memoable, db)
        # An encrypted warehouse reaches GX through a URL without its key; while this block
        # runs, SQLAlchemy attaches the file with the key to GX's connections.
        with gx_session(paths) as context, build_warehouse.sqlalchemy_access(db, paths.home):
            sources = {}
            if any(a.source == "warehouse" for a in runnable):
                sources["warehouse"] = context.data_sources.add_or_update_sql(
                    WAREHOUSE_DATASOURCE,
                    connection_string=build_warehouse.sqlalchemy_url(db, paths.home),
                    # read-only: auditing must never change what it audits
                    kwargs={"connect_args": {"read_only": True}},
                )
            if any(a.source == "lake" for a in runnable):
                sources["lake"] = context.data_sources.add_or_update_sql(
                    LAKE_DATASOURCE, connection_string="duckdb:///:memory:"
                )
                give_lake_keys(sources["lake"], paths)  # encrypted raw files
            try:
                for asset in runnable:
                    results += _validate_asset(
                        context,
                        sources[asset.source],
                        asset,
                        by_asset[asset.name],
                        _usable_keys(asset, catalog),
                        sensitive[asset.name],
                        rid,
                        checked_at,
                        str(layer),
                        sample,
                    )
            finally:
                for ds in sources.values():
                    close_datasource(ds)
            # Remembered only for tables whose rows were the same before and after: the
            # verdicts are then verdicts on those rows (a publish may carry them over).
            after = audit_memo.fingerprints(memoable, db)
            steady = {name: fp for name, fp in before.items() if after.get(name) == fp}
            audit_memo.remember(paths, results, specs, steady)
        if build_docs:
            build_data_docs(paths)

    append_history(paths, results)
    return results


def _validate_asset(
    context,
    datasource,
    asset: Asset,
    checks: list[Check],
    keys: list[str],
    sensitive: tuple[str, ...],
    run_id: str,
    checked_at: datetime,
    layer: str,
    sample: int,
) -> list[CheckResult]:
    query_asset = datasource.add_query_asset(asset.name, query=asset.query)
    batch_definition = query_asset.add_batch_definition_whole_table(BATCH_DEFINITION)
    suite_name = f"{layer}.{asset.name}"
    suite = gx.ExpectationSuite(name=suite_name)
    for c in checks:
        suite.add_expectation(to_expectation(c, tuple(keys), sensitive))
    suite = context.suites.add_or_update(suite)
    validation = context.validation_definitions.add_or_update(
        gx.ValidationDefinition(name=suite_name, data=batch_definition, suite=suite)
    )
    result_format: dict = {"result_format": "COMPLETE"}
    if keys:
        result_format["unexpected_index_column_names"] = keys
    try:
        run = validation.run(result_format=result_format, run_id=None)
    except Exception as exc:  # GX wraps SQL errors, but a broken asset query raises here
        first_line = str(exc).strip().splitlines()[0]
        reason = f"GX could not read {asset.name}: {redact_text(first_line)}"
        return [
            not_run(c, reason, run_id=run_id, checked_at=checked_at, layer=layer) for c in checks
        ]
    by_name = {c.name: c for c in checks}
    out = []
    for evr in run.results:
        meta = evr.expectation_config.meta or {}
        check = by_name[meta["check"]]
        out.append(
            from_gx(
                check,
                evr.success,
                dict(evr.result or {}),
                evr.exception_info,
                run_id=run_id,
                checked_at=checked_at,
                layer=layer,
                sample=sample,
                sensitive=sensitive,
                key_columns=keys,
            )
        )
    return out
