"""The near-real-time poll and loop (orchestration/watch.py) on a real SQLite source."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest

from ingestion.runner import ingest
from ingestion.source_state import SETTLE_SECONDS
from orchestration.watch import IdleCost, after, poll_sources, watch
from tests.unit.ingestion.test_sql_batches import GOOD, make_source

pytestmark = pytest.mark.unit


@pytest.fixture
def shop(tmp_path, monkeypatch):
    paths, db = make_source(tmp_path, GOOD)
    monkeypatch.setenv("YECAI_HOME", str(paths.home))
    monkeypatch.setenv("SHOP_URL", f"sqlite:///{db}")
    return paths, db


def settle() -> None:
    time.sleep(SETTLE_SECONDS + 0.1)


def test_poll_sees_a_never_landed_table_then_nothing_then_a_commit(shop):
    paths, db = shop
    assert poll_sources(paths).changed == ["shop.orders"]  # never read
    settle()
    ingest(paths)
    quiet = poll_sources(paths)
    assert quiet.changed == [] and quiet.unknown == [] and quiet.errors == []
    assert quiet.queries == 0  # SQLite: a header read, no query
    con = sqlite3.connect(db)
    con.execute("update orders set amount = '1.00' where order_no = 'SO1'")
    con.commit()
    con.close()
    assert poll_sources(paths).changed == ["shop.orders"]


def test_watch_runs_once_to_catch_up_then_only_on_a_change(shop):
    paths, db = shop
    runs: list[str] = []
    stop = threading.Event()

    def increment() -> bool:
        runs.append(ingest(paths)[0].status)
        return True

    idle = IdleCost()
    loop = threading.Thread(
        target=watch, args=(paths, increment, 0.2), kwargs={"stop": stop, "idle": idle}
    )
    settle()
    loop.start()
    try:
        deadline = time.monotonic() + 30
        while idle.polls < 3 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert runs == ["succeeded"] and idle.polls >= 3  # caught up, then idle
        con = sqlite3.connect(db)
        con.execute(
            "insert into orders values ('SO9', 'C1', 'CNY', '9.00', '2025-01-09', "
            "'2025-01-09 09:00:00')"
        )
        con.commit()
        con.close()
        while len(runs) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert runs[:2] == ["succeeded", "succeeded"]
    finally:
        stop.set()
        loop.join(timeout=30)
    assert "idle polls" in idle.summary()


def test_after_is_one_microsecond_past_the_watermark():
    assert after("2025-12-31T23:00:00Z") == "2025-12-31T23:00:00.000001Z"
    assert after("2025-12-31 23:00:00.5") == "2025-12-31T23:00:00.500001Z"


def test_a_non_positive_interval_is_refused(shop):
    from yecai.errors import YecaiError

    with pytest.raises(YecaiError, match="interval"):
        watch(shop[0], lambda: True, interval=0)
