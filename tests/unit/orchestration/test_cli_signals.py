"""`yecai` starts with SIGTERM's default action even when its parent handed it down ignored
(Dagster in the parent maps SIGTERM to an ignored SIGINT), so a supervisor can stop it and
Dagster's compute-log `tail` processes stop when Dagster terminates them."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from orchestration import cli
from orchestration.signals import take_back_an_ignored_sigterm

pytestmark = pytest.mark.unit


def test_main_takes_back_an_inherited_ignored_sigterm(monkeypatch):
    seen = []
    monkeypatch.setattr(cli, "app", lambda: seen.append(signal.getsignal(signal.SIGTERM)))
    previous = signal.signal(signal.SIGTERM, signal.SIG_IGN)
    umask = os.umask(0o022)
    try:
        cli.main()
    finally:
        signal.signal(signal.SIGTERM, previous)
        os.umask(umask)
    assert seen == [signal.SIG_DFL]


def test_a_handler_someone_set_on_purpose_is_left_alone(monkeypatch):
    def handler(signum, frame):
        return None

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        take_back_an_ignored_sigterm()
        assert signal.getsignal(signal.SIGTERM) is handler
    finally:
        signal.signal(signal.SIGTERM, previous)


def test_a_child_of_yecai_can_be_terminated_though_yecai_was_started_ignoring_sigterm():
    """What Dagster's log capture does: start `tail -F` and stop it with SIGTERM."""
    code = (
        "import subprocess, sys, time\n"
        "from orchestration.signals import take_back_an_ignored_sigterm\n"
        "take_back_an_ignored_sigterm()\n"
        "tail = subprocess.Popen(['tail', '-F', '/dev/null'])\n"
        "time.sleep(0.2); tail.terminate()\n"
        "try:\n"
        "    tail.wait(timeout=5); print('stopped')\n"
        "except subprocess.TimeoutExpired:\n"
        "    tail.kill(); print('ignored')\n"
    )
    began = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=lambda: signal.signal(signal.SIGTERM, signal.SIG_IGN),
    )
    assert done.stdout.strip() == "stopped", done.stdout + done.stderr
    assert time.monotonic() - began < 30
