"""A publish audit carries a check's result over only while neither the check nor its table
changed: on a hand-made warehouse, GX is watched to see which checks really ran."""

from __future__ import annotations

import dataclasses

import pytest
import quality_fixtures as qf

import quality.runner
from quality import audit_memo
from quality.checks import Check, Dimension, Severity
from quality.params import default_params
from quality.publish import audit_build
from quality.results import read_history
from yecai.settings import Paths

pytestmark = pytest.mark.unit


# movement_matches_gl reads finance.gl_lines too, sources_fresh reads the clock: either verdict
# may change while its own table does not
ALWAYS_RUN = {
    ("finance.trial_balance", "movement_matches_gl"),
    ("governance.ingestion_batches", "sources_fresh"),
}


@pytest.fixture
def validated(monkeypatch):
    """The (asset, check) pairs GX validates from here on."""
    seen: list[tuple[str, str]] = []
    real = quality.runner._validate_asset

    def watch(context, datasource, asset, checks, *args, **kwargs):
        seen.extend((c.asset, c.name) for c in checks)
        return real(context, datasource, asset, checks, *args, **kwargs)

    monkeypatch.setattr(quality.runner, "_validate_asset", watch)
    return seen


@pytest.fixture
def audited(tmp_path):
    """A good warehouse audited once (run-1): every check ran."""
    paths = Paths(home=tmp_path)
    qf.build_good_warehouse(paths.build_db)
    first = audit_build(paths, paths.build_db, "run-1", None)
    assert first and all(r.success for r in first if r.error is None)
    return paths, first


def _verdicts(results):
    return {(r.asset, r.check): (r.success, r.unexpected_count) for r in results}


def test_an_unchanged_warehouse_runs_only_the_checks_that_read_other_tables(audited, validated):
    paths, first = audited
    second = audit_build(paths, paths.build_db, "run-2", None)

    assert _verdicts(second) == _verdicts(first)
    assert set(validated) == ALWAYS_RUN
    carried = [r for r in second if (r.asset, r.check) not in set(validated)]
    assert carried and all(r.run_id == "run-2" for r in carried)
    by_check = {(r.asset, r.check): r for r in first}
    assert all(r.checked_at == by_check[(r.asset, r.check)].checked_at for r in carried)
    # the run's own history holds every planned check, as if they had all run
    run2 = {(r.asset, r.check) for r in read_history(paths) if r.run_id == "run-2"}
    assert run2 == set(_verdicts(first))


def test_a_changed_table_is_checked_again_and_its_new_defect_found(audited, validated):
    paths, _ = audited
    # E2 2024-02 2202 closes one yuan off opening + movement
    qf.execute(
        paths.build_db,
        "insert into finance.trial_balance values ('E2','2024-02','2202',-30,0,0,-31)",
    )
    second = {(r.asset, r.check): r for r in audit_build(paths, paths.build_db, "run-2", None)}

    closing = second[("finance.trial_balance", "closing_equals_opening_plus_movement")]
    assert not closing.success and closing.unexpected_count == 1
    assert {asset for asset, _ in validated} == {"finance.trial_balance"} | {
        a for a, _ in ALWAYS_RUN
    }


def test_a_changed_check_definition_runs_every_check_again(audited, validated):
    paths, first = audited
    params = dataclasses.replace(default_params(), failing_keys_sample=3)
    audit_build(paths, paths.build_db, "run-2", params)
    assert set(validated) == set(_verdicts(first))


def test_a_lost_memo_only_means_every_check_runs(audited, validated):
    paths, first = audited
    audit_memo.memo_path(paths).write_text("{not json", encoding="utf-8")
    second = audit_build(paths, paths.build_db, "run-2", None)
    assert set(validated) == set(_verdicts(first)) and _verdicts(second) == _verdicts(first)


def _sql_check(sql: str) -> Check:
    return Check(
        "finance.t",
        "c",
        "sql",
        Dimension.VALIDITY,
        "d",
        "o",
        Severity.WARNING,
        "",
        args={"sql": sql},
    )


@pytest.mark.parametrize(
    ("sql", "own"),
    [
        ("select * from {batch} where a is distinct from b", True),
        (
            "with x as (select * from {batch}), y(a) as (select 1) select * from x join y on true",
            True,
        ),
        ("select * from (select * from {batch}) q where d > current_date + interval 1 day", True),
        (
            "with gl as (select * from finance.gl_lines) select * from {batch} join gl using (k)",
            False,
        ),
        ("select * from {batch} where k not in (select k from master.parties)", False),
        ("select * from {batch} join read_parquet('x') using (k)", False),
        ("select * from {batch} where finished_at < now() - interval 1 day", False),
    ],
)
def test_which_sql_checks_read_only_their_own_table(sql, own):
    assert audit_memo.reads_only_its_table(_sql_check(sql)) is own


def test_a_lake_asset_is_fingerprinted_by_its_files_without_reading_them(tmp_path):
    from quality.checks import Asset, Layer

    batch = tmp_path / "raw" / "erp" / "customers" / "batch=1"
    batch.mkdir(parents=True)
    (batch / "part-0.parquet").write_bytes(b"not even parquet: never read")
    files = str(tmp_path / "raw" / "erp" / "customers" / "batch=*" / "*.parquet")
    asset = Asset("raw.erp.customers", Layer.RAW, "select 1", source="lake", files=files)

    def fingerprint():
        return audit_memo.fingerprints([asset], tmp_path / "no-warehouse.duckdb")[asset.name]

    first = fingerprint()
    assert fingerprint() == first
    later = batch.parent / "batch=2"
    later.mkdir()
    (later / "part-0.parquet").write_bytes(b"a new batch")
    assert fingerprint() != first
