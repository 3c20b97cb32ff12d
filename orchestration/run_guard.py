"""Every process a run starts dies with it, however the run ends (Linux).

A run's children (dbt, and whatever dbt starts) outlive a ``kill -9`` of their parent: they
are re-parented to init and keep writing the build warehouse. So the first run in a process
marks its environment with a token that every child inherits, and starts a watcher process
outside the run's process group. The watcher sleeps on a pidfd of the run's process and,
when that process is gone (finished, crashed or killed), kills every process still carrying
the token. Found through the environment rather than the process tree or group: an orphan
has lost its parent, and a run started from a script shares the script's process group.

The watcher imports nothing of yecai (it must start in milliseconds and hold no lock).
"""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

TOKEN_ENV = "YECAI_RUN_GUARD"
_started_for_pid: int | None = None


def guard_this_process() -> str:
    """Start the watcher for this process (once per process); returns the run's token."""
    global _started_for_pid
    if _started_for_pid == os.getpid():
        return os.environ[TOKEN_ENV]
    token = uuid.uuid4().hex
    os.environ[TOKEN_ENV] = token  # inherited by every child from now on
    watcher_env = {k: v for k, v in os.environ.items() if k != TOKEN_ENV}
    subprocess.Popen(
        # -I: the script folder (orchestration/) must not shadow the standard library
        [sys.executable, "-I", __file__, str(os.getpid()), token],
        env=watcher_env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # a signal to the run's group must not reach its watcher
        close_fds=True,
    )
    _started_for_pid = os.getpid()
    return token


def carries_token(pid: int, token: str) -> bool:
    """Whether process ``pid`` was started with the run's token in its environment."""
    try:
        environ = Path(f"/proc/{pid}/environ").read_bytes()
    except OSError:  # gone, or not ours to read
        return False
    return f"{TOKEN_ENV}={token}".encode() in environ.split(b"\0")


def processes_with_token(token: str) -> list[int]:
    me = os.getpid()
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit() and int(entry) != me and carries_token(int(entry), token):
            found.append(int(entry))
    return found


def kill_run_processes(token: str, rounds: int = 50) -> int:
    """SIGKILL every process carrying ``token`` until none is left (a child may fork while
    its siblings die); returns how many were killed."""
    killed = 0
    for _ in range(rounds):
        pids = processes_with_token(token)
        if not pids:
            break
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
                killed += 1
            except ProcessLookupError:
                pass
        time.sleep(0.05)
    return killed


def wait_for_exit(pid: int) -> None:
    """Block, without polling, until process ``pid`` has exited."""
    try:
        fd = os.pidfd_open(pid)
    except ProcessLookupError:
        return
    try:
        select.select([fd], [], [])
    finally:
        os.close(fd)


def watch(parent_pid: int, token: str) -> None:
    wait_for_exit(parent_pid)
    kill_run_processes(token)


if __name__ == "__main__":
    watch(int(sys.argv[1]), sys.argv[2])
