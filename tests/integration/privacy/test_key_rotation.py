"""``yecai privacy rotate``: after a key changes, what it protected is re-written under the new
value, the old value opens nothing any more, and the rotation is in the audit log.

A small home published through the real lake writer (tests/integration/published/lake_fixtures)
with one person, role copies written under the first token and publish keys, and a build
warehouse encrypted under the first warehouse key.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from quality.role_publish import rewrite_role_copies_at_latest
from tests.integration.published.lake_fixtures import publish
from yecai import build_warehouse
from yecai.errors import YecaiError
from yecai.privacy import audit
from yecai.privacy.keys import key_id_of, new_key_text, parse_key_text
from yecai.privacy.role_copies import open_role_copy
from yecai.privacy.rotate import rotate
from yecai.settings import Paths

pytestmark = pytest.mark.integration

NATIONAL_ID = "110101199003077777"
TOKEN_A, TOKEN_B = new_key_text(), new_key_text()
PUBLISH_A, PUBLISH_B = new_key_text(), new_key_text()
WAREHOUSE_A, WAREHOUSE_B = new_key_text(), new_key_text()


def _id(purpose: str, text: str) -> str:
    return key_id_of(purpose, parse_key_text(text, "test"))


@pytest.fixture
def home(tmp_path) -> Paths:
    paths = Paths(tmp_path / "home")
    paths.warehouse.mkdir(parents=True)
    con = duckdb.connect(str(paths.build_db))
    con.execute("create schema canonical; create schema finance")
    con.execute(
        f"create table canonical.employee as select 'E1' as employee_id, '{NATIONAL_ID}' "
        "as national_id"
    )
    con.execute(
        "create table finance.trial_balance as select 'E01' as entity_code, '1001' as "
        "account_code, 10.00::decimal(18,2) as closing_balance"
    )
    con.close()
    publish(paths, "v1")
    first = {"YECAI_TOKEN_KEY": TOKEN_A, "YECAI_PUBLISH_KEY": PUBLISH_A}
    copies = rewrite_role_copies_at_latest(paths, first)
    assert copies is not None and not copies.skipped, copies
    return paths


def _analyst_token(paths: Paths) -> tuple[str, str]:
    """(the token key ID the analyst's copy records, the person's token in it)."""
    con = open_role_copy(paths, "analyst", {"YECAI_TOKEN_KEY": TOKEN_B})
    try:
        key_id = con.execute("select token_key_id from governance.role_copy").fetchone()[0]
        value = con.execute("select national_id from canonical.employee").fetchone()[0]
    finally:
        con.close()
    return key_id, value


def test_a_token_rotation_re_writes_every_copy_with_new_tokens(home):
    before = _analyst_token(home)
    assert before[0] == _id("token", TOKEN_A)
    env = {"YECAI_TOKEN_KEY": TOKEN_B, "YECAI_PUBLISH_KEY": PUBLISH_A}
    report = rotate(home, "token", "yearly rotation", env)
    after = _analyst_token(home)
    assert after[0] == _id("token", TOKEN_B)
    assert after[1] != before[1] and after[1].startswith("tok_") and NATIONAL_ID not in after[1]
    assert "role copies re-written: analyst, finance, governance, hr" in report.message()
    (entry,) = [e for e in audit.read(home) if e["action"] == "rotate_key"]
    assert entry["reason"] == "yearly rotation"
    assert entry["details"]["purpose"] == "token"
    assert entry["details"]["key_id"] == _id("token", TOKEN_B)
    text = audit.audit_path(home).read_text(encoding="utf-8")
    assert TOKEN_A not in text and TOKEN_B not in text  # key IDs, never keys


def test_a_publish_rotation_leaves_the_hr_copy_openable_by_the_new_key_alone(home):
    env = {"YECAI_TOKEN_KEY": TOKEN_A, "YECAI_PUBLISH_KEY": PUBLISH_B}
    rotate(home, "publish", None, env)
    con = open_role_copy(home, "hr", {"YECAI_PUBLISH_KEY": PUBLISH_B})
    try:
        assert con.execute("select national_id from canonical.employee").fetchone() == (
            NATIONAL_ID,
        )
    finally:
        con.close()
    with pytest.raises(YecaiError, match="not written with"):
        open_role_copy(home, "hr", {"YECAI_PUBLISH_KEY": PUBLISH_A})


def test_a_warehouse_rotation_re_encrypts_and_says_the_old_key_may_go(home):
    build_warehouse.encrypt_for_build(
        home.build_db, home.home, {"YECAI_WAREHOUSE_KEY": WAREHOUSE_A}
    )
    env = {"YECAI_WAREHOUSE_KEY": WAREHOUSE_B, "YECAI_WAREHOUSE_KEY_PREVIOUS": WAREHOUSE_A}
    report = rotate(home, "warehouse", "leaver", env)
    assert "previous key" in report.message()
    assert "remove YECAI_WAREHOUSE_KEY_PREVIOUS" in report.message()
    with build_warehouse.connect(
        home.build_db, home=home.home, env={"YECAI_WAREHOUSE_KEY": WAREHOUSE_B}
    ) as con:
        assert con.execute("select national_id from canonical.employee").fetchone() == (
            NATIONAL_ID,
        )
    with pytest.raises(YecaiError, match="not written with the warehouse key"):
        build_warehouse.connect(
            home.build_db, home=home.home, env={"YECAI_WAREHOUSE_KEY": WAREHOUSE_A}
        )
    # once more: nothing left to do
    again = rotate(home, "warehouse", None, env)
    assert again.rewritten == []


def test_the_same_key_as_new_and_previous_is_refused(home):
    env = {"YECAI_WAREHOUSE_KEY": WAREHOUSE_A, "YECAI_WAREHOUSE_KEY_PREVIOUS": WAREHOUSE_A}
    with pytest.raises(YecaiError, match="hold the same key"):
        rotate(home, "warehouse", None, env)
    with pytest.raises(YecaiError, match="unknown key"):
        rotate(home, "password", None, env)


def test_the_command_rotates_and_names_what_it_did(home, tmp_path):
    key_file = tmp_path / "token.key"
    key_file.write_text(TOKEN_B, encoding="utf-8")
    os.chmod(key_file, 0o600)
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("YECAI_TOKEN", "YECAI_PUBLISH"))
    }
    env.update(
        YECAI_HOME=str(home.home), YECAI_TOKEN_KEY_FILE=str(key_file), YECAI_PUBLISH_KEY=PUBLISH_A
    )
    done = subprocess.run(
        [str(Path(sys.executable).parent / "yecai"), "privacy", "rotate", "--key", "token"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"token key rotated to {_id('token', TOKEN_B)}" in done.stdout
    assert TOKEN_B not in done.stdout + done.stderr
    lines = audit.audit_path(home).read_text(encoding="utf-8").splitlines()
    assert json.loads(lines[-1])["action"] == "rotate_key"
