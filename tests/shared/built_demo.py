"""The demo company (seed 42, scale 0.01) generated and built once per pytest session.

Several modules need a built installation of the demo only to test something on it (a
backfill, the data dictionary, the watch loop, the daily increment). Generating the demo and
running the whole pipeline costs minutes each time, so the session does it once and keeps two
snapshots: the home as `yecai demo generate` left it ("generated") and as the first
`yecai run --from 2025-01 --to 2025-12` left it ("built").

An installation is not relocatable (build.duckdb's views, the DuckLake catalog, the GX
results and dbt's target hold absolute paths), so a snapshot is never used where it lies: a
consumer restores it INTO the one home path the session built it at, and works there. Tests
run one at a time (no xdist), so one consumer owns that path at a time, and every consumer
starts from a fresh copy whatever the previous one did to it.

The CRM token is not part of the home (it is only ever read from the environment): the
build serves the CRM with its own token, and each consumer serves it again on a free port
with its own token (:func:`serving_demo_crm`).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.orchestration.demo_helpers import YECAI, serve_demo_crm
from yecai.settings import REPO_ROOT, Paths

FIRST_PERIOD = "2025-01"
BUILD_RANGE = ("--from", "2025-01", "--to", "2025-12")
STAGES = ("generated", "built")
# variables a test may have left pointing elsewhere; the demo home uses its own defaults
NOT_INHERITED = ("YECAI_DBT_PROJECT_DIR", "YECAI_DAGSTER_PG_URL", "YECAI_CRM_URL")


@dataclass(frozen=True)
class BuiltDemo:
    """The session's demo home, its snapshots and the first run's output."""

    home: Path
    snapshots: Path
    first_run: subprocess.CompletedProcess  # `yecai run --from 2025-01 --to 2025-12`

    @property
    def paths(self) -> Paths:
        return Paths(home=self.home)

    def restore(self, stage: str) -> Paths:
        """Make the home exactly the ``stage`` snapshot again (modes and mtimes kept: the
        SQLite change fingerprints compare mtimes) and forget this process's Dagster instance
        of it, whose storage now lies on replaced files."""
        assert stage in STAGES, stage
        _forget_dagster_instances(self.home)
        shutil.rmtree(self.home, ignore_errors=True)
        _copy(self.snapshots / stage, self.home)
        return self.paths

    def use(self, monkeypatch, stage: str) -> Paths:
        """Restore ``stage`` and point this process's environment at the home."""
        paths = self.restore(stage)
        for name, value in demo_env(self.home).items():
            monkeypatch.setenv(name, value)
        for name in NOT_INHERITED:
            monkeypatch.delenv(name, raising=False)
        return paths


def demo_env(home: Path) -> dict[str, str]:
    """The variables the demo home is run with (besides the CRM's)."""
    return {
        "YECAI_HOME": str(home),
        "DAGSTER_HOME": str(home / "dagster"),
        "YECAI_FIRST_PERIOD": FIRST_PERIOD,
    }


@contextmanager
def serving_demo_crm(monkeypatch, token: str) -> Iterator[None]:
    """Serve the current home's demo CRM and point this process's YECAI_CRM_* at it."""
    env = dict(os.environ)
    with serve_demo_crm(env, token):
        monkeypatch.setenv("YECAI_CRM_URL", env["YECAI_CRM_URL"])
        monkeypatch.setenv("YECAI_CRM_TOKEN", token)
        yield


def build_demo(root: Path) -> BuiltDemo:
    """Generate and build the demo under ``root``; fails with the command's output tail."""
    home, snapshots = root / "home", root / "snapshots"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    env = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
    env.update(demo_env(home))
    env.pop("YECAI_CRM_TOKEN", None)

    done = _run(env, "demo", "generate", "--seed", "42", "--scale", "0.01", timeout=900)
    assert done.returncode == 0, f"demo generate failed:\n{_tail(done)}"
    _copy(home, snapshots / "generated")
    with serve_demo_crm(env, "session-build-token"):
        first_run = _run(env, "run", *BUILD_RANGE, timeout=2400)
    assert first_run.returncode == 0, f"the session's demo build failed:\n{_tail(first_run)}"
    _copy(home, snapshots / "built")
    return BuiltDemo(home=home, snapshots=snapshots, first_run=first_run)


def _run(env: dict, *args: str, timeout: int) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(YECAI), *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def _tail(done: subprocess.CompletedProcess) -> str:
    return (done.stdout + done.stderr)[-4000:]


def _copy(source: Path, target: Path) -> None:
    shutil.copytree(source, target, symlinks=True, copy_function=shutil.copy2)


def _forget_dagster_instances(home: Path) -> None:
    """Dispose of the instances orchestration.instance caches for ``home`` in this process
    (it keeps one per installation and configuration)."""
    from orchestration import instance as instances

    dagster_home = str((home / "dagster").resolve())
    for key in [k for k in instances._instances if k[0] == dagster_home]:
        instances._instances.pop(key).dispose()
