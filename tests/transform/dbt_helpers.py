"""Running the company's dbt project against a chosen warehouse file, for the transform e2e tests."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import duckdb

from orchestration.defs.transform.dbt_args import dbt_env
from orchestration.defs.transform.project_files import dbt_executable, ensure_packages
from yecai.settings import get_paths


def dbt_process(
    home: Path, warehouse: Path, *args: str, timeout: int = 900
) -> subprocess.CompletedProcess:
    """``dbt <args>`` on ``warehouse`` over the installation's raw zone, its outcome as it is.

    dbt runs in the installation's company project (``<home>/dbt``, with the product package
    installed) and with the environment the pipeline gives it (``dbt_env``: the source
    registry and the home's paths). For tests that read dbt's output or expect it to fail;
    ``run_dbt`` for those that need it to pass. The installation is the one ``YECAI_HOME``
    names when called.
    """
    paths = get_paths()
    env = {**dbt_env(paths), "YECAI_WAREHOUSE_PATH": str(warehouse)}
    ensure_packages(paths.dbt_project, env)
    return subprocess.run(
        [
            dbt_executable(),
            *args,
            "--project-dir",
            str(paths.dbt_project),
            "--profiles-dir",
            str(paths.dbt_project),
            # One target and log folder per warehouse: two builds in one test never share state.
            "--target-path",
            str(home / f"dbt_target_{warehouse.stem}"),
            "--log-path",
            str(home / "dbt_logs"),
        ],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def run_dbt(home: Path, warehouse: Path, *args: str) -> None:
    """``dbt <args>`` on ``warehouse`` over the installation's raw zone; fail with dbt's output."""
    done = dbt_process(home, warehouse, *args)
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]


def rows_differing(db: Path, other: Path, table: str) -> tuple[int, int, int]:
    """Rows of ``table`` only in ``db``, only in ``other`` (duplicates counted), and in ``other``."""
    con = duckdb.connect()
    try:
        con.execute(f"attach '{db}' as a (read_only)")
        con.execute(f"attach '{other}' as b (read_only)")
        return con.execute(
            f"""select
                  (select count(*) from (select * from a.{table} except all select * from b.{table})),
                  (select count(*) from (select * from b.{table} except all select * from a.{table})),
                  (select count(*) from b.{table})"""
        ).fetchall()[0]
    finally:
        con.close()
