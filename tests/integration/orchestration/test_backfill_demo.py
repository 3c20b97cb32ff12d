"""Backfilling two fiscal periods of the real dbt project on the demo rebuilds only those.

The demo (scale 0.01), built once by `yecai run` (the session's demo build,
tests/shared/built_demo.py, restored fresh for this test), with its CRM served.
Then every ledger row and every trial-balance row is marked in the warehouse (a text column
set to a sentinel) and `yecai backfill --from 2025-03 --to 2025-04` runs: the rows of March and
April come back rebuilt, every other period keeps the sentinel, Dagster records the new
materializations for those two partition keys only, and the trial balance still chains
(closing of a period = opening of the next) with the same figures as before.
"""

from collections import Counter

import dagster as dg
import duckdb
import pytest

from tests.orchestration.demo_helpers import yecai as _yecai
from tests.shared.built_demo import serving_demo_crm

pytestmark = pytest.mark.integration

BACKFILLED = {"2025-03", "2025-04"}
PERIOD_ASSETS = (dg.AssetKey(["finance", "gl_lines"]), dg.AssetKey(["finance", "trial_balance"]))
SENTINEL = "untouched-since-the-full-run"


@pytest.fixture
def demo_home(built_demo, monkeypatch):
    """The demo company at scale 0.01 built over 2025, with its CRM served; yields the
    installation's paths."""
    paths = built_demo.use(monkeypatch, "built")
    with serving_demo_crm(monkeypatch, token="backfill-token"):
        yield paths


def _materialized_partitions(instance, key: dg.AssetKey) -> Counter:
    records = instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=key), limit=1000
    ).records
    return Counter(r.asset_materialization.partition for r in records)


def _rebuilt_periods(con, table: str, column: str) -> dict[str, int]:
    """Rows per period whose sentinel is gone, i.e. rows written after the marking."""
    found = con.execute(
        f"""select period, count(*) from finance.{table}
            where {column} is distinct from ? group by period""",
        [SENTINEL],
    ).fetchall()
    return dict(found)


def _trial_balance_figures(con) -> set[tuple]:
    return set(
        con.execute(
            """select entity_code, period, account_code, opening_balance, debit, credit,
                      closing_balance
               from finance.trial_balance"""
        ).fetchall()
    )


def test_backfill_rebuilds_only_the_two_periods_on_the_demo(demo_home):
    paths = demo_home

    from orchestration.instance import get_instance

    instance = get_instance(paths)
    periods_built = {key: _materialized_partitions(instance, key) for key in PERIOD_ASSETS}
    for key, found in periods_built.items():
        assert set(found) >= BACKFILLED and len(found) > len(BACKFILLED), (key, found)

    with duckdb.connect(str(paths.build_db)) as con:
        ledger_periods = dict(
            con.execute("select period, count(*) from finance.gl_lines group by 1").fetchall()
        )
        figures_before = _trial_balance_figures(con)
        con.execute("update finance.gl_lines set description = ?", [SENTINEL])
        con.execute("update finance.trial_balance set account_name = ?", [SENTINEL])
    assert set(ledger_periods) > BACKFILLED, ledger_periods

    done = _yecai("backfill", "--from", "2025-03", "--to", "2025-04", "--no-publish")
    assert done.returncode == 0, (done.stdout + done.stderr)[-4000:]
    assert "rebuild_periods succeeded" in done.stdout

    with duckdb.connect(str(paths.build_db), read_only=True) as con:
        # Every row of the two periods was rewritten; no row of another period was.
        assert _rebuilt_periods(con, "gl_lines", "description") == {
            p: ledger_periods[p] for p in BACKFILLED
        }
        assert set(_rebuilt_periods(con, "trial_balance", "account_name")) == BACKFILLED
        # Nothing changed in the books, so neither did a figure; and the periods still chain.
        assert _trial_balance_figures(con) == figures_before
        broken = con.execute(
            """select count(*) from (
                   select closing_balance, lead(opening_balance) over (
                       partition by entity_code, account_code order by period) as next_opening
                   from finance.trial_balance)
               where next_opening is not null and next_opening <> closing_balance"""
        ).fetchone()[0]
        assert broken == 0

    # Dagster recorded one more materialization for each backfilled partition, none elsewhere.
    for key in PERIOD_ASSETS:
        expected = periods_built[key] + Counter({p: 1 for p in BACKFILLED})
        assert _materialized_partitions(instance, key) == expected, key
