"""advance_crm moves the CRM clock forward and every change it logs is in the store."""

from __future__ import annotations

import random
import sqlite3

import pytest

from demo import defects as dk
from demo.crm.advance import advance_crm, next_stage
from demo.crm.generate import generate_crm
from demo.defects import DefectConfig, DefectLog
from demo.errors import DemoError
from demo.world import build_world

pytestmark = pytest.mark.unit


@pytest.fixture
def store_path(tmp_path):
    db = tmp_path / "crm.sqlite"
    generate_crm(build_world(seed=3, scale=0.02), db, DefectLog(), DefectConfig.none())
    return db


def snapshot(db):
    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    data = {
        e: {r["id"]: dict(r) for r in con.execute(f"select * from {e}")}
        for e in ("accounts", "contacts", "opportunities")
    }
    clock = con.execute("select value from crm_meta where key = 'clock'").fetchone()[0]
    con.close()
    return data, clock


def test_logged_changes_are_in_the_store_and_inside_the_window(store_path):
    before, old_clock = snapshot(store_path)
    log = DefectLog()
    advance_crm(store_path, days=7, seed=1, defect_log=log)
    after, new_clock = snapshot(store_path)
    assert new_clock > old_clock
    kinds = {d.kind for d in log.entries}
    assert kinds >= {dk.NEW_RECORD, dk.CHANGED_RECORD, dk.DELETED_RECORD, dk.LATE_ARRIVING}
    for d in log.entries:
        row = after[d.entity][d.key]
        assert old_clock < row["updated_at"] <= new_clock
        if d.kind in (dk.NEW_RECORD, dk.LATE_ARRIVING):
            assert d.key not in before[d.entity]
        if d.kind == dk.DELETED_RECORD:
            assert row["deleted_at"] == row["updated_at"]
        if d.kind == dk.CHANGED_RECORD:
            # a deal added in this advance may also move on; an old one must have moved
            old = before[d.entity].get(d.key)
            assert old is None or row["stage"] != old["stage"]


def test_records_not_logged_are_untouched(store_path):
    before, _ = snapshot(store_path)
    log = DefectLog()
    advance_crm(store_path, days=3, seed=2, defect_log=log)
    after, _ = snapshot(store_path)
    touched = {(d.entity, d.key) for d in log.entries}
    for entity, rows in before.items():
        for key, row in rows.items():
            if (entity, key) not in touched:
                assert after[entity][key] == row


def test_same_seed_same_changes(tmp_path):
    logs = []
    for name in ("a", "b"):
        db = tmp_path / f"{name}.sqlite"
        generate_crm(build_world(seed=3, scale=0.02), db, DefectLog(), DefectConfig.none())
        log = DefectLog()
        advance_crm(db, days=2, seed=9, defect_log=log)
        logs.append(log.entries)
    assert logs[0] == logs[1]


def test_stages_move_forward_and_negotiation_closes():
    rng = random.Random(0)
    assert next_stage("prospecting", rng) == "qualification"
    assert next_stage("proposal", rng) == "negotiation"
    assert {next_stage("negotiation", rng) for _ in range(50)} == {"closed_won", "closed_lost"}


def test_bad_days_and_missing_store_are_user_errors(store_path, tmp_path):
    with pytest.raises(DemoError, match="days >= 1"):
        advance_crm(store_path, days=0, seed=1, defect_log=DefectLog())
    with pytest.raises(DemoError, match="does not exist"):
        advance_crm(tmp_path / "nope.sqlite", days=1, seed=1, defect_log=DefectLog())
