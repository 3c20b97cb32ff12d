"""dbt models as assets: the whole-history models, and the per-fiscal-period ones."""

import os
from collections.abc import Iterator

import dagster as dg
from dagster_dbt import DbtCliResource, DbtProject, dbt_assets

from orchestration.defs.shared.partitions import fiscal_periods
from orchestration.defs.shared.policies import WAREHOUSE_POOL, WAREHOUSE_RETRY
from orchestration.defs.shared.resources import WarehouseWriter, YecaiHome
from orchestration.defs.transform.dbt_args import (
    PERIOD_TAG,
    count_buildable_nodes,
    dbt_build_args,
    dbt_env,
)
from orchestration.defs.transform.translator import YecaiDbtTranslator

PERIOD_SELECT = f"tag:{PERIOD_TAG}"


def _prepare_environment(yecai: YecaiHome) -> None:
    """dbt runs as a subprocess that inherits this process's environment."""
    paths = yecai.paths()
    paths.warehouse.mkdir(parents=True, exist_ok=True)
    os.environ.update(dbt_env(paths))


def worth_recording(event: object) -> bool:
    """Keep every dbt event except the observation of a passing test (pure).

    With dbt tests not loaded as asset checks, dagster-dbt reports each test result as an
    observation on every model the test reads: ~400 event-log writes per full build whose
    news is "passed". Warnings, failures and errors stay on the asset; a failing
    error-severity test fails the step regardless (dbt exits non-zero).
    """
    if not isinstance(event, dg.AssetObservation):
        return True
    status = event.metadata.get("status")
    text = str(getattr(status, "value", status) or "")
    return text.lower() != "pass"


def stream_dbt(invocation) -> Iterator:
    """The dbt invocation's Dagster events, without the noise ``worth_recording`` drops."""
    for event in invocation.stream():
        if worth_recording(event):
            yield event


def group_by_schema(spec: dg.AssetSpec) -> dg.AssetSpec:
    """Group dbt assets by warehouse schema (staging, canonical, finance, …) in the UI.

    The key is ``<schema>/<model>``; one group per layer lets a governance reviewer find
    "the finance marts" without knowing the dbt project's folders.
    """
    if len(spec.key.path) < 2:
        return spec
    return spec.replace_attributes(group_name=spec.key.path[0])


def build_dbt_assets(
    project: DbtProject, manifest: dict, partitions_def: dg.PartitionsDefinition = fiscal_periods
) -> list[dg.AssetsDefinition]:
    """Up to two multi-assets over the manifest (an empty selection is left out)."""
    translator = YecaiDbtTranslator()
    built: list[dg.AssetsDefinition] = []

    if count_buildable_nodes(manifest, per_period=False):

        @dbt_assets(
            manifest=manifest,
            project=project,
            exclude=PERIOD_SELECT,
            name="dbt_models",
            dagster_dbt_translator=translator,
            pool=WAREHOUSE_POOL,
            retry_policy=WAREHOUSE_RETRY,
        )
        def dbt_models(
            context: dg.AssetExecutionContext,
            dbt: DbtCliResource,
            yecai: YecaiHome,
            warehouse_writer: WarehouseWriter,
        ):
            """Staging views, master data and the models that span all periods."""
            _prepare_environment(yecai)
            with warehouse_writer.hold(yecai.paths()):
                yield from stream_dbt(dbt.cli(dbt_build_args(), context=context))

        built.append(dbt_models)

    if count_buildable_nodes(manifest, per_period=True):

        @dbt_assets(
            manifest=manifest,
            project=project,
            select=PERIOD_SELECT,
            name="dbt_period_models",
            partitions_def=partitions_def,
            # One dbt invocation for a whole range: the models filter on period_from/period_to.
            backfill_policy=dg.BackfillPolicy.single_run(),
            dagster_dbt_translator=translator,
            pool=WAREHOUSE_POOL,
            retry_policy=WAREHOUSE_RETRY,
        )
        def dbt_period_models(
            context: dg.AssetExecutionContext,
            dbt: DbtCliResource,
            yecai: YecaiHome,
            warehouse_writer: WarehouseWriter,
        ):
            """Models built per fiscal period (tag fiscal_period); partitions are YYYY-MM."""
            _prepare_environment(yecai)
            keys = context.partition_key_range
            args = dbt_build_args((keys.start, keys.end))
            context.log.info(f"dbt {' '.join(args)}")
            with warehouse_writer.hold(yecai.paths()):
                yield from stream_dbt(dbt.cli(args, context=context))

        built.append(dbt_period_models)

    return [assets_def.map_asset_specs(group_by_schema) for assets_def in built]
