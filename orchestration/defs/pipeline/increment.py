"""The daily pipeline in two runs: ingest, then rebuild only what the new rows feed.

Dagster skips a step when an asset it depends on was planned in the same run but not
produced; so the dbt step cannot decide *inside* a run which models to leave alone without
taking the quality checks and publish down with them (or faking materializations). The
decision is taken between two runs instead:

1. the ingest run (job ``ingest_raw``) lands every raw entity, each with its batch counts;
2. ``plan_transform`` reads from the lake's batch records which raw entities received rows
   since the last publish (however they were landed) and
   asks ``yecai.increment`` which dbt models those rows feed; the second run (job
   ``yecai_pipeline``, subset to exactly those models) builds them, runs their quality
   checks and the checks of the changed raw tables, and publishes.

Every asset in the second run really runs; a model left out is one no new row reaches.
A full build (every model and check) is planned when nothing was published yet, when the
build warehouse is missing, when an entity's raw files were re-written with another lake key
(the views that read them name the key), or on request (``yecai run --full``, run tag ``yecai/full``).
The daily schedule (through ``build_increment_sensor``) and ``yecai run`` share this code.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import dagster as dg
from dagster._core.definitions.unresolved_asset_job_definition import UnresolvedAssetJobDefinition

from ingestion.batches import read_batch_records
from ingestion.lake_encryption import key_changed_since
from orchestration.defs.quality.assets import PUBLISH_KEY
from orchestration.defs.shared.partitions import period_of
from yecai.increment import INCREMENT_EXCLUDE, daily_increment_selection, entities_landed_since
from yecai.settings import Paths

FULL_TAG = "yecai/full"
PLAN_TAG = "yecai/plan"
INGEST_RUN_TAG = "yecai/ingest_run"
PERIOD_TAG = "yecai/period"
# Set on ingest runs whose launcher plans and runs the second run itself (``yecai run``).
INLINE_TRANSFORM_TAG = "yecai/transform_inline"


@dataclass
class TransformPlan:
    """What the second run builds and checks, and why."""

    full: bool
    reason: str
    changed: list[tuple[str, str]] = field(default_factory=list)
    asset_keys: list[dg.AssetKey] = field(default_factory=list)
    check_keys: list[dg.AssetCheckKey] = field(default_factory=list)

    def tags(self) -> dict[str, str]:
        kind = "full" if self.full else f"increment: {len(self.changed)} changed raw entities"
        return {PLAN_TAG: kind, FULL_TAG: "true" if self.full else "false"}

    def summary(self) -> str:
        models = sum(1 for key in self.asset_keys if key != PUBLISH_KEY)
        what = "full build" if self.full else "increment"
        return (
            f"{what}: {models} dbt models, {len(self.check_keys)} checks, then publish "
            f"({self.reason})"
        )


def changed_raw_entities(
    paths: Paths, raw_keys: Iterable[dg.AssetKey], since: float | None
) -> list[tuple[str, str]]:
    """``(source, entity)`` of the raw assets with a batch that landed rows after ``since``.

    Read from the lake's batch records, not from Dagster's events: rows landed by a bare
    ``yecai ingest``, by a run whose rebuild failed or was killed, or by the file-drop job
    all reach the warehouse in the next increment. Entities the definitions no longer know
    are left out (their models are gone too).
    """
    known = {(key.path[1], key.path[2]) for key in raw_keys}
    landed = entities_landed_since(read_batch_records(paths), since)
    return [pair for pair in landed if pair in known]


def last_publish_timestamp(instance: dg.DagsterInstance) -> float | None:
    """When the last published build started reading the raw zone: the start of the run
    that published it (a batch landed during that run may have been read or not, so it
    counts as new), or the publish itself when no run is recorded."""
    event = instance.get_latest_materialization_event(PUBLISH_KEY)
    if event is None:
        return None
    record = instance.get_run_record_by_id(event.run_id) if event.run_id else None
    if record is not None and record.start_time is not None:
        return min(record.start_time, event.timestamp)
    return event.timestamp


def dbt_keys_for(dbt_defs: Sequence[dg.AssetsDefinition], selectors: list[str]) -> set:
    """The Dagster asset keys of the dbt models the dbt selection picks (views excluded)."""
    from dagster_dbt import build_dbt_asset_selection

    found: set[dg.AssetKey] = set()
    for assets_def in dbt_defs:
        selection = build_dbt_asset_selection(
            [assets_def], dbt_select=" ".join(selectors), dbt_exclude=" ".join(INCREMENT_EXCLUDE)
        )
        found |= set(selection.resolve([assets_def])) & set(assets_def.keys)
    return found


def checks_on(asset_graph, keys: Iterable[dg.AssetKey]) -> list[dg.AssetCheckKey]:
    wanted = set(keys)
    return sorted(
        (ck for ck in asset_graph.asset_check_keys if ck.asset_key in wanted),
        key=lambda ck: ck.to_user_string(),
    )


@dataclass
class TransformPlanner:
    """Plans the second run over one set of definitions (built in ``definitions.py``)."""

    raw_keys: list[dg.AssetKey]
    dbt_defs: list[dg.AssetsDefinition]

    @classmethod
    def from_definitions(cls, definitions: dg.Definitions) -> TransformPlanner:
        """The planner of loaded definitions: their raw assets and their dbt multi-assets."""
        from dagster_dbt.asset_utils import DAGSTER_DBT_MANIFEST_METADATA_KEY

        dbt_defs, raw_keys = [], []
        for assets_def in definitions.assets or []:
            if not isinstance(assets_def, dg.AssetsDefinition):
                continue
            metadata = assets_def.metadata_by_key.values()
            if any(DAGSTER_DBT_MANIFEST_METADATA_KEY in m for m in metadata):
                dbt_defs.append(assets_def)
            raw_keys += [k for k in assets_def.keys if k.path[0] == "raw" and len(k.path) == 3]
        return cls(raw_keys=sorted(raw_keys, key=lambda k: k.path), dbt_defs=dbt_defs)

    def plan(
        self, instance: dg.DagsterInstance, asset_graph, paths: Paths, full: bool = False
    ) -> TransformPlan:
        since = last_publish_timestamp(instance)
        reason = ""
        if full:
            reason = "full build requested"
        elif since is None:
            full, reason = True, "nothing was published yet"
        elif not paths.build_db.exists():
            full, reason = True, f"the build warehouse {paths.build_db} is missing"
        elif rewritten := key_changed_since(paths, since):
            # dbt's views over the lake name its key: a key set or rotated re-builds them
            full, reason = True, f"{rewritten}'s raw files were re-written with another lake key"
        all_dbt = {key for d in self.dbt_defs for key in d.keys}
        if full:
            models = all_dbt
            checked = set(self.raw_keys) | models
            changed: list[tuple[str, str]] = []
        else:
            changed = changed_raw_entities(paths, self.raw_keys, since)
            models = dbt_keys_for(self.dbt_defs, daily_increment_selection(changed))
            checked = {k for k in self.raw_keys if (k.path[1], k.path[2]) in changed} | models
            reason = (
                f"{len(changed)} raw entities received rows since the last publish"
                if changed
                else "no raw entity received rows since the last publish"
            )
        asset_keys = sorted(models, key=lambda k: k.to_user_string()) + [PUBLISH_KEY]
        return TransformPlan(
            full=full,
            reason=reason,
            changed=changed,
            asset_keys=asset_keys,
            check_keys=checks_on(asset_graph, checked),
        )


def transform_request(
    plan: TransformPlan, ingest_run: dg.DagsterRun, partitioned: bool
) -> dg.RunRequest:
    """The second run, as the schedule's sensor requests it: for the period the ingest run
    names (the schedule's), else the open period (an ingest started by the source-change
    sensor or from the UI). A partitioned run needs its period: without one, the dbt step
    of a per-period model cannot tell which periods to rewrite."""
    period = ingest_run.tags.get(PERIOD_TAG) or period_of(datetime.now())
    tags = {
        **{k: v for k, v in ingest_run.tags.items() if k.startswith("yecai/")},
        **plan.tags(),
        INGEST_RUN_TAG: ingest_run.run_id,
    }
    tags.pop(INLINE_TRANSFORM_TAG, None)
    return dg.RunRequest(
        run_key=f"transform-{ingest_run.run_id}",
        asset_selection=plan.asset_keys,
        asset_check_keys=plan.check_keys,
        partition_key=period if partitioned else None,
        tags=tags,
    )


def build_increment_sensor(
    ingest_job: UnresolvedAssetJobDefinition,
    pipeline_job: UnresolvedAssetJobDefinition,
    planner: TransformPlanner,
    partitioned: bool,
) -> dg.SensorDefinition:
    """After a successful ingest run, request the rebuild of what its rows feed."""

    @dg.run_status_sensor(
        name="rebuild_after_ingest",
        run_status=dg.DagsterRunStatus.SUCCESS,
        monitored_jobs=[ingest_job],
        request_job=pipeline_job,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="After the daily ingest run: rebuild the dbt models fed by raw entities "
        "that received rows, run their quality checks and publish (a full build the first "
        "time or when the ingest run carries the tag yecai/full=true).",
    )
    def rebuild_after_ingest(context: dg.RunStatusSensorContext):
        run = context.dagster_run
        if run.tags.get(INLINE_TRANSFORM_TAG) == "true":
            return dg.SkipReason("the command that ran this ingest runs the rebuild itself")
        from yecai.settings import get_paths

        asset_graph = context.repository_def.asset_graph
        plan = planner.plan(
            context.instance, asset_graph, get_paths(), full=run.tags.get(FULL_TAG) == "true"
        )
        context.log.info(plan.summary())
        return transform_request(plan, run, partitioned)

    return rebuild_after_ingest
