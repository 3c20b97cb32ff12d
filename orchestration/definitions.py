"""The yecai Dagster code location: loads the ``defs/`` tree and applies global policy.

``dagster definitions validate``, ``dagster dev`` and ``yecai ui`` find ``defs`` here through
``[tool.dagster]`` in pyproject.toml. ``build_definitions`` is the same thing as a function,
for tests and for pointing at another dbt project (env ``YECAI_DBT_PROJECT_DIR``).

What is loaded is the home's company configuration: its raw entities (``sources.yml``) and
its dbt project (``<home>/dbt``, which installs the product package). A home without one, or
with a configuration that does not validate, still loads: it shows a single asset
``setup/company_configuration`` whose description says what to do.
"""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg

from orchestration.defs.alerts.sensors import run_failure_alert
from orchestration.defs.ingestion.assets import build_raw_assets, raw_asset_key
from orchestration.defs.ingestion.catalog import (
    file_drop_folders,
    file_source_entities,
    list_raw_entities,
)
from orchestration.defs.ingestion.sensors import build_file_drop_sensor
from orchestration.defs.pipeline.increment import TransformPlanner, build_increment_sensor
from orchestration.defs.pipeline.jobs import (
    HR_INGEST_JOB,
    INGEST_JOB,
    PERIOD_JOB,
    PIPELINE_JOB,
    SCORECARD_JOB,
    build_jobs,
)
from orchestration.defs.pipeline.schedules import build_daily_schedule
from orchestration.defs.pipeline.sensors import build_scorecard_sensors
from orchestration.defs.pipeline.watch_sensor import build_source_change_sensor
from orchestration.defs.quality.assets import build_publish_asset, quality_scorecard
from orchestration.defs.quality.checks import build_quality_checks
from orchestration.defs.quality.tables import candidate_tables
from orchestration.defs.shared.resources import WarehouseWriter, YecaiHome
from orchestration.defs.transform.assets import build_dbt_assets
from orchestration.defs.transform.dbt_args import dbt_env
from orchestration.defs.transform.project import dbt_project, dbt_resource, load_manifest
from orchestration.defs.transform.project_files import is_dbt_project
from orchestration.defs.transform.translator import YecaiDbtTranslator
from yecai.config import is_configured, not_configured
from yecai.errors import YecaiError
from yecai.privacy.files import set_private_umask
from yecai.privacy.redact import install_log_redaction
from yecai.settings import Paths, get_paths

DBT_PROJECT_ENV = "YECAI_DBT_PROJECT_DIR"
SETUP_KEY = dg.AssetKey(["setup", "company_configuration"])

# Run and step processes load this module: what they (and dbt, their child) write is private.
set_private_umask()
# ... and every log line they (and the code server evaluating sensors) make is redacted.
install_log_redaction()


def _dbt_project_dir(paths: Paths) -> Path:
    override = os.environ.get(DBT_PROJECT_ENV)
    return Path(override).resolve() if override else paths.dbt_project


def setup_asset(problem: YecaiError) -> dg.AssetsDefinition:
    """The one asset of a home that holds no usable configuration: it says what to do."""
    text = f"{problem.what}\n\nWhat to do: {problem.fix or ''}"

    @dg.asset(
        key=SETUP_KEY,
        description=text,
        group_name="setup",
        metadata={"what": problem.what, "fix": problem.fix or ""},
    )
    def company_configuration() -> None:
        raise dg.Failure(description=problem.what, metadata={"what to do": problem.fix or ""})

    return company_configuration


def setup_problem(defs: dg.Definitions) -> YecaiError | None:
    """The problem a setup-only code location stands for, or None for a usable one."""
    for assets_def in defs.assets or []:
        if isinstance(assets_def, dg.AssetsDefinition) and SETUP_KEY in assets_def.keys:
            metadata = assets_def.metadata_by_key[SETUP_KEY]
            return YecaiError(str(metadata["what"]), str(metadata["fix"]) or None)
    return None


def setup_definitions(problem: YecaiError) -> dg.Definitions:
    return dg.Definitions(assets=[setup_asset(problem)], executor=dg.in_process_executor)


def build_definitions(dbt_project_dir: Path | None = None, paths: Paths | None = None):
    """Assemble every asset, check, job, schedule, sensor and resource of the pipeline."""
    paths = paths or get_paths()
    if dbt_project_dir is None and not os.environ.get(DBT_PROJECT_ENV) and not is_configured(paths):
        return setup_definitions(not_configured(paths))
    try:
        return _build(Path(dbt_project_dir or _dbt_project_dir(paths)), paths)
    except YecaiError as problem:
        return setup_definitions(problem)


def _build(project_dir: Path, paths: Paths) -> dg.Definitions:
    # The configuration first: its raw entities, and the registry dbt reads (both say what is
    # wrong with sources.yml before anything else is looked at).
    entities = list_raw_entities(paths)
    environment = dbt_env(paths)
    if not is_dbt_project(project_dir):
        raise YecaiError(
            f"{project_dir} holds no dbt project (dbt_project.yml)",
            "run `yecai init DIR` (or `yecai demo generate`) so the home has the company's dbt project",
        )
    # dbt (parse now, build later) reads the registry and paths from the environment.
    os.environ.update(environment)
    project = dbt_project(project_dir)
    manifest = load_manifest(project)

    # --- assets ---------------------------------------------------------------------
    raw_assets = build_raw_assets(entities)
    dbt_defs = build_dbt_assets(project, manifest)
    dbt_keys = [key for d in dbt_defs for key in d.keys]
    period_keys = [s.key for d in dbt_defs for s in d.specs if s.partitions_def is not None]
    publish = build_publish_asset(dbt_keys or [raw_asset_key(s, e) for s, e in entities])

    # --- quality gates ------------------------------------------------------------------
    translator = YecaiDbtTranslator()
    # The quality stage plans its suites against the warehouse's catalog at run time, so
    # every table gets the two checks; one without rules reports no result (Dagster shows it
    # skipped, the scorecard "Not checked"), never a pass.
    checks = build_quality_checks(candidate_tables(entities, manifest, translator.get_asset_key))

    # --- jobs, schedule, sensors ------------------------------------------------------
    raw_keys = [raw_asset_key(s, e) for s, e in entities]
    file_fed = file_source_entities(entities, file_drop_folders(paths))
    jobs = build_jobs(raw_keys, [raw_asset_key(s, e) for s, e in file_fed], period_keys)
    monitored = [jobs[PIPELINE_JOB]] + ([jobs[PERIOD_JOB]] if PERIOD_JOB in jobs else [])
    planner = TransformPlanner(raw_keys=raw_keys, dbt_defs=list(dbt_defs))
    sensors = [
        build_file_drop_sensor(jobs[HR_INGEST_JOB]),
        build_source_change_sensor(jobs[INGEST_JOB]),
        build_increment_sensor(
            jobs[INGEST_JOB], jobs[PIPELINE_JOB], planner, partitioned=bool(period_keys)
        ),
        run_failure_alert,
        *build_scorecard_sensors(monitored, jobs[SCORECARD_JOB]),
    ]

    return dg.Definitions(
        assets=[*raw_assets, *dbt_defs, publish, quality_scorecard],
        asset_checks=checks,
        jobs=list(jobs.values()),
        schedules=[build_daily_schedule(jobs[INGEST_JOB])],
        sensors=sensors,
        resources={
            "dbt": dbt_resource(project),
            "yecai": YecaiHome(),
            "warehouse_writer": WarehouseWriter(),
        },
        # One process per run: on a small machine a process per step would reload dbt's
        # manifest and GX for every step, and warehouse writes are serial anyway. A bigger
        # deployment swaps in the multiprocess or a distributed executor here.
        executor=dg.in_process_executor,
    )


defs = build_definitions()
