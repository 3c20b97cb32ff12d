"""The dbt project and its manifest, prepared once and only when the project changed."""

from __future__ import annotations

import json
import shutil
import sys
from functools import cache, cached_property
from importlib import metadata
from pathlib import Path

from dagster_dbt import DbtCliResource, DbtProject
from filelock import FileLock
from packaging import version

from yecai.errors import YecaiError
from yecai.settings import DBT_PROJECT_DIR

_PROJECT_SUBDIRS = ("models", "macros", "seeds", "snapshots", "tests", "analyses")
_PROJECT_FILES = ("dbt_project.yml", "profiles.yml", "packages.yml", "selectors.yml")


def newest_source_mtime(project_dir: Path) -> float:
    """The latest modification time of any file that changes the manifest."""
    newest = 0.0
    for name in _PROJECT_FILES:
        path = project_dir / name
        if path.exists():
            newest = max(newest, path.stat().st_mtime)
    for sub in _PROJECT_SUBDIRS:
        root = project_dir / sub
        if root.is_dir():
            for path in root.rglob("*"):
                if path.is_file():
                    newest = max(newest, path.stat().st_mtime)
    return newest


def dbt_executable() -> str:
    """dbt from this environment's bin folder, so it works without an activated venv."""
    beside = Path(sys.executable).parent / "dbt"
    if beside.exists():
        return str(beside)
    found = shutil.which("dbt")
    if not found:
        raise YecaiError(
            "the dbt executable was not found beside Python or on PATH",
            "install the project with `uv sync` (it brings dbt-core and dbt-duckdb)",
        )
    return found


def bundled_dbt_version(executable: str) -> str | None:
    """dbt-core's version when ``executable`` is the dbt installed beside this Python, else None.

    That dbt runs this environment's dbt-core, so its version is in the package metadata; no
    need to start ``dbt --version`` (a second Python that imports dbt-core) to learn it.
    """
    if Path(executable).absolute() != (Path(sys.executable).parent / "dbt").absolute():
        return None
    try:
        return metadata.version("dbt-core")
    except metadata.PackageNotFoundError:
        return None


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


def manifest_is_stale(project_dir: Path, manifest_path: Path) -> bool:
    if not manifest_path.exists():
        return True
    return newest_source_mtime(project_dir) > manifest_path.stat().st_mtime


@cache
def dbt_project(project_dir: Path = DBT_PROJECT_DIR) -> DbtProject:
    """The DbtProject with an up-to-date manifest.

    ``make dbt-parse`` and CI prepare the manifest ahead of time, so loading is a stat walk;
    ``dbt parse`` runs here only when a model changed since (under a lock, because tests,
    the webserver and ``yecai run`` may load the definitions at the same moment).
    """
    project = DbtProject(project_dir=project_dir, profiles_dir=project_dir)
    if manifest_is_stale(project_dir, project.manifest_path):
        lock_path = project_dir / project.target_path / ".parse.lock"
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        with FileLock(str(lock_path), timeout=600):
            if manifest_is_stale(project_dir, project.manifest_path):
                try:
                    dbt_resource(project).cli(
                        ["parse", "--quiet"], target_path=project.target_path
                    ).wait()
                except Exception as exc:  # dbt reports parse errors as many exception types
                    raise YecaiError(
                        f"dbt could not parse the project at {project_dir}: {exc}",
                        f"run `cd {project_dir} && uv run dbt parse --profiles-dir .` to see "
                        "the full error and fix the model or YAML it names",
                    ) from exc
    return project


def load_manifest(project: DbtProject) -> dict:
    return json.loads(Path(project.manifest_path).read_text(encoding="utf-8"))
