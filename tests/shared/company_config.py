"""A company's configuration written for a test: ``sources.yml`` and its contracts.

One place that knows where the configuration lives (``Paths.sources_config``, contracts in
the folder ``contracts_dir`` names), so tests of sources nobody has seen write it alike.
"""

from __future__ import annotations

import os
from pathlib import Path

import yaml

from yecai.settings import REPO_ROOT, Paths

CONTRACTS_DIR = "contracts"
# The demo company's configuration, for tests that borrow one of its sources.
DEMO_COMPANY = REPO_ROOT / "demo" / "company"
DEMO_CONTRACTS = DEMO_COMPANY / "contracts"


def demo_source(name: str) -> dict:
    """One source's settings from the demo company's ``sources.yml``."""
    data = yaml.safe_load((DEMO_COMPANY / "sources.yml").read_text(encoding="utf-8"))
    return dict(data["sources"][name])


def write_company(paths: Paths, sources: dict, contracts: dict[tuple[str, str], str] | None = None):
    """Write ``sources.yml`` (``sources`` is its ``sources:`` mapping) and contract files."""
    paths.home.mkdir(parents=True, exist_ok=True)
    root = contracts_root(paths)
    root.mkdir(parents=True, exist_ok=True)
    for (source, entity), text in (contracts or {}).items():
        (root / source).mkdir(parents=True, exist_ok=True)
        (root / source / f"{entity}.yml").write_text(text, encoding="utf-8")
    paths.sources_config.write_text(
        yaml.safe_dump({"contracts_dir": CONTRACTS_DIR, "sources": sources}, sort_keys=False),
        encoding="utf-8",
    )


def contracts_root(paths: Paths) -> Path:
    return paths.home / CONTRACTS_DIR


def init_company(tmp_path: Path, monkeypatch, name: str = "acme") -> Path:
    """A company started as a newcomer starts one (``yecai init``) in ``tmp_path/name``, with no
    other YECAI_ setting of the test's environment leaking in; YECAI_HOME points at it."""
    from tests.orchestration.demo_helpers import yecai

    home = tmp_path / name
    for variable in [v for v in os.environ if v.startswith("YECAI_")]:
        monkeypatch.delenv(variable)
    monkeypatch.setenv("YECAI_HOME", str(home))
    done = yecai("init", str(home))
    assert done.returncode == 0, done.stdout + done.stderr
    return home
