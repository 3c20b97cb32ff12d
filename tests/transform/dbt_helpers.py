"""Running the real dbt project against a chosen warehouse file, for the transform e2e tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from yecai.settings import DBT_PROJECT_DIR, get_paths


def run_dbt(home: Path, warehouse: Path, *args: str) -> None:
    """``dbt <args>`` on ``warehouse`` over the installation's raw zone; fail with dbt's output."""
    paths = get_paths()
    env = {
        **os.environ,
        "YECAI_HOME": str(home),
        "YECAI_WAREHOUSE_PATH": str(warehouse),
        "YECAI_RAW_ZONE": str(paths.raw),
        "YECAI_LAKE_META": str(paths.lake_meta),
    }
    done = subprocess.run(
        [
            str(Path(sys.executable).parent / "dbt"),
            *args,
            "--project-dir",
            str(DBT_PROJECT_DIR),
            "--profiles-dir",
            str(DBT_PROJECT_DIR),
            # One target and log folder per warehouse: two builds in one test never share state.
            "--target-path",
            str(home / f"dbt_target_{warehouse.stem}"),
            "--log-path",
            str(home / "dbt_logs"),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
