"""The jobs: the whole pipeline, HR ingestion, a per-period rebuild, and the scorecard."""

from __future__ import annotations

from collections.abc import Sequence

import dagster as dg
from dagster._core.definitions.unresolved_asset_job_definition import UnresolvedAssetJobDefinition

from orchestration.defs.quality.assets import SCORECARD_KEY

PIPELINE_JOB = "yecai_pipeline"
INGEST_JOB = "ingest_raw"
HR_INGEST_JOB = "ingest_hr"
PERIOD_JOB = "rebuild_periods"
SCORECARD_JOB = "quality_scorecard_job"


def build_jobs(
    raw_keys: Sequence[dg.AssetKey],
    hr_keys: Sequence[dg.AssetKey],
    period_keys: Sequence[dg.AssetKey],
) -> dict[str, UnresolvedAssetJobDefinition]:
    """Jobs by name. Checks of the selected assets come along with them (except in
    ``ingest_raw``: the raw tables are checked in the rebuild run that follows, so publish
    finds their results under its own run id)."""
    scorecard = dg.AssetSelection.assets(SCORECARD_KEY)
    jobs = {
        PIPELINE_JOB: dg.define_asset_job(
            PIPELINE_JOB,
            selection=dg.AssetSelection.all() - scorecard,
            description="The whole pipeline: ingest every raw entity, dbt build, quality gates, "
            "publish. The daily schedule and `yecai run` run it as two runs: `ingest_raw`, "
            "then this job subset to the models the new rows feed (see "
            "orchestration/defs/pipeline/increment.py); run it whole from the UI for a full "
            "build in one run.",
        ),
        INGEST_JOB: dg.define_asset_job(
            INGEST_JOB,
            selection=dg.AssetSelection.assets(*raw_keys).without_checks(),
            description="Ingest every raw entity (the daily schedule's first run; the "
            "rebuild_after_ingest sensor then rebuilds what the new rows feed).",
        ),
        HR_INGEST_JOB: dg.define_asset_job(
            HR_INGEST_JOB,
            selection=dg.AssetSelection.assets(*hr_keys),
            description="Ingest the HR entities (started by the HR file-drop sensor).",
        ),
        SCORECARD_JOB: dg.define_asset_job(
            SCORECARD_JOB,
            selection=scorecard,
            description="Rebuild the governance scorecard (after every pipeline run).",
        ),
    }
    if period_keys:
        jobs[PERIOD_JOB] = dg.define_asset_job(
            PERIOD_JOB,
            # Downstream too: whole-history models built on a period (statements over the
            # ledger) must not go stale when a period is rebuilt; publish is downstream of all.
            selection=dg.AssetSelection.assets(*period_keys).downstream() - scorecard,
            description="Rebuild the per-period models for the chosen fiscal periods, the "
            "models built on them, and re-publish; `yecai backfill --from --to` runs this job.",
        )
    return jobs
