"""Readers in other processes during publishes, and publishes killed half-way (SIGKILL).

Both on each catalog (SQLite file, real PostgreSQL). Bounded: a small warehouse, 20
publishes, a handful of kills at seeded random points of a publish.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from lake_fixtures import build_warehouse, publish

from quality.versions import list_versions, prune
from yecai.published import connect

pytestmark = [pytest.mark.integration, pytest.mark.timeout(900)]
HERE = Path(__file__).resolve().parent


def _generation(paths) -> tuple[int, int]:
    con = connect(paths)
    try:
        a = con.execute("select distinct generation from finance.a").fetchall()
        b = con.execute("select distinct generation from finance.b").fetchall()
    finally:
        con.close()
    assert len(a) == 1 and a == b, (a, b)
    return a[0][0], len(list_versions(paths))


def test_a_reader_never_sees_a_mixed_or_missing_table_during_20_publishes(lake_home, tmp_path):
    paths = lake_home
    build_warehouse(paths.build_db, 0, rows=20_000)
    publish(paths, "v20250101T000000000000Z")
    stop, report = tmp_path / "stop", tmp_path / "report.json"
    reader = subprocess.Popen(
        [sys.executable, str(HERE / "reader_probe.py"), str(stop), str(report)],
        env=dict(os.environ),
    )
    try:
        time.sleep(2)  # the reader is reading before the first publish starts
        for generation in range(1, 21):
            build_warehouse(paths.build_db, generation, rows=20_000)
            publish(paths, f"v20250102T0000000000{generation:02d}Z")
        time.sleep(1)
    finally:
        stop.touch()
        reader.wait(timeout=120)
    found = json.loads(report.read_text())
    assert found["problems"] == []
    generations = [g for _, g in found["seen"]]
    assert len(set(generations)) > 2, "the reader saw too few publishes to prove anything"
    assert generations == sorted(generations), "a reader went back to an older snapshot"
    assert _generation(paths) == (20, 21)


def test_a_publish_killed_anywhere_leaves_the_last_snapshot_and_the_next_succeeds(lake_home):
    paths = lake_home
    rows = 400_000
    build_warehouse(paths.build_db, 1, rows=rows)
    publish(paths, "v20250101T000000000001Z")
    good = _generation(paths)

    def publisher(version: str) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, str(HERE / "lake_fixtures.py"), str(paths.home), version],
            env=dict(os.environ),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    # How long one whole publish takes in a process of its own, on this machine now.
    build_warehouse(paths.build_db, 2, rows=rows)
    started = time.monotonic()
    assert publisher("v20250101T000000000002Z").wait(timeout=600) == 0
    whole = time.monotonic() - started
    good = _generation(paths)
    assert good == (2, 2)

    rng = random.Random(14)
    for attempt in range(5):
        generation = 3 + attempt
        build_warehouse(paths.build_db, generation, rows=rows)
        victim = publisher(f"v20250101T00000000000{generation}Z")
        time.sleep(rng.uniform(0.1, 1.0) * whole)
        victim.send_signal(signal.SIGKILL)
        victim.wait(timeout=60)
        now = _generation(paths)  # readable, and never half of a publish
        assert now in (good, (generation, good[1] + 1)), (attempt, now, good)
        good = now

    # The next publish succeeds, and prune deletes what the killed ones left behind.
    build_warehouse(paths.build_db, 99, rows=rows)
    publish(paths, "v20250101T000000000099Z")
    assert _generation(paths) == (99, good[1] + 1)
    outcome = prune(paths)
    assert outcome.expired == []  # no policy: every snapshot kept
    assert _generation(paths)[0] == 99
    con = connect(paths, str(list_versions(paths)[0].snapshot_id))
    try:
        assert con.execute("select distinct generation from finance.a").fetchall() == [(1,)]
    finally:
        con.close()
