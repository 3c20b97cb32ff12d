"""Fixtures every test folder may ask for, and how tests are shared out between workers.

``built_demo``: the demo company generated and built once per session (lazily: only when a
test asks for it); see tests/shared/built_demo.py.

``make test`` runs the suite on two pytest-xdist workers (``--dist loadgroup``). Each worker
is its own session with its own temporary folder, so anything that lives there (a home, a
built demo, a port) is never shared. What would be shared is kept on one worker by naming a
group (``xdist_group``):
- a module's tests stay together, so a module-scoped fixture is built once;
- every module that uses ``built_demo`` goes to the same worker, which builds the demo once;
- modules that run the small dbt projects kept in this repository (their ``target/`` and
  ``dbt_packages/`` are written in place) go to one worker per project.
A module may name its group itself (``pytestmark = pytest.mark.xdist_group("…")``).
"""

from __future__ import annotations

import pytest

from tests.shared.built_demo import BuiltDemo, build_demo

BUILT_DEMO_GROUP = "built_demo"
# Fixtures that point dbt at a project inside this repository (tests/integration/orchestration).
IN_REPO_DBT_FIXTURES = {"yecai_home": "orchestration_dbt_fixture"}


@pytest.fixture(scope="session")
def built_demo(tmp_path_factory) -> BuiltDemo:
    """The demo (seed 42, scale 0.01) generated and built once; a test restores the snapshot
    it needs into ``built_demo.home`` (``built_demo.use(monkeypatch, "built")``)."""
    return build_demo(tmp_path_factory.getbasetemp() / "built-demo")


def _shared_group(item: pytest.Item) -> str | None:
    if "built_demo" in item.fixturenames:
        return BUILT_DEMO_GROUP
    for fixture, group in IN_REPO_DBT_FIXTURES.items():
        if fixture in item.fixturenames:
            return group
    return None


def pytest_collection_modifyitems(config, items):
    """Give every test a group: its module's, or a shared one for what a whole module shares.

    Runs before pytest-xdist reads the groups (its hook is ``trylast``); harmless without it.
    """
    module_group: dict[str, str] = {}
    for item in items:
        marker = item.get_closest_marker("xdist_group")
        group = (marker.args[0] if marker and marker.args else None) or _shared_group(item)
        if group:
            module_group.setdefault(item.module.__name__, group)
    for item in items:
        if item.get_closest_marker("xdist_group") is None:
            group = module_group.get(item.module.__name__, item.nodeid.split("::")[0])
            item.add_marker(pytest.mark.xdist_group(group))
