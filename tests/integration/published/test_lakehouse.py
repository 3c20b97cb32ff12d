"""The published lake on both catalogs: what is published, time travel, closes, retention,
storage proportional to change, and a reader closed to the filesystem."""

from __future__ import annotations

import pytest
from lake_fixtures import build_warehouse, publish

from quality.versions import RetentionPolicy, close_period, list_versions, prune, tree_bytes
from yecai.errors import YecaiError
from yecai.published import (
    LAKE_ALIAS,
    META_ALIAS,
    connect,
    current_snapshot,
    lake_location,
    read_snapshots,
)

pytestmark = pytest.mark.integration


def _rows(paths, sql, as_of=None):
    con = connect(paths, as_of)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_only_analyst_facing_relations_are_published_as_tables_with_descriptions(lake_home):
    paths = lake_home
    build_warehouse(paths.build_db, 1)
    publish(paths, "v20250101T000000000001Z")
    relations = _rows(
        paths,
        "select schema_name, table_name from duckdb_tables() "
        "where database_name = current_database() order by all",
    )
    assert relations == [
        ("canonical", "journal_line"),
        ("finance", "a"),
        ("finance", "b"),
        ("finance", "statement_drilldown"),
        ("finance", "trial_balance"),
        ("governance", "publish_log"),
        ("governance", "reconciliation_exceptions"),
        ("master", "parties"),
    ]
    # nothing else: no views (the build's view is a real table here), no staging, no int_*
    assert _rows(paths, "select count(*) from duckdb_views() where not internal") == [(0,)]
    described = _rows(
        paths,
        "select t.comment, c.comment from duckdb_tables() as t join duckdb_columns() as c "
        "using (database_name, schema_name, table_name) where t.table_name = 'trial_balance' "
        "and c.column_name = 'closing_balance' and t.database_name = current_database()",
    )
    assert described == [("Trial balance (科目余额表)", "Closing balance, debit-positive")]
    # the former build-bound view reads fine: it is data now
    assert _rows(paths, "select count(*) from finance.statement_drilldown") == [(3,)]


def test_as_of_returns_the_earlier_numbers_after_later_publishes(lake_home):
    paths = lake_home
    build_warehouse(paths.build_db, 1, march_amount="300.00")
    first = publish(paths, "v20250101T000000000001Z")
    build_warehouse(paths.build_db, 2, march_amount="333.33")
    second = publish(paths, "v20250102T000000000002Z")
    march = "select closing_balance from finance.trial_balance where period = '2025-03'"
    assert [str(r[0]) for r in _rows(paths, march)] == ["333.33"]
    for as_of in (str(first), "v20250101T000000000001Z"):
        assert [str(r[0]) for r in _rows(paths, march, as_of)] == ["300.00"]
    assert [str(r[0]) for r in _rows(paths, march, str(second))] == ["333.33"]
    # time travel inside one session works too
    con = connect(paths)
    try:
        assert current_snapshot(con) == second
        old = con.execute(
            f"select closing_balance::varchar from finance.trial_balance at (version => {first}) "
            "where period = '2025-03'"
        ).fetchall()
        assert old == [("300.00",)]
    finally:
        con.close()

    # the books as published at close
    close_period(paths, "2025-03", "controller", as_of=str(first))
    build_warehouse(paths.build_db, 3, march_amount="999.99")
    publish(paths, "v20250103T000000000003Z")
    assert [str(r[0]) for r in _rows(paths, march, "close:2025-03")] == ["300.00"]
    assert [str(r[0]) for r in _rows(paths, march)] == ["999.99"]
    with pytest.raises(YecaiError, match="has not been closed"):
        connect(paths, "close:2025-04")
    assert [v.closes for v in list_versions(paths)] == [("2025-03",), (), ()]


def test_unchanged_relations_and_periods_are_not_rewritten(lake_home):
    paths = lake_home
    build_warehouse(paths.build_db, 1, rows=50_000)
    publish(paths, "v20250101T000000000001Z")
    # Only March of the trial balance changes; finance.a/b, canonical, master do not.
    build_warehouse(paths.build_db, 1, march_amount="301.00", rows=50_000)
    second = publish(paths, "v20250102T000000000002Z")
    con = connect(paths)
    try:
        written = con.execute(
            f"select t.table_name from {META_ALIAS}.ducklake_data_file as f "
            f"join {META_ALIAS}.ducklake_table as t using (table_id) "
            f"where f.begin_snapshot = {second} and t.end_snapshot is null order by 1"
        ).fetchall()
        sizes = {v.snapshot_id: v.size_bytes for v in list_versions(paths)}
    finally:
        con.close()
    # finance.a and finance.b (50k rows each) were not written again; governance.publish_log
    # changes every publish. Small relations are inlined in the catalog (no file at all).
    assert ("a",) not in written and ("b",) not in written
    assert sizes[second] < sizes[second - 1] / 10
    by_period = _rows(
        paths, "select period, closing_balance::varchar from finance.trial_balance order by 1"
    )
    assert by_period == [("2025-01", "100.00"), ("2025-02", "200.00"), ("2025-03", "301.00")]


def test_prune_keeps_named_closes_and_frees_space(lake_home):
    paths = lake_home
    snapshots = []
    for generation in range(1, 5):
        build_warehouse(paths.build_db, generation, rows=50_000)
        snapshots.append(publish(paths, f"v2025010{generation}T000000000000Z"))
    close_period(paths, "2025-01", "controller", as_of=str(snapshots[0]))
    before = tree_bytes(paths.published_data) if paths.published_data.exists() else 0
    outcome = prune(paths, RetentionPolicy(keep_last=1))
    kept = [v.snapshot_id for v in list_versions(paths)]
    assert kept == [snapshots[0], snapshots[-1]]
    assert set(outcome.expired) >= {snapshots[1], snapshots[2]}
    assert outcome.bytes_after < outcome.bytes_before <= before + 1
    # the close still reads, with the numbers it had
    gens = "select distinct generation from finance.a"
    assert _rows(paths, gens, "close:2025-01") == [(1,)]
    assert _rows(paths, gens) == [(4,)]
    with pytest.raises(YecaiError, match="no snapshot"):
        connect(paths, str(snapshots[1]))


def test_the_reader_is_closed_to_the_filesystem(lake_home, tmp_path):
    paths = lake_home
    build_warehouse(paths.build_db, 1)
    publish(paths, "v20250101T000000000001Z")
    raw = paths.raw / "erp" / "customers" / "batch=1"
    raw.mkdir(parents=True)
    secret = raw / "part-0.parquet"
    import duckdb

    duckdb.sql(f"copy (select '110101199001011234' as national_id) to '{secret}'")
    con = connect(paths)
    try:
        escapes = [
            "select * from read_csv('/etc/passwd')",
            f"select * from read_parquet('{secret}')",
            f"select * from read_parquet('{paths.raw}/**/*.parquet')",
            f"copy (select * from finance.trial_balance) to '{tmp_path / 'out.csv'}'",
            f"copy (select 1) to '{paths.published_data / 'planted.parquet'}'",
            f"attach '{tmp_path / 'other.duckdb'}' as other",
            f"attach '{paths.build_db}' as build (read_only)",
            "install httpfs",
            "set enable_external_access = true",
            "set allowed_directories = ['/']",
        ]
        for sql in escapes:
            with pytest.raises(duckdb.Error):
                con.execute(sql)
        if lake_location(paths, reader=True).kind == "postgres":
            # the catalog connection must not reach the server's files either
            with pytest.raises(duckdb.Error):
                con.execute(
                    f"select * from postgres_query('{META_ALIAS}', "
                    "'select pg_read_file(''/etc/hostname'')')"
                )
        # ... while the published data reads
        assert con.execute("select count(*) from finance.trial_balance").fetchone() == (3,)
    finally:
        con.close()
    assert not (tmp_path / "out.csv").exists()
    assert not (tmp_path / "other.duckdb").exists()


def test_a_changed_table_ends_equal_to_the_build_duplicates_included(lake_home):
    """Only differing rows are written; the result is the build's multiset of rows."""
    import duckdb

    paths = lake_home
    build_warehouse(paths.build_db, 1)
    con = duckdb.connect(str(paths.build_db))
    con.execute(
        "create table finance.dup as select * from (values (1, 'x'), (1, 'x'), (2, 'y')) v(a, b)"
    )
    con.close()
    publish(paths, "v20250101T000000000001Z")
    con = duckdb.connect(str(paths.build_db))
    con.execute("delete from finance.dup")
    con.execute("insert into finance.dup values (1, 'x'), (2, 'y'), (2, 'y'), (3, 'z')")
    con.close()
    publish(paths, "v20250102T000000000002Z")
    rows = _rows(paths, "select a, b, count(*) from finance.dup group by all order by all")
    assert rows == [(1, "x", 1), (2, "y", 2), (3, "z", 1)]
    old = _rows(
        paths,
        "select a, b, count(*) from finance.dup group by all order by all",
        "v20250101T000000000001Z",
    )
    assert old == [(1, "x", 2), (2, "y", 1)]


def test_a_close_reaches_every_roles_copy(lake_home, monkeypatch):
    """Role copies are written from a snapshot; the close is a snapshot of its own, so without
    a re-write a role's ``governance.period_closes`` would lag the operator's lake."""
    from yecai.privacy.policy import ROLE_NAMES
    from yecai.privacy.role_copies import open_role_copy

    monkeypatch.setenv("YECAI_TOKEN_KEY", "11" * 32)
    monkeypatch.setenv("YECAI_PUBLISH_KEY", "22" * 32)
    paths = lake_home
    build_warehouse(paths.build_db, 1)
    published = publish(paths, "v20250101T000000000001Z")
    done = close_period(paths, "2025-03", "controller")
    assert done.snapshot_id == published
    assert all(role in done.role_copies for role in ROLE_NAMES), done.role_copies
    for role in ROLE_NAMES:
        con = open_role_copy(paths, role, purpose="test")
        try:
            closes = con.execute(
                "select period, snapshot_id from governance.period_closes"
            ).fetchall()
        finally:
            con.close()
        assert closes == [("2025-03", published)], role


def test_one_changed_row_of_a_table_without_periods_is_diffed_in_its_bucket_only(lake_home):
    """finance.a has no period: its rows are compared by bucket of its first column, so a
    changed row costs a one-row file and a delete file, and the lake equals the build."""
    import duckdb

    paths = lake_home
    build_warehouse(paths.build_db, 1, rows=50_000)
    publish(paths, "v20250101T000000000001Z")
    con = duckdb.connect(str(paths.build_db))
    con.execute("update finance.a set note = 'changed' where id = 4242")
    con.close()
    second = publish(paths, "v20250102T000000000002Z")
    con = connect(paths)
    try:
        changes = con.execute(
            "select change_type, count(*) from "
            f"ducklake_table_changes('{LAKE_ALIAS}', 'finance', 'a', {second}, {second}) "
            "group by all order by all"
        ).fetchall()
        groups = [
            s.info["fingerprints"]["finance.a"]["groups"]
            for s in read_snapshots(con)
            if s.kind == "publish"
        ]
    finally:
        con.close()
    assert changes == [("delete", 1), ("insert", 1)]
    # compared by bucket: 32 row groups, and the changed row's alone differs
    first, then = groups
    assert len(first) == len(then) == 32
    assert sum(first[g] != then[g] for g in first) == 1
    assert _rows(paths, "select note from finance.a where id = 4242") == [("changed",)]
    assert _rows(paths, "select count(*), count(distinct id) from finance.a") == [(50_000, 50_000)]
