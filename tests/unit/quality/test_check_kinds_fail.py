"""Every kind of GX check can fail: each kind, on a small DuckDB table with one defect of
its kind, fails on the data (no GX error), and passes on the same table without the defect.

Parametrised by kind, not by table: one GX session runs every kind on both tables, so this
stays a few seconds however many checks the suites declare. A check kind that cannot fail
would be a green light that means nothing.
"""

from __future__ import annotations

import duckdb
import pytest

from quality.checks import KINDS, Asset, Check, Dimension, Layer, Severity
from quality.runner import run_checks
from yecai.settings import Paths

pytestmark = pytest.mark.unit

# kind -> (column, args): the one rule of that kind both tables are checked against.
CASES: dict[str, tuple[str | None, dict]] = {
    "not_null": ("code", {}),
    "unique": ("id", {}),
    "in_set": ("status", {"value_set": ("open", "closed")}),
    "regex": ("period", {"regex": r"^[0-9]{4}-(0[1-9]|1[0-2])$"}),
    "between": ("amount", {"min_value": 0}),
    "columns_present": (None, {"columns": ("id", "code", "status", "amount", "period")}),
    "row_count_min": (None, {"min_value": 3}),
    "sql": (None, {"sql": "select id, amount from {batch} where amount > 1000"}),
}

GOOD_ROWS = """
  (1, 'A', 'open', 10.00, '2024-01'), (2, 'B', 'closed', 20.00, '2024-02'),
  (3, 'C', 'open', 30.00, '2024-12')"""
# one defect per kind over two rows; columns_present is checked on t.missing (no `status`)
BAD_ROWS = """
  (1, null, 'lost', -5.00, '2024-13'), (1, 'B', 'open', 5000.00, '2024-02')"""


def _build(db) -> None:
    con = duckdb.connect(str(db))
    con.execute(
        f"""
        create schema t;
        create table t.good (id integer, code varchar, status varchar, amount decimal(18,2),
          period varchar);
        insert into t.good values {GOOD_ROWS};
        create table t.bad as select * from t.good where false;
        insert into t.bad values {BAD_ROWS};
        create table t.missing as select id, code, amount, period from t.good;
        """
    )
    con.close()


def _check(asset: str, kind: str) -> Check:
    column, args = CASES[kind]
    return Check(
        asset, f"{kind}_rule", kind, Dimension.VALIDITY, "test", "test",
        Severity.BLOCKING, f"a {kind} rule", column=column, args=args,
    )  # fmt: skip


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    paths = Paths(home=tmp_path_factory.mktemp("kinds"))
    paths.build_db.parent.mkdir(parents=True, exist_ok=True)
    _build(paths.build_db)
    assets = [
        Asset(f"t.{name}", Layer.MARTS, f"select * from t.{name}", keys=("id",))
        for name in ("good", "bad", "missing")
    ]
    checks = [_check(f"t.{name}", kind) for name in ("good", "bad") for kind in CASES]
    checks.append(_check("t.missing", "columns_present"))
    found = run_checks(paths, Layer.MARTS, assets, checks, run_id="kinds")
    return {(r.asset, r.check): r for r in found}


def test_every_kind_has_a_case():
    assert set(CASES) == set(KINDS)


@pytest.mark.parametrize("kind", KINDS)
def test_check_kind_fails_on_its_defect_and_passes_without(results, kind):
    good = results[("t.good", f"{kind}_rule")]
    assert good.success and good.error is None, good.summary()
    bad_table = "t.missing" if kind == "columns_present" else "t.bad"
    bad = results[(bad_table, f"{kind}_rule")]
    assert not bad.success, bad.summary()
    assert bad.error is None, f"{kind} failed without a verdict on the data: {bad.error}"
