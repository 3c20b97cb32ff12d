"""Dropping an HR export into the drop folder makes the sensor request an HR ingestion run."""

import dagster as dg
import pytest

from yecai.settings import get_paths

pytestmark = pytest.mark.integration


def _evaluate(defs, instance, cursor):
    sensor = defs.get_sensor_def("hr_drop_sensor")
    context = dg.build_sensor_context(instance=instance, cursor=cursor, definitions=defs)
    return sensor.evaluate_tick(context)


def test_new_hr_file_requests_one_ingest_run_and_only_once(fixture_defs):
    drop = get_paths().hr_drop
    drop.mkdir(parents=True)
    with dg.instance_for_test() as instance:
        empty = _evaluate(fixture_defs, instance, None)
        assert empty.run_requests == []
        assert "no new files" in (empty.skip_message or "")

        # An HR export the way HR systems write it: GBK-encoded CSV with Chinese headers.
        (drop / "employees_2025-01.csv").write_bytes("工号,姓名\nE001,张三\n".encode("gbk"))
        first = _evaluate(fixture_defs, instance, empty.cursor)
        assert len(first.run_requests) == 1
        request = first.run_requests[0]
        # The sensor targets the HR ingest job; its requests carry no other job name.
        assert fixture_defs.get_sensor_def("hr_drop_sensor").job_name == "ingest_hr"
        assert request.job_name in (None, "ingest_hr")
        assert request.tags["yecai/files"] == "employees_2025-01.csv"

        # Nothing new since: no second run for the same file.
        again = _evaluate(fixture_defs, instance, first.cursor)
        assert again.run_requests == []

        # A second export arrives: only it is reported.
        (drop / "payroll_2025-01.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
        second = _evaluate(fixture_defs, instance, again.cursor)
        assert [r.tags["yecai/files"] for r in second.run_requests] == ["payroll_2025-01.xlsx"]
        assert second.run_requests[0].run_key != request.run_key


def test_the_hr_job_ingests_exactly_the_hr_entities(fixture_defs):
    from ingestion.catalog import list_entities

    job = fixture_defs.resolve_job_def("ingest_hr")
    keys = {k.to_user_string() for k in job.asset_layer.executable_asset_keys}
    expected = {f"raw/hr/{e}" for s, e in list_entities(get_paths()) if s == "hr"}
    assert expected and keys == expected
