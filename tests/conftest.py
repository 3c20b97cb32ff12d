"""Fixtures every test folder may ask for, and how tests are shared out between workers.

``built_demo``: the demo company generated and built once per session (lazily: only when a
test asks for it); see tests/shared/built_demo.py.

``make test`` runs the suite on two pytest-xdist workers. Each worker is its own session with
its own temporary folder, so anything that lives there (a home, a built demo, a port) is never
shared. What would be shared is kept on one worker by ``WorkerGroups``, which hands out whole
groups of modules, heaviest folders first (collection order: browser, e2e, integration, unit):
- a module's tests stay together, so a module-scoped fixture is built once;
- every module that asks for ``built_demo`` goes to the same worker, which builds the demo once;
- modules that run a small dbt project kept in this repository (dbt writes its ``target/``
  in place) go to one worker per project: those naming ``yecai_home`` or ``fixture_defs``
  (tests/integration/orchestration/conftest.py), and any module that names its group itself
  with ``pytest.mark.xdist_group("…")``.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

from tests.shared.built_demo import BuiltDemo, build_demo

ROOT = Path(__file__).resolve().parent.parent
BUILT_DEMO_GROUP = "built_demo"
DBT_FIXTURE_GROUP = "orchestration_dbt_fixture"
_NAMED_GROUP = re.compile(r"""xdist_group\(\s*["']([^"']+)["']""")


@pytest.fixture(scope="session")
def built_demo(tmp_path_factory) -> BuiltDemo:
    """The demo (seed 42, scale 0.01) generated and built once; a test restores the snapshot
    it needs into ``built_demo.home`` (``built_demo.use(monkeypatch, "built")``)."""
    return build_demo(tmp_path_factory.getbasetemp() / "built-demo")


@cache
def worker_group(module: str) -> str:
    """The group of a test module (its path from the repository root), read from its source:
    the scheduler runs in the controlling process, which sees node IDs, not fixtures."""
    path = ROOT / module
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    if named := _NAMED_GROUP.search(text):
        return named.group(1)
    if re.search(r"\bbuilt_demo\b", text):
        return BUILT_DEMO_GROUP
    if re.search(r"\b(yecai_home|fixture_defs)\b", text) and module.startswith(
        "tests/integration/orchestration/"
    ):
        return DBT_FIXTURE_GROUP
    return module


def pytest_xdist_make_scheduler(config, log):
    """pytest-xdist's hook: schedule by ``worker_group`` (only called when xdist runs)."""
    from xdist.scheduler import LoadScopeScheduling

    class WorkerGroups(LoadScopeScheduling):
        def __init__(self, config, log=None):
            super().__init__(config, log)
            # Collection order puts the long folders first; reordering by test count would
            # start a long group last and leave one worker idle at the end.
            config.option.loadscopereorder = False

        def _split_scope(self, nodeid: str) -> str:
            return worker_group(nodeid.split("::", 1)[0])

    return WorkerGroups(config, log)
