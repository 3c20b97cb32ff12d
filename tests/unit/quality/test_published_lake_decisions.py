"""The pure decisions of publishing and reading the lake: what is published, what a publish
rewrites, what --as-of names, what retention expires."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import duckdb
import pytest

from orchestration.commands.lake_cmd import split_statements
from quality.lake_writer import commit_message
from quality.published_relations import (
    NULL_PERIOD,
    WHOLE,
    Fingerprint,
    Relation,
    _digest,
    fingerprint,
    group_condition,
    is_published,
    plan_change,
)
from quality.versions import (
    RetentionPolicy,
    parse_policy,
    snapshots_to_expire,
    versions_from,
)
from yecai.errors import YecaiError
from yecai.published import (
    AsOf,
    LakeLocation,
    Snapshot,
    attach_sql,
    parse_as_of,
    parse_extra_info,
    redact_url,
    resolve_snapshot,
)

pytestmark = pytest.mark.unit

T0 = datetime(2025, 4, 1, tzinfo=UTC)


def snap(i, kind="publish", days=0, version=None):
    info = {"kind": kind, "version": version or f"v2025040{i}T000000000000Z"} if kind else {}
    return Snapshot(i, T0 + timedelta(days=days), "me", None, info)


@pytest.mark.parametrize(
    ("schema", "name", "expected"),
    [
        ("finance", "trial_balance", True),
        ("governance", "publish_log", True),
        ("canonical", "journal_line", True),
        ("master_seeds", "group_chart_of_accounts", True),
        ("finance", "int_finance__posting_basis", False),
        ("staging", "stg_erp__customers", False),
        ("incremental_state", "batches_seen", False),
        ("main", "anything", False),
        ("governance", "period_closes", False),  # written by `yecai close`, not by publish
    ],
)
def test_only_analyst_facing_relations_are_published(schema, name, expected):
    assert is_published(schema, name) is expected


def fp(groups, columns="c1", comments="d1"):
    return Fingerprint(columns, comments, groups)


def test_a_publish_rewrites_only_what_changed():
    old = fp({"2025-01": "3:1", "2025-02": "3:2", "2025-03": "3:3"})
    same = plan_change(old, fp(dict(old.groups)), in_lake=True)
    assert same.action == "none" and not same.comments
    one = plan_change(old, fp({**old.groups, "2025-03": "4:9", "2025-04": "1:1"}), True)
    assert (one.action, one.replace_groups, one.delete_groups) == (
        "groups",
        ("2025-03", "2025-04"),
        (),
    )
    gone = plan_change(old, fp({"2025-01": "3:1", "2025-02": "3:2"}), True)
    assert (gone.replace_groups, gone.delete_groups) == ((), ("2025-03",))
    described = plan_change(old, fp(dict(old.groups), comments="d2"), True)
    assert (described.action, described.comments) == ("comments", True)


def test_a_new_reshaped_or_missing_relation_is_written_whole():
    old = fp({WHOLE: "3:1"})
    assert plan_change(None, old, in_lake=False).action == "create"
    assert plan_change(old, fp({WHOLE: "3:1"}, columns="c2"), True).action == "create"
    assert plan_change(old, fp({WHOLE: "3:1"}), in_lake=False).action == "create"


def test_group_condition_selects_periods_and_null():
    rel = Relation("finance", "gl_lines", "b", (("period", "VARCHAR"),), period_column="period")
    assert group_condition(rel, ("2025-01", "O'x")) == "\"period\" in ('2025-01', 'O''x')"
    assert group_condition(rel, (NULL_PERIOD,)) == '"period" is null'
    assert group_condition(rel, ()) == "false"
    whole = Relation("finance", "x", "b", ())
    assert group_condition(whole, (WHOLE,)) == "true"


def test_a_relation_without_a_period_is_diffed_by_buckets_of_its_first_column():
    rel = Relation("canonical", "journal_line", "b", (("journal_line_key", "VARCHAR"),))
    assert rel.bucket_column == "journal_line_key"
    assert group_condition(rel, ("b3", "b17")) == (
        "'b' || (hash(\"journal_line_key\") % 32)::varchar in ('b3', 'b17')"
    )
    assert group_condition(rel, ()) == "false"
    # the grouping is part of the shape: a lake fingerprinted whole is rewritten once
    con = duckdb.connect()
    con.execute("create table t as select range::varchar as journal_line_key from range(1000)")
    bucketed = fingerprint(con, Relation("canonical", "t", "t", rel.columns))
    assert 16 < len(bucketed.groups) <= 32 and all(g.startswith("b") for g in bucketed.groups)
    assert sum(int(v.split(":")[0]) for v in bucketed.groups.values()) == 1000
    # a lake published before buckets: same columns, no period, one whole group
    before = _digest([list(c) for c in rel.columns] + [None])
    old = Fingerprint(before, bucketed.comments, {WHOLE: "1000:1"})
    assert plan_change(old, bucketed, True).action == "create"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (None, None),
        ("latest", None),
        ("7", AsOf(snapshot=7)),
        ("close:2025-03", AsOf(close="2025-03")),
        ("v20250331T120000000000Z", AsOf(version="v20250331T120000000000Z")),
        ("2025-04-01", AsOf(timestamp=datetime(2025, 4, 1, tzinfo=UTC))),
        (
            "2025-04-01T08:00:00+08:00",
            AsOf(timestamp=datetime(2025, 4, 1, tzinfo=UTC)),
        ),
    ],
)
def test_as_of_text(text, expected):
    assert parse_as_of(text) == expected


@pytest.mark.parametrize("bad", ["close:2025-13", "yesterday", "close:"])
def test_as_of_text_that_names_nothing_says_what_to_write(bad):
    with pytest.raises(YecaiError) as err:
        parse_as_of(bad)
    assert "close:" in (err.value.fix or "") or "YYYY-MM" in (err.value.fix or "")


def test_resolve_snapshot_by_id_version_time_and_close():
    snaps = [snap(0, kind=None), snap(1, days=0), snap(2, days=2), snap(3, "close", days=3)]
    closes = {"2025-03": 1}
    assert resolve_snapshot(snaps, closes, None) == 3
    assert resolve_snapshot(snaps, closes, AsOf(snapshot=2)) == 2
    assert resolve_snapshot(snaps, closes, AsOf(version="v20250402T000000000000Z")) == 2
    assert resolve_snapshot(snaps, closes, AsOf(timestamp=T0 + timedelta(days=1))) == 1
    assert resolve_snapshot(snaps, closes, AsOf(close="2025-03")) == 1
    for bad in (AsOf(snapshot=9), AsOf(close="2025-04"), AsOf(timestamp=T0 - timedelta(1))):
        with pytest.raises(YecaiError):
            resolve_snapshot(snaps, closes, bad)
    with pytest.raises(YecaiError, match="nothing has been published"):
        resolve_snapshot([snap(0, kind=None)], {}, None)


def test_retention_keeps_closes_the_latest_and_what_the_policy_says():
    now = T0 + timedelta(days=100)
    snaps = [snap(0, kind=None)] + [snap(i, days=i * 10) for i in range(1, 10)]
    snaps.append(snap(10, "close", days=95))
    # keep 30 days: publishes 7, 8, 9 (days 70..90) and the close marker (day 95) are young
    expired = snapshots_to_expire(snaps, {2}, RetentionPolicy(keep_days=30), now)
    assert expired == [0, 1, 3, 4, 5, 6]
    # keep the newest 2 publishes: 8, 9; the named close 2; the latest snapshot 10
    expired = snapshots_to_expire(snaps, {2}, RetentionPolicy(keep_last=2), now)
    assert expired == [0, 1, 3, 4, 5, 6, 7]
    # no policy expires nothing; the latest publish survives keep_last=0
    assert snapshots_to_expire(snaps, set(), RetentionPolicy(), now) == []
    assert 9 not in snapshots_to_expire(snaps, set(), RetentionPolicy(keep_last=0), now)


def test_retention_policy_from_publish_yml():
    assert parse_policy(None, "p") is None
    assert parse_policy({"retention": {"keep_days": 90}}, "p") == RetentionPolicy(keep_days=90)
    assert parse_policy({"retention": {"keep_last": 3}}, "p") == RetentionPolicy(keep_last=3)
    for bad in ({"retention": {"keep_days": -1}}, {"retention": {"days": 3}}, [1]):
        with pytest.raises(YecaiError):
            parse_policy(bad, "publish.yml")


def test_versions_take_who_and_why_from_the_log_and_fall_back_to_the_snapshot():
    a = Snapshot(1, T0, "svc", "publish v1", {"kind": "publish", "version": "v1", "who": "svc"})
    b = Snapshot(
        2,
        T0,
        "ops",
        "m",
        {"kind": "publish", "version": "v2", "forced": True, "reason": "CFO", "who": "ops"},
    )
    c = Snapshot(3, T0, "ops", "close", {"kind": "close", "period": "2025-03"})
    log = [{"version": "v1", "who": "alice", "run_id": "r1", "forced": False}]
    versions = versions_from([a, b, c], log, {1: 100, 2: 5}, [("2025-03", 1)])
    assert [(v.version, v.who, v.forced, v.reason, v.size_bytes, v.closes) for v in versions] == [
        ("v1", "alice", False, None, 100, ("2025-03",)),
        ("v2", "ops", True, "CFO", 5, ()),
    ]


def test_small_helpers():
    assert redact_url("postgresql://u:s3cret@h:5432/db") == "postgresql://u:***@h:5432/db"
    assert redact_url("postgresql://u@h/db") == "postgresql://u@h/db"
    assert parse_extra_info("not json") == {} and parse_extra_info('{"kind": "x"}') == {"kind": "x"}
    loc = LakeLocation("sqlite", "/h/w/published.sqlite", __import__("pathlib").Path("/h/d"))
    sql = attach_sql(loc, read_only=True, snapshot=4)
    assert sql == (
        "attach 'ducklake:sqlite:/h/w/published.sqlite' as published "
        "(create_if_not_exists false, read_only, snapshot_version 4)"
    )
    assert "data_path '/h/d/'" in attach_sql(loc, read_only=False, create=True)
    assert split_statements("select ';' as x; select 2;") == ["select ';' as x", "select 2"]
    assert commit_message({"kind": "publish", "version": "v1", "forced": True, "reason": "r"}) == (
        "publish v1 FORCED: r"
    )


def test_which_embedded_lake_a_home_gets(tmp_path):
    """A new lake is encrypted when a publish key is set; an existing lake keeps its kind."""
    from yecai.privacy.keys import new_key_text
    from yecai.published import lake_location, read_location
    from yecai.settings import Paths

    paths = Paths(home=tmp_path)
    paths.warehouse.mkdir()
    key = {"YECAI_PUBLISH_KEY": new_key_text()}
    assert lake_location(paths, env={}).kind == "sqlite"
    encrypted = lake_location(paths, env=key)
    assert encrypted.kind == "duckdb" and encrypted.encrypts_data_files
    assert encrypted.catalog == str(paths.published_encrypted_catalog)
    assert [k.purpose for k in encrypted.keys] == ["publish"]
    assert "meta_encryption_key ?" in attach_sql(encrypted, read_only=True)
    assert "meta_encryption_key" not in attach_sql(lake_location(paths, env={}), read_only=True)

    paths.published_encrypted_catalog.touch()  # created encrypted: stays so, even keyless
    keyless = lake_location(paths, env={})
    assert keyless.kind == "duckdb" and keyless.keys == ()
    # readers take the readers' copy once a write has made it
    assert read_location(paths, env=key).catalog == str(paths.published_encrypted_catalog)
    paths.published_reader_catalog.touch()
    assert read_location(paths, env=key).catalog == str(paths.published_reader_catalog)
    assert lake_location(paths, env=key).catalog == str(paths.published_encrypted_catalog)

    paths.published_catalog.touch()  # a clear lake from before the key: stays clear
    assert lake_location(paths, env=key).kind == "sqlite"


def test_an_encrypted_catalog_without_a_key_says_which_variable_to_set(tmp_path):
    from yecai.published import attach_lake, lake_location
    from yecai.settings import Paths

    paths = Paths(home=tmp_path)
    paths.warehouse.mkdir()
    paths.published_encrypted_catalog.touch()
    with pytest.raises(YecaiError, match="is encrypted and no publish key is set") as raised:
        attach_lake(duckdb.connect(), lake_location(paths, env={}), read_only=True)
    assert "YECAI_PUBLISH_KEY_FILE" in raised.value.fix
