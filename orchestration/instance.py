"""The Dagster instance under ``YECAI_HOME/dagster``: SQLite by default, PostgreSQL on request."""

from __future__ import annotations

import os
from pathlib import Path

import yaml

from yecai.settings import Paths

PG_URL_ENV = "YECAI_DAGSTER_PG_URL"


def instance_config(paths: Paths, use_postgres: bool) -> dict:
    """The dagster.yaml content (pure).

    PostgreSQL is referenced through the environment variable, so the file holds no secret.
    ``concurrency.pools.default_limit: 1`` gives every pool (the warehouse pool is the one
    yecai uses) a single slot: one DuckDB writer at a time across all runs.
    """
    config: dict = {
        "telemetry": {"enabled": False},
        # Every event is redacted of secrets before it is stored (orchestration/redacting_instance.py).
        "instance_class": {
            "module": "orchestration.redacting_instance",
            "class": "RedactingInstance",
        },
        # Two runs may be in flight (say an HR ingest beside the nightly run); the pool
        # still serialises their warehouse writes.
        "concurrency": {"pools": {"default_limit": 1}, "runs": {"max_concurrent_runs": 2}},
    }
    if use_postgres:
        config["storage"] = {"postgres": {"postgres_url": {"env": PG_URL_ENV}}}
    else:
        # Dagster's SQLite storage, same files, with an event log that keeps its connections
        # (orchestration/dagster_sqlite.py): ~10 s less per `yecai run` at scale 1.
        config["storage"] = {
            "custom": {
                "module": "orchestration.dagster_sqlite",
                "class": "YecaiSqliteStorage",
                "config": {"base_dir": str(paths.dagster_home / "storage")},
            }
        }
    config["local_artifact_storage"] = {
        "module": "dagster.core.storage.root",
        "class": "LocalArtifactStorage",
        "config": {"base_dir": str(paths.dagster_home)},
    }
    config["compute_logs"] = {
        "module": "dagster.core.storage.local_compute_log_manager",
        "class": "LocalComputeLogManager",
        "config": {"base_dir": str(paths.dagster_home / "logs")},
    }
    return config


def ensure_instance(paths: Paths, env: dict[str, str] | None = None) -> Path:
    """Write dagster.yaml for this installation and point DAGSTER_HOME at it.

    Rewritten only when its content changes, so a running webserver is not disturbed.
    """
    env = os.environ if env is None else env
    home = paths.dagster_home
    home.mkdir(parents=True, exist_ok=True)
    text = yaml.safe_dump(instance_config(paths, bool(env.get(PG_URL_ENV))), sort_keys=True)
    target = home / "dagster.yaml"
    if not target.exists() or target.read_text(encoding="utf-8") != text:
        tmp = target.with_suffix(".yaml.tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(target)
    os.environ["DAGSTER_HOME"] = str(home)
    return home


# One instance per installation and configuration in a process: opening one (storage engines,
# schema checks) costs ~0.7 s, and `yecai run` asked for it five times (planner, two runs,
# progress display). The configuration text and the PostgreSQL URL (dagster.yaml names only its
# variable) are part of the key: either changed opens a new one.
_instances: dict[tuple[str, str, str | None], object] = {}


def get_instance(paths: Paths):
    """The DagsterInstance of this installation (creating its dagster.yaml if needed)."""
    import dagster as dg

    home = ensure_instance(paths)
    config = (home / "dagster.yaml").read_text(encoding="utf-8")
    key = (str(home.resolve()), config, os.environ.get(PG_URL_ENV))
    instance = _instances.get(key)
    if instance is None:
        instance = _instances[key] = dg.DagsterInstance.from_config(str(home))
    return instance
