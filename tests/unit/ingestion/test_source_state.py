"""Change detection at a SQL source without a scan: SQLite's file fingerprint and the
remembered state (the PostgreSQL / MariaDB readers are covered by the integration test)."""

from __future__ import annotations

import sqlite3
import time

import pytest

from ingestion.source_state import (
    SETTLE_SECONDS,
    Fingerprint,
    remember,
    sqlite_fingerprint,
    unchanged_since_last_read,
)
from yecai.settings import Paths

pytestmark = pytest.mark.unit


def make_db(path, journal_mode: str = "delete"):
    con = sqlite3.connect(path)
    con.execute(f"pragma journal_mode = {journal_mode}")
    con.execute("create table t (id integer primary key, v text)")
    con.execute("insert into t values (1, 'a')")
    con.commit()
    return con


@pytest.mark.parametrize("journal_mode", ["delete", "wal"])
def test_every_commit_changes_the_sqlite_fingerprint(tmp_path, journal_mode):
    path = tmp_path / "src.sqlite"
    con = make_db(path, journal_mode)
    later = time.time() + 60
    seen = {sqlite_fingerprint(path, now=later).value}
    for sql in (
        "update t set v = 'b' where id = 1",  # same size, same row count
        "insert into t values (2, 'c')",
        "delete from t where id = 2",
        "update t set v = 'a' where id = 1",  # back to the first content: still a change
    ):
        con.execute(sql)
        con.commit()
        seen.add(sqlite_fingerprint(path, now=later).value)
    assert len(seen) == 5
    con.close()


def test_a_read_does_not_change_the_sqlite_fingerprint(tmp_path):
    path = tmp_path / "src.sqlite"
    make_db(path).close()
    before = sqlite_fingerprint(path, now=time.time() + 60)
    reader = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    assert reader.execute("select count(*) from t").fetchone() == (1,)
    reader.close()
    assert sqlite_fingerprint(path, now=time.time() + 60) == before


def test_a_fresh_write_is_unsettled_and_not_a_sqlite_file_gives_none(tmp_path):
    path = tmp_path / "src.sqlite"
    make_db(path).close()
    assert not sqlite_fingerprint(path).settled  # written just now
    assert sqlite_fingerprint(path, now=time.time() + SETTLE_SECONDS + 1).settled
    (tmp_path / "other.sqlite").write_text("not a database")
    assert sqlite_fingerprint(tmp_path / "other.sqlite") is None
    assert sqlite_fingerprint(tmp_path / "missing.sqlite") is None


def test_remembered_state_skips_only_for_the_same_table_and_a_settled_equal_fingerprint(
    tmp_path,
):
    paths = Paths(home=tmp_path)
    url, other = "sqlite:////data/erp.sqlite", "sqlite:////data/erp-copy.sqlite"
    fp = Fingerprint("sqlite:c1", settled=True)
    remember(paths, "erp", "customers", url, "customers", fp, "B1")
    assert unchanged_since_last_read(paths, "erp", "customers", url, "customers", fp) == "B1"
    changed = Fingerprint("sqlite:c2", settled=True)
    assert unchanged_since_last_read(paths, "erp", "customers", url, "customers", changed) is None
    assert unchanged_since_last_read(paths, "erp", "customers", other, "customers", fp) is None
    assert unchanged_since_last_read(paths, "erp", "customers", url, "kunden", fp) is None
    unsettled = Fingerprint("sqlite:c1", settled=False)
    assert unchanged_since_last_read(paths, "erp", "customers", url, "customers", unsettled) is None
    assert unchanged_since_last_read(paths, "erp", "customers", url, "customers", None) is None
    # An unsettled fingerprint after a read is not remembered: the next run reads again.
    remember(paths, "erp", "customers", url, "customers", unsettled, "B2")
    assert unchanged_since_last_read(paths, "erp", "customers", url, "customers", fp) is None
