"""Where everything lives. One settings object, derived from ``YECAI_HOME``.

All paths are derived from the home folder so that moving ``YECAI_HOME`` moves the
whole installation (lake, warehouse, reports, Dagster instance, demo sources) and the company's
configuration (``sources.yml``, ``contracts/``, its dbt project ``dbt/``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

HOME_ENV = "YECAI_HOME"
DEFAULT_HOME_NAME = ".yecai"
REPO_ROOT = Path(__file__).resolve().parent.parent
# The product's dbt package (`yecai`), installed by every company's dbt project.
DBT_PACKAGE_DIR = REPO_ROOT / "dbt_project"
# Older name of the same folder (the product's models, macros and seeds).
DBT_PROJECT_DIR = DBT_PACKAGE_DIR


@dataclass(frozen=True)
class Paths:
    """The folders and files of one yecai installation."""

    home: Path

    # --- lake -------------------------------------------------------------------------
    @property
    def lake(self) -> Path:
        return self.home / "lake"

    @property
    def raw(self) -> Path:
        """Raw zone: ``raw/<source>/<entity>/batch=<id>/`` Parquet plus ``manifest.json``."""
        return self.lake / "raw"

    @property
    def quarantine(self) -> Path:
        """Rows that broke their contract: ``quarantine/<source>/<entity>/batch=<id>/``."""
        return self.lake / "quarantine"

    @property
    def lake_meta(self) -> Path:
        """Batch records (one JSON per batch, whatever its status) and staging temp dirs."""
        return self.lake / "_meta"

    # --- warehouse --------------------------------------------------------------------
    @property
    def warehouse(self) -> Path:
        return self.home / "warehouse"

    @property
    def build_db(self) -> Path:
        """The unpublished warehouse dbt writes to (write step of write-audit-publish)."""
        return self.warehouse / "build.duckdb"

    @property
    def published_catalog(self) -> Path:
        """The published lake's embedded catalog (DuckLake on SQLite): snapshots, tables, files.

        Unused when ``YECAI_LAKE_CATALOG_URL`` puts the catalog in PostgreSQL, or when the lake
        was created with a publish key (``published_encrypted_catalog``); read it only through
        ``yecai.published.connect``.
        """
        return self.warehouse / "published.sqlite"

    @property
    def published_encrypted_catalog(self) -> Path:
        """The embedded catalog of a lake created with a publish key: an encrypted DuckDB file
        (DuckLake on DuckDB), which only the publishing process opens, one at a time."""
        return self.warehouse / "published.ducklake"

    @property
    def published_reader_catalog(self) -> Path:
        """A copy of the encrypted catalog that readers open, re-made after every write:
        readers never wait for a publish, nor a publish for a reader."""
        return self.warehouse / "published.read.ducklake"

    @property
    def published_data(self) -> Path:
        """The published lake's Parquet data files (written by publish, never by hand)."""
        return self.warehouse / "published_data"

    @property
    def publish_config(self) -> Path:
        """``publish.yml``: the retention policy of published snapshots (optional)."""
        return self.home / "publish.yml"

    # --- everything else --------------------------------------------------------------
    @property
    def reports(self) -> Path:
        return self.home / "reports"

    @property
    def dagster_home(self) -> Path:
        return self.home / "dagster"

    @property
    def demo(self) -> Path:
        """The demo company's source systems (ERP database, CRM data, HR export drop)."""
        return self.home / "demo"

    @property
    def hr_drop(self) -> Path:
        """The demo company's HR export drop folder (its sources.yml points a files source here)."""
        return self.demo / "hr_drop"

    # --- the company's configuration (yecai init DIR, or yecai demo generate) ---------
    @property
    def sources_config(self) -> Path:
        """``sources.yml``: the source registry. Absent: the home holds no company yet."""
        return self.home / "sources.yml"

    @property
    def contracts(self) -> Path:
        """Default contracts folder, ``contracts/<source>/<entity>.yml`` (sources.yml may move it)."""
        return self.home / "contracts"

    @property
    def dbt_project(self) -> Path:
        """The company's own dbt project: staging, conforming models, mapping seeds."""
        return self.home / "dbt"

    @property
    def dbt_target(self) -> Path:
        """dbt's target folder of the company project (manifest, run_results.json, logs)."""
        return self.dbt_project / "target"

    def as_dict(self) -> dict[str, str]:
        return {
            "home": str(self.home),
            "lake": str(self.lake),
            "raw_zone": str(self.raw),
            "quarantine": str(self.quarantine),
            "warehouse": str(self.build_db),
            # The published lake: its catalog (snapshots are the versions) and its data files.
            # `yecai info` replaces the catalog with where it really is: the PostgreSQL URL when
            # one is configured, the encrypted catalog file of a lake created under a publish key.
            "published_warehouse": str(self.published_catalog),
            "published_catalog": str(self.published_catalog),
            "published_data": str(self.published_data),
            "versions": str(self.published_catalog),
            "publish_config": str(self.publish_config),
            "reports": str(self.reports),
            "dagster_home": str(self.dagster_home),
            "demo": str(self.demo),
            "hr_drop": str(self.hr_drop),
            "sources_config": str(self.sources_config),
            "dbt_project": str(self.dbt_project),
            "contracts": str(self.contracts),
            "dbt_target": str(self.dbt_target),
            "dbt_package": str(DBT_PACKAGE_DIR),
        }


def get_paths() -> Paths:
    """Paths from ``YECAI_HOME``, or ``./.yecai`` under the current directory."""
    raw = os.environ.get(HOME_ENV)
    home = Path(raw).expanduser() if raw else Path.cwd() / DEFAULT_HOME_NAME
    return Paths(home=home.resolve())
