"""One writer at a time: a Dagster pool on every warehouse writer and a file lock around it."""

import subprocess
import sys
import time

import dagster as dg
import pytest

from orchestration.defs.shared.resources import hold_warehouse_lock, warehouse_lock_path
from yecai.errors import YecaiError
from yecai.settings import get_paths

pytestmark = pytest.mark.integration

HOLDER = """
import sys, time
from filelock import FileLock
lock = FileLock(sys.argv[1]); lock.acquire(); print("held", flush=True); time.sleep(30)
"""


def test_a_second_writer_waits_then_gets_a_clear_error(yecai_home):
    paths = get_paths()
    lock_file = warehouse_lock_path(paths)
    lock_file.parent.mkdir(parents=True)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(lock_file)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        started = time.monotonic()
        with pytest.raises(YecaiError) as err, hold_warehouse_lock(paths, timeout_seconds=1):
            pass
        assert time.monotonic() - started >= 1
        assert str(lock_file) in err.value.what
        assert "wait for the other run" in err.value.fix
    finally:
        holder.kill()
        holder.wait()
    with hold_warehouse_lock(paths, timeout_seconds=5):
        pass  # free again once the other writer is gone


def test_every_warehouse_writer_is_in_the_warehouse_pool(fixture_defs):
    repo = fixture_defs.get_repository_def()
    writers = [
        dg.AssetKey(["finance", "period_revenue"]),
        dg.AssetKey(["finance", "customer_count"]),
        dg.AssetKey(["warehouse", "published"]),
    ]
    for key in writers:
        assert repo.assets_defs_by_key[key].op.pool == "warehouse", key
    checks = [d for d in fixture_defs.asset_checks or []]
    assert checks
    for checks_def in checks:
        assert checks_def.op.pool == "warehouse"
