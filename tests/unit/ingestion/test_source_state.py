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
    sqlite_table_content,
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


def make_two_tables(path, journal_mode: str = "delete"):
    con = make_db(path, journal_mode)
    con.execute("create table other (id integer primary key, v text)")
    con.execute("insert into other values (1, 'x')")
    con.commit()
    return con


def test_a_tables_content_hash_moves_with_its_own_writes_only(tmp_path):
    path = tmp_path / "src.sqlite"
    con = make_two_tables(path)
    first = sqlite_table_content(path, "t")
    assert first and first.startswith("sqlite-pages:")
    assert sqlite_table_content(path, "T") == first  # SQLite names are case-insensitive

    con.execute("insert into other values (2, 'y')")  # the file changes, table t does not
    con.commit()
    assert sqlite_table_content(path, "t") == first
    assert sqlite_table_content(path, "main.t") == first

    seen = {first}
    for sql in (
        "update t set v = 'b' where id = 1",  # same size, same row count
        "insert into t values (2, 'c')",
        "delete from t where id = 2",
        "alter table t add column w text default 'w'",  # rows read differently, pages as they were
    ):
        con.execute(sql)
        con.commit()
        now = sqlite_table_content(path, "t")
        assert now not in seen, sql
        seen.add(now)
    con.close()


def test_a_long_row_on_overflow_pages_is_hashed_too(tmp_path):
    path = tmp_path / "src.sqlite"
    con = make_db(path)
    con.execute("insert into t values (2, ?)", ["a" * 20_000])  # spills onto overflow pages
    con.commit()
    before = sqlite_table_content(path, "t")
    con.execute("update t set v = ? where id = 2", ["a" * 19_999 + "b"])  # its last byte only
    con.commit()
    assert sqlite_table_content(path, "t") != before
    con.close()


def test_no_content_hash_in_wal_mode_or_for_a_missing_table(tmp_path):
    wal = tmp_path / "wal.sqlite"
    make_db(wal, "wal").close()
    assert sqlite_table_content(wal, "t") is None  # committed pages may sit in the -wal file
    path = tmp_path / "src.sqlite"
    make_db(path).close()
    assert sqlite_table_content(path, "missing") is None
    (tmp_path / "other.sqlite").write_text("not a database, but long enough for a header")
    assert sqlite_table_content(tmp_path / "other.sqlite", "t") is None
    assert sqlite_table_content(tmp_path / "absent.sqlite", "t") is None


def test_an_equal_content_hash_skips_even_when_the_file_fingerprint_moved(tmp_path):
    paths = Paths(home=tmp_path)
    url, table = "sqlite:///x.sqlite", "t"
    read = Fingerprint("sqlite:c1", settled=True, content="sqlite-pages:aa")
    remember(paths, "erp", "t", url, table, read, "B1")
    moved = Fingerprint("sqlite:c2", settled=True)
    assert unchanged_since_last_read(paths, "erp", "t", url, table, moved) is None
    same = Fingerprint("sqlite:c2", settled=True, content="sqlite-pages:aa")
    assert unchanged_since_last_read(paths, "erp", "t", url, table, same) == "B1"
    other = Fingerprint("sqlite:c2", settled=True, content="sqlite-pages:bb")
    assert unchanged_since_last_read(paths, "erp", "t", url, table, other) is None
    # an unsettled file fingerprint is not kept, its content hash is (no clock tick in it)
    remember(
        paths, "erp", "t", url, table, Fingerprint("sqlite:c3", False, "sqlite-pages:cc"), "B2"
    )
    assert (
        unchanged_since_last_read(paths, "erp", "t", url, table, Fingerprint("sqlite:c3", True))
        is None
    )
    back = Fingerprint("sqlite:c4", settled=False, content="sqlite-pages:cc")
    assert unchanged_since_last_read(paths, "erp", "t", url, table, back) == "B2"
