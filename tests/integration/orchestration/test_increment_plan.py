"""The rebuild run's plan, from what the instance recorded (fixture dbt project, real instance).

The raw batches are recorded as the lake's batch records with their ``rows_landed`` (what
every way of landing rows writes); the plan must pick the dbt models those rows feed, never a view, never a model
no new row reaches, and fall back to a full build when nothing was published yet.
"""

import json
import time

import dagster as dg
import pytest

from yecai.settings import get_paths

pytestmark = pytest.mark.integration

CUSTOMERS = dg.AssetKey(["raw", "erp", "customers"])
PUBLISHED = dg.AssetKey(["warehouse", "published"])


def _planner_and_graph(defs):
    from orchestration.defs.pipeline.increment import TransformPlanner

    return TransformPlanner.from_definitions(defs), defs.resolve_asset_graph()


def _land(instance, key: dg.AssetKey, rows: int) -> None:
    """A batch of ``rows`` rows into raw entity ``key``, as ingestion records it (no Dagster
    event: a bare `yecai ingest` leaves none)."""
    from ingestion.batches import BatchResult, new_batch_id, utc_now_iso, write_batch_record

    source, entity = key.path[1], key.path[2]
    now = utc_now_iso()
    write_batch_record(
        get_paths(),
        BatchResult(
            batch_id=new_batch_id(source, entity),
            source=source,
            entity=entity,
            started_at=now,
            finished_at=now,
            status="succeeded" if rows else "no_change",
            rows_read=rows,
            rows_landed=rows,
            rows_quarantined=0,
            watermark=None,
            message="",
        ),
    )


def test_nothing_published_yet_means_a_full_build(yecai_home, fixture_defs):
    from orchestration.instance import get_instance

    planner, graph = _planner_and_graph(fixture_defs)
    plan = planner.plan(get_instance(get_paths()), graph, get_paths())
    assert plan.full and plan.reason == "nothing was published yet"
    models = {k for d in planner.dbt_defs for k in d.keys}
    assert set(plan.asset_keys) == models | {PUBLISHED}
    # Every raw table and every model is checked in the rebuild run.
    assert dg.AssetCheckKey(CUSTOMERS, "blocking_rules") in plan.check_keys
    assert dg.AssetCheckKey(dg.AssetKey(["finance", "gl_lines"]), "blocking_rules") in (
        plan.check_keys
    )


def test_the_increment_rebuilds_what_new_rows_feed(yecai_home, fixture_defs):
    from orchestration.instance import get_instance

    paths = get_paths()
    instance = get_instance(paths)
    planner, graph = _planner_and_graph(fixture_defs)
    _land(instance, CUSTOMERS, 7)  # landed before the last publish: already in the warehouse
    instance.report_runless_asset_event(dg.AssetMaterialization(asset_key=PUBLISHED))
    paths.build_db.parent.mkdir(parents=True, exist_ok=True)
    paths.build_db.write_bytes(b"")  # a previous build exists

    quiet = planner.plan(instance, graph, paths)
    assert not quiet.full and quiet.changed == []
    # No new rows: only the per-period model (the open period refreshes daily) and publish.
    assert quiet.asset_keys == [dg.AssetKey(["finance", "period_revenue"]), PUBLISHED]

    _land(instance, CUSTOMERS, 0)  # a no_change batch changes nothing
    _land(instance, dg.AssetKey(["raw", "hr", "employees"]), 3)
    _land(instance, CUSTOMERS, 5)
    plan = planner.plan(instance, graph, paths)
    assert not plan.full
    assert plan.changed == [("erp", "customers"), ("hr", "employees")]
    assert {k.to_user_string() for k in plan.asset_keys} == {
        "finance/customer_count",  # fed by raw/erp/customers through the staging view
        "finance/period_revenue",
        "warehouse/published",
    }
    checked = {c.asset_key.to_user_string() for c in plan.check_keys}
    assert checked == {
        "raw/erp/customers",
        "raw/hr/employees",
        "finance/customer_count",
        "finance/period_revenue",
    }
    # Asked for, the rebuild is full again.
    assert planner.plan(instance, graph, paths, full=True).full


def test_the_sensor_request_carries_the_plan_and_the_period(yecai_home, fixture_defs):
    from orchestration.defs.pipeline.increment import TransformPlan, transform_request

    plan = TransformPlan(
        full=False,
        reason="1 raw entities received rows since the last publish",
        changed=[("erp", "customers")],
        asset_keys=[dg.AssetKey(["finance", "customer_count"]), PUBLISHED],
        check_keys=[dg.AssetCheckKey(CUSTOMERS, "blocking_rules")],
    )
    ingest = dg.DagsterRun(
        job_name="ingest_raw",
        run_id="0123",
        tags={"yecai/trigger": "daily_schedule", "yecai/period": "2025-03"},
    )
    request = transform_request(plan, ingest, partitioned=True)
    assert request.partition_key == "2025-03"
    assert request.run_key == "transform-0123"
    assert list(request.asset_selection) == plan.asset_keys
    assert list(request.asset_check_keys) == plan.check_keys
    assert request.tags["yecai/ingest_run"] == "0123"
    assert request.tags["yecai/full"] == "false"


def test_a_rebuild_after_an_ingest_with_no_period_is_for_the_open_period(yecai_home):
    """The source-change sensor's ingest run names no period: its rebuild, a partitioned run,
    still needs one for the per-period models."""
    from datetime import datetime

    from orchestration.defs.pipeline.increment import TransformPlan, transform_request
    from orchestration.defs.shared.partitions import period_of

    plan = TransformPlan(full=False, reason="", asset_keys=[PUBLISHED])
    ingest = dg.DagsterRun(
        job_name="ingest_raw", run_id="0456", tags={"yecai/trigger": "source_change_sensor"}
    )
    assert transform_request(plan, ingest, partitioned=True).partition_key == period_of(
        datetime.now()
    )
    assert transform_request(plan, ingest, partitioned=False).partition_key is None


def test_a_lake_key_change_since_the_last_publish_means_a_full_build(yecai_home, fixture_defs):
    """Views over an encrypted entity name its key and the increment never rebuilds views:
    after ingestion re-wrote an entity's files with another key, the next build is full."""
    from orchestration.instance import get_instance

    paths = get_paths()
    instance = get_instance(paths)
    planner, graph = _planner_and_graph(fixture_defs)
    instance.report_runless_asset_event(dg.AssetMaterialization(asset_key=PUBLISHED))
    paths.build_db.parent.mkdir(parents=True, exist_ok=True)
    paths.build_db.write_bytes(b"")
    assert not planner.plan(instance, graph, paths).full

    record = paths.lake_meta / "rewrite" / "last_key_change.json"
    record.parent.mkdir(parents=True, exist_ok=True)
    record.write_text(json.dumps({"at": time.time(), "entity": "erp.customers"}))
    plan = planner.plan(instance, graph, paths)
    assert plan.full and "erp.customers" in plan.reason and "lake key" in plan.reason
    # once a build has published after it, the increment is back
    instance.report_runless_asset_event(dg.AssetMaterialization(asset_key=PUBLISHED))
    time.sleep(0.01)
    assert not planner.plan(instance, graph, paths).full
