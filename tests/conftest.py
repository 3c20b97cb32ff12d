"""Fixtures every test folder may ask for.

``built_demo``: the demo company generated and built once per session (lazily: only when a
test asks for it); see tests/shared/built_demo.py.
"""

import pytest

from tests.shared.built_demo import BuiltDemo, build_demo


@pytest.fixture(scope="session")
def built_demo(tmp_path_factory) -> BuiltDemo:
    """The demo (seed 42, scale 0.01) generated and built once; a test restores the snapshot
    it needs into ``built_demo.home`` (``built_demo.use(monkeypatch, "built")``)."""
    return build_demo(tmp_path_factory.getbasetemp() / "built-demo")
