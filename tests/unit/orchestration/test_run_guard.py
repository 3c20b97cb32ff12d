"""A run's children die with it; a run's recorded process is known dead; waits are bounded;
the increment sees every batch that landed rows after the last publish."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from orchestration.abandoned_runs import (
    HOST_TAG,
    PID_START_TAG,
    PID_TAG,
    process_tags,
    recorded_process_is_gone,
)
from orchestration.warehouse_wait import DEFAULT_WAIT_SECONDS, WAIT_ENV, wait_limit_seconds
from yecai.errors import YecaiError
from yecai.increment import entities_landed_since
from yecai.settings import REPO_ROOT

GUARDED_PARENT = """
import subprocess, sys
from orchestration.run_guard import guard_this_process
guard_this_process()
child = subprocess.Popen(["sleep", "60"], start_new_session=True)
print(child.pid, flush=True)
sys.stdin.read()
"""


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def test_a_child_dies_when_its_guarded_parent_is_killed():
    parent = subprocess.Popen(
        [sys.executable, "-c", GUARDED_PARENT],
        cwd=REPO_ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    child = int(parent.stdout.readline())
    try:
        assert _alive(child)
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(timeout=10)
        deadline = time.monotonic() + 5
        while _alive(child) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _alive(child), "the child outlived its killed parent"
    finally:
        if _alive(child):
            os.kill(child, signal.SIGKILL)


def test_a_recorded_process_is_gone_only_when_it_really_is():
    tags = process_tags()
    host = tags[HOST_TAG]
    assert not recorded_process_is_gone(tags, host)  # this very process
    assert recorded_process_is_gone({**tags, PID_START_TAG: "1"}, host)  # pid reused since
    assert recorded_process_is_gone({**tags, PID_TAG: "999999999"}, host)
    assert not recorded_process_is_gone({**tags, PID_TAG: "999999999"}, "another-host")
    assert not recorded_process_is_gone({}, host)  # launched by the daemon: not ours to judge


def test_the_warehouse_wait_limit_comes_from_the_environment():
    assert wait_limit_seconds({}) == DEFAULT_WAIT_SECONDS == 1800
    assert wait_limit_seconds({WAIT_ENV: "30"}) == 30
    for bad in ("soon", "0", "-5"):
        with pytest.raises(YecaiError) as err:
            wait_limit_seconds({WAIT_ENV: bad})
        assert WAIT_ENV in err.value.what


def _record(source, entity, rows, finished):
    return {"source": source, "entity": entity, "rows_landed": rows, "finished_at": finished}


def test_the_increment_counts_batches_that_landed_rows_after_the_last_publish():
    published = 1_700_000_000.0  # 2023-11-14T22:13:20Z
    records = [
        _record("a", "x", 5, "2023-11-14T22:00:00.000000Z"),  # before: already published
        _record("b", "y", 0, "2023-11-15T00:00:00.000000Z"),  # nothing landed
        _record("c", "z", 3, "2023-11-15T00:00:00.000000Z"),
        _record("d", "w", 1, "not a time"),  # unreadable: counted rather than lost
    ]
    assert entities_landed_since(records, published) == [("c", "z"), ("d", "w")]
    assert entities_landed_since(records, None) == [("a", "x"), ("c", "z"), ("d", "w")]
