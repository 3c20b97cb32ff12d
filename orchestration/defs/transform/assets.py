"""dbt models as assets: one multi-asset, the per-fiscal-period models partitioned by month."""

import contextlib
import os
import sys
from collections.abc import Iterable, Iterator

import dagster as dg
from dagster_dbt import DbtCliResource, DbtProject, dbt_assets

from orchestration.defs.shared.partitions import fiscal_periods
from orchestration.defs.shared.policies import WAREHOUSE_POOL, WAREHOUSE_RETRY
from orchestration.defs.shared.resources import WarehouseWriter, YecaiHome
from orchestration.defs.transform.dbt_args import (
    DBT_FILE_LOG_ENV,
    FULL_BUILD_TAG,
    count_buildable_nodes,
    dbt_build_args,
    dbt_env,
)
from orchestration.defs.transform.dbt_failure import describe_failure, read_run_results
from orchestration.defs.transform.encrypted_build import prepare_encrypted_build
from orchestration.defs.transform.project import keep_parse_state
from orchestration.defs.transform.translator import YecaiDbtTranslator
from yecai.build_warehouse import DBT_SECRET_ENV, DBT_TARGET_ENV
from yecai.memory import dbt_memory_limit
from yecai.privacy.redact import RedactingWriter


def _prepare_environment(yecai: YecaiHome) -> None:
    """dbt runs as a subprocess that inherits this process's environment."""
    paths = yecai.paths()
    paths.warehouse.mkdir(parents=True, exist_ok=True)
    # a key removed since an earlier step in this process must not leave its target behind
    for name in (DBT_TARGET_ENV, DBT_SECRET_ENV):
        os.environ.pop(name, None)
    os.environ.update(dbt_env(paths))
    for name, value in DBT_FILE_LOG_ENV.items():
        os.environ.setdefault(name, value)  # a user's own choice wins


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
    """The dbt invocation's Dagster events, without the noise ``worth_recording`` drops.

    dagster-dbt echoes dbt's events on stdout while it streams them (the compute log, and the
    terminal with ``--verbose``): redacted like every log line."""
    with contextlib.redirect_stdout(RedactingWriter(sys.stdout)):
        for event in invocation.stream():
            if worth_recording(event):
                yield event


def failure_of(invocation) -> dg.Failure | None:
    """A failed ``dbt build`` as a Failure naming the failing nodes and dbt's message."""
    if invocation.get_error() is None:
        return None
    log = invocation.target_path / "dbt.log"
    return dg.Failure(
        description=describe_failure(
            read_run_results(invocation.target_path),
            dict(invocation.manifest or {}),
            # dbt's own error lines, parsed by dagster-dbt from its stdout: the only account of
            # a failure before run_results.json is written (a parse or compile error)
            list(getattr(invocation, "_error_messages", []) or []),
            log if log.exists() else None,
            dbt_memory_limit(),  # what dbt_env gave dbt
        )
    )


def group_by_schema(spec: dg.AssetSpec) -> dg.AssetSpec:
    """Group dbt assets by warehouse schema (staging, canonical, finance, …) in the UI.

    The key is ``<schema>/<model>``; one group per layer lets a governance reviewer find
    "the finance marts" without knowing the dbt project's folders.
    """
    if len(spec.key.path) < 2:
        return spec
    return spec.replace_attributes(group_name=spec.key.path[0])


def selects_period_models(assets_def: dg.AssetsDefinition, selected: Iterable[dg.AssetKey]) -> bool:
    """Whether any selected asset is a per-period (partitioned) model (pure)."""
    specs = assets_def.specs_by_key
    return any(specs[key].partitions_def is not None for key in selected if key in specs)


def build_dbt_assets(
    project: DbtProject, manifest: dict, partitions_def: dg.PartitionsDefinition = fiscal_periods
) -> list[dg.AssetsDefinition]:
    """Every dbt model in one multi-asset; the per-period models carry ``partitions_def``.

    One asset definition, so a run that builds whole-history and per-period models together
    (the daily increment, a full build, a backfill and what is built on it) is one step and
    one ``dbt build``, as when dbt is run by hand. With two definitions (whole-history, and
    per period) the whole-history models downstream of the per-period ones forced Dagster
    to split the run into three dbt steps, each paying dbt's start-up, manifest load and
    selection. The per-period models keep their monthly partitions (``YecaiDbtTranslator``
    gives each spec its own), so the UI and ``yecai backfill`` still work on periods.
    """
    if not (
        count_buildable_nodes(manifest, per_period=False)
        or count_buildable_nodes(manifest, per_period=True)
    ):
        return []  # dagster-dbt refuses a selection that matches nothing

    @dbt_assets(
        manifest=manifest,
        project=project,
        name="dbt_models",
        dagster_dbt_translator=YecaiDbtTranslator(period_partitions=partitions_def),
        # One dbt invocation for a whole range: the per-period models filter on
        # period_from/period_to.
        backfill_policy=dg.BackfillPolicy.single_run(),
        pool=WAREHOUSE_POOL,
        retry_policy=WAREHOUSE_RETRY,
    )
    def dbt_models(
        context: dg.AssetExecutionContext,
        dbt: DbtCliResource,
        yecai: YecaiHome,
        warehouse_writer: WarehouseWriter,
    ):
        """The selected dbt models in one ``dbt build``; per-period ones for the run's range."""
        _prepare_environment(yecai)
        period_range = None
        if selects_period_models(context.assets_def, context.selected_asset_keys):
            keys = context.partition_key_range
            period_range = (keys.start, keys.end)
        # A full build (yecai run --full, the first build) rebuilds every period in the data.
        full_refresh = context.run.tags.get(FULL_BUILD_TAG) == "true"
        args = dbt_build_args(period_range, full_refresh=full_refresh)
        context.log.info(f"dbt {' '.join(args)}")
        with warehouse_writer.hold(yecai.paths()):
            prepared = prepare_encrypted_build(yecai.paths())
            if prepared:
                context.log.info(prepared)
            invocation = dbt.cli(args, context=context, raise_on_error=False)
            yield from stream_dbt(invocation)
            keep_parse_state(invocation)
        failure = failure_of(invocation)
        if failure is not None:
            raise failure

    return [dbt_models.map_asset_specs(group_by_schema)]
