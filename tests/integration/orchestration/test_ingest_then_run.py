"""Rows landed by a bare ``yecai ingest`` reach the warehouse in the next ``yecai run``.

The increment planner used to count Dagster's asset events since the last publish; a
``yecai ingest`` records none, so its rows were left out of every increment (the run said
"no raw entity received rows since the last publish" and published without them). It now
reads the lake's batch records. On the small killable company: publish, drop a new export,
``yecai ingest --source erp``, ``yecai run``: the published table holds what a full build of
the same raw zone holds.
"""

from __future__ import annotations

import duckdb
import pytest

from tests.integration.orchestration.killable import (
    drop_customers,
    published_rows,
    use_killable_company,
)
from tests.orchestration.demo_helpers import yecai
from yecai.settings import get_paths

# The killable dbt project lies in this repository and dbt writes its target/ in place.
pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("killable_fixture")]

PUBLISHED_SQL = "select customer_id, name from finance.customer_names order by customer_id"


@pytest.fixture
def killable_home(tmp_path, monkeypatch):
    return use_killable_company(
        tmp_path,
        monkeypatch,
        YECAI_FIXTURE_SLOW_ROWS="1000",
    )


def ok(*args: str) -> str:
    done = yecai(*args, timeout=300)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-4000:]
    return " ".join(output.split())


def raw_customers(paths) -> list[tuple]:
    """What a full build reads: every customer row in the raw zone."""
    pattern = paths.raw / "erp" / "customers" / "batch=*" / "*.parquet"
    with duckdb.connect() as con:
        return con.execute(
            f"select customer_id, name from read_parquet('{pattern}', union_by_name = true) "
            "order by customer_id"
        ).fetchall()


def test_rows_landed_by_ingest_reach_the_next_increment(killable_home, tmp_path):
    paths = get_paths()
    drop_customers(killable_home, "customers_1.csv", [("C1", "Ada"), ("C2", "Bo")])
    ok("run", "--no-scorecard")

    drop_customers(killable_home, "customers_2.csv", [("C3", "Cy")])
    ok("ingest", "--source", "erp")
    output = ok("run", "--no-scorecard")
    assert "increment: " in output and "1 raw entities received rows" in output, output

    published = published_rows(PUBLISHED_SQL)
    assert published == [("C1", "Ada"), ("C2", "Bo"), ("C3", "Cy")]
    assert published == raw_customers(paths)
