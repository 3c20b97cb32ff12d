"""Role copies after a publish: written from the snapshot when a token key is set, and not a
byte of the snapshot read for them when none is (no copy could be written)."""

from __future__ import annotations

import pytest
from lake_fixtures import build_warehouse, publish

import quality.role_publish as role_publish
from yecai.privacy.keys import new_key_text
from yecai.privacy.role_copies import ENCRYPTED_ROLES, ROLE_NAMES, roles_dir
from yecai.settings import Paths

pytestmark = pytest.mark.integration

KEY_ENVS = (
    "YECAI_TOKEN_KEY",
    "YECAI_TOKEN_KEY_FILE",
    "YECAI_PUBLISH_KEY",
    "YECAI_PUBLISH_KEY_FILE",
)


def test_without_a_token_key_the_snapshot_is_not_read_for_role_copies(tmp_path, monkeypatch):
    monkeypatch.setenv("YECAI_HOME", str(tmp_path))
    for name in (*KEY_ENVS, "YECAI_LAKE_CATALOG_URL", "YECAI_LAKE_READER_CATALOG_URL"):
        monkeypatch.delenv(name, raising=False)
    paths = Paths(home=tmp_path)
    build_warehouse(paths.build_db, 1)
    snapshot = publish(paths, "v1")
    opened = []
    attach = role_publish.attach_lake
    monkeypatch.setattr(
        role_publish, "attach_lake", lambda *a, **k: opened.append(k) or attach(*a, **k)
    )

    done = role_publish.publish_role_copies(paths, snapshot, "v1")
    assert done.written == {} and set(done.skipped) == set(ROLE_NAMES)
    assert "no token key is set" in done.message()
    assert opened == [] and not roles_dir(paths).exists()

    monkeypatch.setenv("YECAI_TOKEN_KEY", new_key_text())
    done = role_publish.publish_role_copies(paths, snapshot, "v1")
    assert len(opened) == 1
    # no publish key: the encrypted roles' copies are skipped, every other one is written
    assert set(done.written) == set(ROLE_NAMES) - set(ENCRYPTED_ROLES)
    assert all(path.is_file() for path in done.written.values())
