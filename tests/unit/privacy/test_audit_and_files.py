"""The audit log: OS identity, a chain that shows edits and removals, a table view; and the
file modes every entry point sets."""

import json
import os
import pwd
import stat
import subprocess
import sys

import duckdb
import pytest

from yecai.errors import YecaiError
from yecai.privacy import audit
from yecai.privacy.files import offenders, set_private_umask, tighten
from yecai.settings import Paths

pytestmark = pytest.mark.unit


def test_entries_carry_the_os_identity_not_user(tmp_path, monkeypatch):
    monkeypatch.setenv("USER", "mallory")
    paths = Paths(home=tmp_path)
    entry = audit.record(paths, "publish", version="v1", forced=False)
    assert entry["uid"] == os.getuid()
    assert entry["user"] == pwd.getpwuid(os.getuid()).pw_name != "mallory"
    assert entry["pid"] == os.getpid() and entry["details"] == {"version": "v1", "forced": False}
    assert stat.S_IMODE(audit.audit_path(paths).stat().st_mode) == 0o600


def test_publish_records_forced_and_normal_versions(tmp_path):
    paths = Paths(home=tmp_path)
    audit.record_publish(paths, "v1", run_id="r1")
    audit.record_publish(paths, "v2", run_id="r2", force_reason="close 2025-06: FX table late")
    got = [(e["action"], e["reason"], e["details"]["version"]) for e in audit.read(paths)]
    assert got == [
        ("publish", None, "v1"),
        ("force_publish", "close 2025-06: FX table late", "v2"),
    ]


def test_forcing_and_erasing_need_a_reason(tmp_path):
    paths = Paths(home=tmp_path)
    with pytest.raises(YecaiError, match="needs a reason"):
        audit.record(paths, "force_publish", version="v2")
    with pytest.raises(YecaiError, match="unknown audit action"):
        audit.record(paths, "delete_everything", reason="x")
    assert audit.read(paths) == []


def test_the_chain_shows_edits_and_removals(tmp_path):
    paths = Paths(home=tmp_path)
    audit.record(paths, "publish", version="v1")
    audit.record(paths, "force_publish", reason="month-end close, known FX gap", version="v2")
    audit.record(paths, "open_role", role="hr")
    entries = audit.read(paths)
    assert [e["seq"] for e in entries] == [1, 2, 3] and audit.verify(entries) == []

    edited = [dict(e) for e in entries]
    edited[1]["reason"] = "routine"
    assert audit.verify(edited) == ["entry 2: its content does not match its hash (edited)"]
    removed = [entries[0], entries[2]]
    problems = audit.verify(removed)
    assert any("does not follow" in p for p in problems) and any("sequence" in p for p in problems)

    # the file itself, edited by hand
    path = audit.audit_path(paths)
    lines = path.read_text().splitlines()
    lines[0] = json.dumps({**json.loads(lines[0]), "user": "someone-else"})
    path.write_text("\n".join(lines) + "\n")
    assert audit.verify(audit.read(paths))[0].startswith("entry 1:")


def test_two_processes_append_one_chain(tmp_path):
    code = (
        "import sys; from pathlib import Path; from yecai.privacy import audit; "
        "from yecai.settings import Paths; p = Paths(home=Path(sys.argv[1]))\n"
        "for i in range(20): audit.record(p, 'open_role', role='analyst', n=i)"
    )
    procs = [subprocess.Popen([sys.executable, "-c", code, str(tmp_path)]) for _ in range(2)]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    entries = audit.read(Paths(home=tmp_path))
    assert len(entries) == 40 and audit.verify(entries) == []


def test_table_view_for_governance(tmp_path):
    paths = Paths(home=tmp_path)
    audit.record(paths, "publish", version="v1")
    audit.record(paths, "erase", reason="PIPL request #12", person_token="tok_ab")
    con = duckdb.connect()
    assert audit.write_table(con, audit.read(paths)) == 2
    rows = con.execute(
        "select seq, action, reason, details->>'person_token' from governance.audit_log order by seq"
    ).fetchall()
    assert rows == [(1, "publish", None, None), (2, "erase", "PIPL request #12", "tok_ab")]


def test_private_umask_and_offenders(tmp_path):
    loose = tmp_path / "loose"
    loose.mkdir(mode=0o755)
    (loose / "a.csv").write_text("x")
    os.chmod(loose / "a.csv", 0o644)
    os.chmod(loose, 0o755)
    previous = set_private_umask()
    try:
        (tmp_path / "private").mkdir()
        (tmp_path / "private" / "b.csv").write_text("y")
    finally:
        os.umask(previous)
    os.chmod(tmp_path, 0o700)
    found = {(p.name, mode) for p, mode in offenders(tmp_path)}
    assert found == {("loose", "0755"), ("a.csv", "0644")}
    assert tighten(tmp_path) == 2 and offenders(tmp_path) == []
    assert stat.S_IMODE((loose / "a.csv").stat().st_mode) == 0o600


def test_a_log_cut_off_at_its_end_is_caught_by_the_anchor_outside_the_home(tmp_path):
    home, outside = tmp_path / "home", tmp_path / "operator"
    outside.mkdir()
    anchor = outside / "audit.anchor"
    env = {
        **os.environ,
        "YECAI_HOME": str(home),
        audit.ANCHOR_ENV: str(anchor),
    }
    paths = Paths(home=home)
    os.environ[audit.ANCHOR_ENV] = str(anchor)
    try:
        for version in ("v1", "v2", "v3"):
            audit.record(paths, "publish", version=version)
    finally:
        del os.environ[audit.ANCHOR_ENV]
    assert audit.read_anchor(anchor) == (3, audit.read(paths)[-1]["hash"])
    assert stat.S_IMODE(anchor.stat().st_mode) == 0o600

    def yecai_audit() -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "orchestration.cli", "privacy", "audit", "--verify"],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    intact = yecai_audit()
    assert intact.returncode == 0, intact.stdout + intact.stderr
    assert "head: entry 3" in intact.stdout and "anchored head (entry 3)" in intact.stdout

    # The chain alone cannot tell: the entries left still link to each other.
    path = audit.audit_path(paths)
    path.write_text("".join(path.read_text().splitlines(keepends=True)[:1]))
    assert audit.verify(audit.read(paths)) == []
    cut = yecai_audit()
    assert cut.returncode == 1
    assert "ends at entry 1: 2 entries were cut off the end" in cut.stdout

    # An anchor inside the home would go with it: refused before anything is written.
    with pytest.raises(YecaiError, match="inside the yecai home"):
        audit.anchor_path(paths, {audit.ANCHOR_ENV: str(home / "audit" / "anchor")})


def test_a_rewritten_log_differs_from_its_anchored_head():
    entries = [{"seq": 1, "hash": "a"}, {"seq": 2, "hash": "b"}]
    assert audit.verify_anchor(entries, (2, "b")) == []
    assert audit.verify_anchor(entries, None) == []
    assert audit.verify_anchor(entries, (2, "c")) == [
        "entry 2: its hash differs from the anchored one (the log was rewritten)"
    ]
