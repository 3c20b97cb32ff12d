"""The one place orchestration calls the quality stage (runner, publish, scorecard).

Everything quality-specific that Dagster needs goes through these thin functions, so a change
in the quality stage's interface is a change here only.
"""

from __future__ import annotations

import importlib
from typing import Any

from yecai.errors import YecaiError
from yecai.settings import Paths


def _quality_module(name: str) -> Any:
    try:
        return importlib.import_module(f"quality.{name}")
    except ModuleNotFoundError as exc:
        if exc.name not in (f"quality.{name}", "quality"):
            raise
        raise YecaiError(
            f"the quality stage module quality.{name} is not installed",
            "install the project with `uv sync` so the quality package is present",
        ) from exc


def run_table_checks(paths: Paths, table: str, run_id: str | None) -> list[Any]:
    """Every declared check on ``table``: a list of CheckResult (see quality.runner)."""
    return list(_quality_module("runner").run_checks_for_table(paths, table, run_id=run_id))


def run_tables_checks(paths: Paths, tables: list[str], run_id: str | None) -> dict[str, list[Any]]:
    """Every declared check on each of ``tables``, in one GX session per layer; by table."""
    found = _quality_module("runner").run_checks_for_tables(paths, list(tables), run_id=run_id)
    return {table: list(results) for table, results in found.items()}


def publish(
    paths: Paths, run_id: str, force_reason: str | None = None, progress: Any = None
) -> Any:
    """Audit the build warehouse and publish it if every blocking check passed; ``progress``
    hears each stage as it ends."""
    return _quality_module("publish").audit_and_publish(
        paths, run_id, force_reason=force_reason, progress=progress
    )


def write_scorecard(paths: Paths) -> Any:
    """Render the governance scorecard; returns what quality.scorecard returns (its path)."""
    return _quality_module("scorecard").write_scorecard(paths)
