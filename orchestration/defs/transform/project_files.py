"""The company's dbt project on disk: where it is, whether its package is installed, dbt's
executable and version, whether its manifest is stale. Light on purpose: every ``yecai``
command imports this (``yecai dbt``, ``yecai docs``), and dagster-dbt costs seconds to import,
so only ``orchestration.defs.transform.project`` (the pipeline's definitions) loads it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path

from yecai.errors import YecaiError
from yecai.settings import DBT_PACKAGE_DIR

_PROJECT_SUBDIRS = ("models", "macros", "seeds", "snapshots", "tests", "analyses")
_PROJECT_FILES = ("dbt_project.yml", "profiles.yml", "packages.yml", "selectors.yml")
PACKAGE_NAME = "yecai"
# Beside the manifest: the source registry it was parsed with.
REGISTRY_STAMP = "yecai_registry.json"
REGISTRY_ENV = "YECAI_SOURCE_REGISTRY"


def newest_source_mtime(project_dir: Path, package_dir: Path | None = DBT_PACKAGE_DIR) -> float:
    """The latest modification time of any file that changes the manifest (project or package)."""
    newest = 0.0
    for root_dir in [project_dir, package_dir] if package_dir else [project_dir]:
        for name in _PROJECT_FILES:
            path = root_dir / name
            if path.exists():
                newest = max(newest, path.stat().st_mtime)
        for sub in _PROJECT_SUBDIRS:
            root = root_dir / sub
            if root.is_dir():
                for path in root.rglob("*"):
                    if path.is_file():
                        newest = max(newest, path.stat().st_mtime)
    return newest


def is_dbt_project(project_dir: Path) -> bool:
    return (project_dir / "dbt_project.yml").is_file()


def uses_product_package(project_dir: Path) -> bool:
    """Whether the project installs the product package (a company project does; a fixture may not)."""
    packages = project_dir / "packages.yml"
    return packages.is_file() and "YECAI_DBT_PACKAGE_DIR" in packages.read_text(encoding="utf-8")


def packages_installed(project_dir: Path) -> bool:
    """The product package is installed in the project, from the folder this yecai runs from."""
    installed = project_dir / "dbt_packages" / PACKAGE_NAME
    if not (installed / "dbt_project.yml").is_file():
        return False
    return installed.resolve() == DBT_PACKAGE_DIR.resolve()


def install_packages(project_dir: Path, env: dict[str, str]) -> None:
    """``dbt deps`` in the company project: links the product package (local, works offline)."""
    done = subprocess.run(
        [
            dbt_executable(),
            "deps",
            "--project-dir",
            str(project_dir),
            "--profiles-dir",
            str(project_dir),
        ],
        cwd=project_dir,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=600,
    )
    if done.returncode != 0:
        tail = (done.stdout + done.stderr).strip().splitlines()[-5:]
        raise YecaiError(
            f"dbt deps failed in {project_dir}: {' | '.join(tail)}",
            "check packages.yml installs the product from YECAI_DBT_PACKAGE_DIR "
            "(`yecai init` writes it) and run `yecai dbt -- deps`",
        )


def ensure_packages(project_dir: Path, env: dict[str, str]) -> None:
    if uses_product_package(project_dir) and not packages_installed(project_dir):
        install_packages(project_dir, env)


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


def manifest_is_stale(project_dir: Path, manifest_path: Path, registry: str | None = None) -> bool:
    """No manifest, a file newer than it, or a registry other than the one it was parsed with."""
    if not manifest_path.exists():
        return True
    if registry is not None:
        stamp = manifest_path.parent / REGISTRY_STAMP
        if not stamp.exists() or stamp.read_text(encoding="utf-8") != registry:
            return True
    package = DBT_PACKAGE_DIR if uses_product_package(project_dir) else None
    return newest_source_mtime(project_dir, package) > manifest_path.stat().st_mtime
