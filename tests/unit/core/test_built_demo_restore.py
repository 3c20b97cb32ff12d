"""The session's demo snapshots come back exactly: same path, modes and mtimes, and no Dagster
instance of the replaced home is served from this process's cache."""

from __future__ import annotations

import os
import subprocess
import types

import pytest

from tests.shared.built_demo import BuiltDemo

pytestmark = pytest.mark.unit


def _snapshot(root, name: str, text: str, mtime_ns: int):
    home = root / "snapshots" / name
    (home / "demo").mkdir(parents=True)
    erp = home / "demo" / "erp.sqlite"
    erp.write_text(text)
    erp.chmod(0o600)
    os.utime(erp, ns=(mtime_ns, mtime_ns))
    (home / "demo").chmod(0o700)
    home.chmod(0o700)
    return home


def test_restore_puts_the_snapshot_back_in_place_and_forgets_the_cached_instance(
    tmp_path, monkeypatch
):
    from orchestration import instance as instances

    _snapshot(tmp_path, "generated", "generated", 1_700_000_000_123_456_789)
    _snapshot(tmp_path, "built", "built", 1_700_000_001_000_000_001)
    demo = BuiltDemo(
        home=tmp_path / "home",
        snapshots=tmp_path / "snapshots",
        first_run=subprocess.CompletedProcess([], 0),
    )
    disposed = []
    stale = types.SimpleNamespace(dispose=lambda: disposed.append(True))
    other = types.SimpleNamespace(dispose=lambda: disposed.append(False))
    key = (str((demo.home / "dagster").resolve()), "storage: sqlite", None)
    other_key = (str(tmp_path / "elsewhere" / "dagster"), "storage: sqlite", None)
    monkeypatch.setattr(instances, "_instances", {key: stale, other_key: other})

    paths = demo.use(monkeypatch, "built")
    (paths.demo / "erp.sqlite").write_text("changed by a test")
    (paths.home / "left-behind").write_text("x")
    paths = demo.restore("generated")

    erp = paths.demo / "erp.sqlite"
    assert paths.home == tmp_path / "home" and os.environ["YECAI_HOME"] == str(paths.home)
    assert erp.read_text() == "generated" and not (paths.home / "left-behind").exists()
    assert erp.stat().st_mtime_ns == 1_700_000_000_123_456_789  # source fingerprints use it
    assert (erp.stat().st_mode & 0o777, paths.home.stat().st_mode & 0o777) == (0o600, 0o700)
    assert disposed == [True] and list(instances._instances) == [other_key]
