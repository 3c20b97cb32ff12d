"""The company's dbt project and its manifest, prepared once and only when something changed.

The project dbt runs is the company's (``<home>/dbt``: its staging, conforming models and
seeds), which installs the product's package (``dbt_project/`` of this repository) from a local
path. Its manifest is re-parsed when a file of either changed, or when the source registry
(from ``sources.yml``) differs from the one it was parsed with.
"""

from __future__ import annotations

import json
import os
import shutil
from functools import cache, cached_property
from pathlib import Path

from dagster_dbt import DbtCliResource, DbtProject
from filelock import FileLock
from packaging import version

from orchestration.defs.transform.project_files import (
    REGISTRY_ENV,
    REGISTRY_STAMP,
    bundled_dbt_version,
    dbt_executable,
    ensure_packages,
    manifest_is_stale,
)
from yecai.errors import YecaiError


class YecaiDbtCliResource(DbtCliResource):
    """``DbtCliResource`` without two start-up costs paid before every ``dbt build``.

    dagster-dbt (0.29) runs ``dbt --version`` once per resource, i.e. once per run, to learn
    the dbt version, and loads dbt's profile, project and adapter into the orchestrating
    process, which it needs only to fetch row counts or column metadata after the build.
    yecai fetches neither (``stream_dbt`` streams dbt's own events), so the adapter is not
    loaded, and the version comes from the package metadata when dbt is this environment's.
    Together ~4 s wall and ~4 CPU s of every dbt step (docs/benchmarks.md). Both are private
    methods of dagster-dbt: tests/unit/orchestration/test_dbt_resource.py fails if an upgrade
    renames them, so the saving cannot vanish silently.
    """

    @cached_property
    def _cli_version(self) -> version.Version:
        found = bundled_dbt_version(self.dbt_executable)
        if found is None:
            return super()._cli_version
        return version.parse(found)

    def _initialize_dbt_core_adapter(self, args):  # noqa: ARG002 - same signature as the base
        # Raising is dagster-dbt's documented fallback (it logs a warning and runs dbt without
        # an adapter handle); returning None avoids the warning and does the same.
        return None


def dbt_resource(project: DbtProject) -> DbtCliResource:
    return YecaiDbtCliResource(
        project_dir=project,
        profiles_dir=str(project.project_dir),
        dbt_executable=dbt_executable(),
    )


@cache
def dbt_project(project_dir: Path) -> DbtProject:
    """The DbtProject with an up-to-date manifest (dbt's environment must be set: ``dbt_env``).

    ``yecai dbt -- parse`` (``make dbt-parse``) prepares the manifest ahead of time, so loading
    is a stat walk; ``dbt deps`` and ``dbt parse`` run here only when needed (under a lock,
    because tests, the webserver and ``yecai run`` may load the definitions at the same moment).
    """
    registry = os.environ.get(REGISTRY_ENV)
    project = DbtProject(project_dir=project_dir, profiles_dir=project_dir)
    if manifest_is_stale(project_dir, project.manifest_path, registry):
        lock_path = project_dir / project.target_path / ".parse.lock"
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        with FileLock(str(lock_path), timeout=600):
            if manifest_is_stale(project_dir, project.manifest_path, registry):
                ensure_packages(project_dir, {})
                try:
                    dbt_resource(project).cli(
                        ["parse", "--quiet"], target_path=project.target_path
                    ).wait()
                except Exception as exc:  # dbt reports parse errors as many exception types
                    raise YecaiError(
                        f"dbt could not parse the project at {project_dir}: {exc}",
                        "run `yecai dbt -- parse` to see the full error and fix the model or "
                        "YAML it names",
                    ) from exc
                if registry is not None:
                    stamp = Path(project.manifest_path).parent / REGISTRY_STAMP
                    stamp.write_text(registry, encoding="utf-8")
    return project


PARSE_STATE = "partial_parse.msgpack"


def keep_parse_state(invocation) -> None:
    """Leave the parse state a finished dbt run wrote where the next run starts from.

    dagster-dbt gives each run its own target folder and seeds it with the project target's
    ``partial_parse.msgpack``. That one was written by ``dbt parse`` without vars, and dbt
    drops a partial parse whose vars differ: every increment (``--vars`` with its periods)
    re-parsed the whole project, 15-20 s of a 22 s dbt step at scale 0.01. Kept here, the next
    run with the same periods (the daily schedule, the watch loop) parses only what changed;
    dbt itself still re-parses what the files or vars changed since.
    """
    produced = Path(invocation.target_path) / PARSE_STATE
    target = Path(os.getenv("DBT_TARGET_PATH", "target"))  # where dagster-dbt seeds from
    shared = (
        target if target.is_absolute() else Path(invocation.project_dir) / target
    ) / PARSE_STATE
    if not produced.is_file() or produced == shared:
        return
    shared.parent.mkdir(parents=True, exist_ok=True)
    partial = shared.with_name(f"{PARSE_STATE}.{os.getpid()}.tmp")
    shutil.copyfile(produced, partial)
    os.replace(partial, shared)  # a run starting now reads the old state or the new, never half


def load_manifest(project: DbtProject) -> dict:
    return json.loads(Path(project.manifest_path).read_text(encoding="utf-8"))
