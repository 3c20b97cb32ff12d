"""A ``kill -9`` of ``yecai run`` never blocks the next run and leaves no process behind.

On the small killable company (killable.py): the run is killed while dbt builds; nothing it
started may outlive it (dbt kept writing the warehouse before), the next ``yecai run`` must
finish on its own (it waited forever on the killed run's warehouse slot before), say which
abandoned run it marked failed, and publish what a clean run publishes.
"""

from __future__ import annotations

import random
import time

import dagster as dg
import pytest

from tests.integration.orchestration.killable import (
    KILLABLE_DBT,
    drop_customers,
    kill_hard,
    last_step,
    published_rows,
    read_until,
    start_run,
    survivors,
    use_killable_company,
    wait_for_file,
)
from tests.orchestration.demo_helpers import yecai
from yecai.settings import get_paths

# The killable dbt project lies in this repository and dbt writes its target/ in place.
pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("killable_fixture")]

CUSTOMERS = [("C1", "Ada"), ("C2", "Bo"), ("C3", "Cy")]
PUBLISHED_SQL = "select customer_id, name from finance.customer_names order by customer_id"


@pytest.fixture
def killable_home(tmp_path, monkeypatch):
    return use_killable_company(
        tmp_path,
        monkeypatch,
        # If the killed run's slot were still held, fail in a minute instead of hanging.
        YECAI_WAREHOUSE_WAIT_SECONDS="60",
    )


def unfinished_runs(paths) -> list[dg.DagsterRun]:
    from orchestration.instance import get_instance

    return get_instance(paths).get_runs(
        dg.RunsFilter(statuses=[dg.DagsterRunStatus.STARTED, dg.DagsterRunStatus.STARTING])
    )


def test_a_run_killed_during_dbt_leaves_nothing_behind(killable_home, tmp_path, monkeypatch):
    paths = get_paths()
    drop_customers(killable_home, "customers_1.csv", CUSTOMERS)
    building = tmp_path / "dbt-is-building"
    monkeypatch.setenv("YECAI_FIXTURE_MARKER", str(building))
    monkeypatch.setenv("YECAI_FIXTURE_SLEEP", "30")  # dbt would go on for 30 s after the kill

    run = start_run()
    seen: list[str] = []
    assert read_until(run, "▶ dbt_models", seen), "".join(seen)[-3000:]
    wait_for_file(building, run)
    below = kill_hard(run)
    run.stdout.close()
    assert below, "the run had started no process to kill"
    left = survivors(below)
    assert not left, f"processes of the killed run survived it: {left}"

    killed = unfinished_runs(paths)
    assert [r.job_name for r in killed] == ["yecai_pipeline"]

    monkeypatch.setenv("YECAI_FIXTURE_SLEEP", "0")
    done = yecai("run", "--no-scorecard", timeout=240)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-4000:]
    # One line (the console wraps it at its width): which run, that it was marked failed.
    flat = " ".join(output.split())
    assert f"warning run {killed[0].run_id} (yecai_pipeline) was left STARTED" in flat, flat
    assert "which no longer exists: marked failed and its warehouse slot freed" in flat
    assert unfinished_runs(paths) == []

    assert published_rows(PUBLISHED_SQL) == CUSTOMERS


KILLS = 20


def run_to_the_end() -> tuple[float, list[str]]:
    """A ``yecai run`` left alone: how long it took and the steps it started, in order."""
    began = time.monotonic()
    run = start_run()
    seen: list[str] = []
    read_until(run, "\0never\0", seen)
    run.wait(timeout=300)
    assert run.returncode == 0, "".join(seen)[-4000:]
    return time.monotonic() - began, [line.strip() for line in seen if line.startswith("▶")]


def test_runs_killed_at_random_moments_end_with_what_a_clean_run_publishes(killable_home):
    """Kill ``yecai run`` at 20 seeded random moments spread over a whole run (start-up,
    ingest, raw checks, dbt, model checks, publish), new rows landing between kills. After
    each kill nothing of it survives and the next run goes on from where things stand: it is
    either killed later in its own turn or finishes by itself (exit 0). At the end one more
    run publishes every row, as the clean run published the first ones."""
    drop_customers(killable_home, "customers_0.csv", CUSTOMERS[:1])
    span, clean_steps = run_to_the_end()  # the clean run: the timeline the kills spread over
    assert published_rows(PUBLISHED_SQL) == CUSTOMERS[:1]

    rng = random.Random(17)
    # One moment in each twentieth of the clean run's span, in random order: every stage is
    # hit, whatever the machine's speed, and no two kills land at the same point.
    moments = [span * (k + rng.random()) / KILLS for k in range(KILLS)]
    rng.shuffle(moments)
    expected = list(CUSTOMERS[:1])
    outcomes = []
    for n, moment in enumerate(moments):
        row = (f"K{n:02d}", f"Kay {n}")  # each run has new rows to land, build and publish
        drop_customers(killable_home, f"customers_k{n:02d}.csv", [row])
        expected.append(row)
        run = start_run()
        time.sleep(moment)
        if run.poll() is not None:  # it finished first: it must have finished well
            tail = run.stdout.read()
            run.stdout.close()
            assert run.returncode == 0, f"run {n} (not killed) failed:\n{tail[-4000:]}"
            outcomes.append(f"{moment:.1f}s: finished by itself")
            continue
        left = survivors(kill_hard(run))
        outcomes.append(f"{moment:.1f}s: killed in {last_step(run)}")
        assert not left, f"kill {n} at {moment:.1f}s: processes survived it: {left}"
    print("clean run steps", clean_steps, f"in {span:.1f}s")
    print("\n".join(outcomes))
    stages = {o.split("killed in ", 1)[1] for o in outcomes if "killed in" in o}
    assert len(stages) >= 4, f"the kills did not spread over the run: {outcomes}"

    done = yecai("run", "--no-scorecard", timeout=300)
    assert done.returncode == 0, (done.stdout + done.stderr)[-4000:]
    assert unfinished_runs(get_paths()) == []
    assert published_rows(PUBLISHED_SQL) == sorted(expected)


def test_a_run_waiting_for_the_warehouse_says_for_whom_and_gives_up(killable_home, monkeypatch):
    from orchestration.abandoned_runs import process_tags
    from orchestration.definitions import build_definitions
    from orchestration.instance import get_instance
    from orchestration.runner import run_job
    from yecai.errors import YecaiError

    monkeypatch.setenv("YECAI_WAREHOUSE_WAIT_SECONDS", "3")
    paths = get_paths()
    defs = build_definitions(dbt_project_dir=KILLABLE_DBT, paths=paths)
    instance = get_instance(paths)
    # Another run, alive (this process), holds the warehouse's one slot.
    holder = dg.DagsterRun(
        job_name="yecai_pipeline",
        run_id="0000-holder",
        tags=process_tags(),
        status=dg.DagsterRunStatus.STARTED,
    )
    instance.add_run(holder)
    instance.event_log_storage.claim_concurrency_slot("warehouse", holder.run_id, "dbt_models")

    events = []
    with pytest.raises(YecaiError) as err:
        run_job(
            paths,
            "yecai_pipeline",
            definitions=defs,
            asset_selection=[dg.AssetKey(["finance", "customer_count"])],
            on_event=events.append,
        )
    waiting = [e.step for e in events if e.kind == "waiting"]
    assert waiting and waiting[0].startswith(
        "for the warehouse: held by run 0000-holder (yecai_pipeline) since"
    ), waiting
    assert "gave up after waiting 3s for the warehouse" in err.value.what
    assert "YECAI_WAREHOUSE_WAIT_SECONDS" in err.value.fix
    # The holder is alive: it was not marked failed.
    assert instance.get_run_by_id(holder.run_id).status == dg.DagsterRunStatus.STARTED
