"""Which dbt events reach the event log: everything but the observation of a passing test."""

import dagster as dg
import pytest

from orchestration.defs.transform.assets import worth_recording

pytestmark = pytest.mark.unit

MODEL = dg.AssetKey(["finance", "gl_lines"])


def _test_result(status: str) -> dg.AssetObservation:
    return dg.AssetObservation(asset_key=MODEL, metadata={"status": status, "unique_id": "t"})


def test_a_passing_test_is_dropped_and_every_other_result_kept():
    assert not worth_recording(_test_result("pass"))
    for status in ("fail", "warn", "error", "skipped"):
        assert worth_recording(_test_result(status)), status


def test_materializations_and_other_events_are_always_kept():
    assert worth_recording(dg.Output(None, output_name="finance_gl_lines"))
    assert worth_recording(dg.AssetMaterialization(asset_key=MODEL))
    # An observation without a test status is not a test result: keep it.
    assert worth_recording(dg.AssetObservation(asset_key=MODEL))
