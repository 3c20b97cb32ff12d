"""`yecai run --watch`: a sale committed in the ERP reaches the published income statement
without anyone starting a run (the near-real-time mode, orchestration/watch.py).

The demo company is already built and published (the session's demo build,
tests/shared/built_demo.py, restored fresh for this test): the loop's catch-up increment at
start finds nothing new, the idle polls run nothing, and only the sale starts a run.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from decimal import Decimal

import pytest

from demo.defects import DefectLog
from demo.erp.sale import record_sale
from demo.sqlio import parse_target
from tests.orchestration.demo_helpers import YECAI, published_revenue
from tests.shared.built_demo import serving_demo_crm
from yecai.settings import REPO_ROOT

# Two increments on the shared 2-core machine: the guard is for hangs only.
pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.timeout(2400)]
WAIT_SECONDS = 1800


@pytest.fixture
def demo_home(built_demo, monkeypatch):
    paths = built_demo.use(monkeypatch, "built")
    with serving_demo_crm(monkeypatch, token="watch-token"):
        yield paths


def revenue(paths, entity: str, period: str) -> Decimal | None:
    return published_revenue(paths.home, entity, period)


def wait_for(condition, what: str, log) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {WAIT_SECONDS}s: {what}\n{log.read_text()[-4000:]}")
        time.sleep(1)


def test_a_committed_erp_sale_is_published_by_the_watch_loop(demo_home, tmp_path):
    paths = demo_home
    before = revenue(paths, "E01", "2025-12")  # the built demo's published statement
    assert before is not None, "the built demo published no income statement"
    log = tmp_path / "watch.log"
    with log.open("w") as out:
        watcher = subprocess.Popen(
            [
                str(YECAI),
                "run",
                "--watch",
                "--interval",
                "2",
                "--from",
                "2025-01",
                "--to",
                "2025-12",
            ],
            cwd=REPO_ROOT,
            env=dict(os.environ),
            stdout=out,
            stderr=subprocess.STDOUT,
            # a runner started in the background may hand down an ignored SIGINT
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
    try:
        # It catches up first (an increment: the home was published, and no source changed
        # since), then goes idle.
        wait_for(lambda: "increment succeeded" in log.read_text(), "the first increment", log)
        caught_up = " ".join(log.read_text().split())
        assert "no raw entity received rows since the last publish" in caught_up, caught_up[-4000:]
        assert "full build" not in caught_up, caught_up[-4000:]
        assert revenue(paths, "E01", "2025-12") == before
        time.sleep(5)  # a few idle polls: nothing changed, so nothing runs
        assert log.read_text().count("running the increment") == 1

        sale = record_sale(parse_target(paths.demo / "erp.sqlite"), DefectLog())
        assert (sale.entity_code, sale.period) == ("E01", "2025-12")
        wait_for(
            lambda: revenue(paths, "E01", "2025-12") == before + sale.net_amount,
            f"revenue {before} + {sale.net_amount} published",
            log,
        )
        wait_for(lambda: log.read_text().count("increment succeeded") >= 2, "its end", log)
        said = log.read_text()
        assert "changed: erp." in said, said[-4000:]
        time.sleep(3)  # stop it while idle, between polls
    finally:
        watcher.send_signal(signal.SIGINT)
        watcher.wait(timeout=900)
    said = log.read_text()
    assert "watch: stopped" in said and "idle polls" in said, said[-2000:]
    # every source answered its polls (the CRM with its bearer token from rest.auth)
    assert "could not poll" not in said, said[-4000:]
    # the sale's increment had the same periods as the catch-up: dbt parsed only what changed
    dbt_log = max(paths.dbt_target.glob("dbt_models-*/dbt.log"), key=_mtime)
    assert "Unable to do partial parsing" not in dbt_log.read_text(encoding="utf-8")


def _mtime(path) -> float:
    return path.stat().st_mtime
