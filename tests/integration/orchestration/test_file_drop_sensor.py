"""Dropping an export into a files source's folder makes the sensor request an ingestion run.

The sensor watches the `path` of every files source in sources.yml (read at each tick), not a
folder of its own: a source moved or added needs no code.
"""

import dagster as dg
import pytest
import yaml

from orchestration.defs.ingestion.sensors import SENSOR_NAME
from yecai.settings import get_paths

pytestmark = pytest.mark.integration


def _evaluate(defs, instance, cursor):
    sensor = defs.get_sensor_def(SENSOR_NAME)
    context = dg.build_sensor_context(instance=instance, cursor=cursor, definitions=defs)
    return sensor.evaluate_tick(context)


def test_a_new_export_requests_one_ingest_run_and_only_once(fixture_defs):
    drop = get_paths().hr_drop  # where the demo company's sources.yml points its files source
    drop.mkdir(parents=True)
    with dg.instance_for_test() as instance:
        empty = _evaluate(fixture_defs, instance, None)
        assert empty.run_requests == []
        assert "no new files" in (empty.skip_message or "")

        # An export the way HR systems write it: GBK-encoded CSV with Chinese headers.
        (drop / "employees_2025-01.csv").write_bytes("工号,姓名\nE001,张三\n".encode("gbk"))
        first = _evaluate(fixture_defs, instance, empty.cursor)
        assert len(first.run_requests) == 1
        request = first.run_requests[0]
        # The sensor targets the file ingest job; its requests carry no other job name.
        assert fixture_defs.get_sensor_def(SENSOR_NAME).job_name == "ingest_hr"
        assert request.job_name in (None, "ingest_hr")
        assert request.tags["yecai/files"] == "hr/employees_2025-01.csv"

        # Nothing new since: no second run for the same file.
        again = _evaluate(fixture_defs, instance, first.cursor)
        assert again.run_requests == []

        # A second export arrives: only it is reported.
        (drop / "payroll_2025-01.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
        second = _evaluate(fixture_defs, instance, again.cursor)
        assert [r.tags["yecai/files"] for r in second.run_requests] == ["hr/payroll_2025-01.xlsx"]
        assert second.run_requests[0].run_key != request.run_key


def test_the_sensor_follows_sources_yml_to_every_files_source(fixture_defs, tmp_path):
    paths = get_paths()
    data = yaml.safe_load(paths.sources_config.read_text())
    elsewhere = tmp_path / "exports" / "staff"
    data["sources"]["hr"]["path"] = str(elsewhere)
    paths.sources_config.write_text(yaml.safe_dump(data))
    paths.hr_drop.mkdir(parents=True)
    (paths.hr_drop / "employees_2025-02.csv").write_text("x")  # no longer watched
    elsewhere.mkdir(parents=True)
    (elsewhere / "employees_2025-03.csv").write_text("x")
    with dg.instance_for_test() as instance:
        tick = _evaluate(fixture_defs, instance, None)
    assert [r.tags["yecai/files"] for r in tick.run_requests] == ["hr/employees_2025-03.csv"]

    del data["sources"]["hr"]
    paths.sources_config.write_text(yaml.safe_dump(data))
    with dg.instance_for_test() as instance:
        tick = _evaluate(fixture_defs, instance, None)
    assert tick.run_requests == [] and "no files source" in tick.skip_message


def test_the_file_job_ingests_exactly_the_files_sources_entities(fixture_defs):
    from ingestion.catalog import list_entities
    from ingestion.config import load_config

    files_sources = {s.name for s in load_config(get_paths()).values() if s.kind == "files"}
    job = fixture_defs.resolve_job_def("ingest_hr")
    keys = {k.to_user_string() for k in job.asset_layer.executable_asset_keys}
    expected = {f"raw/{s}/{e}" for s, e in list_entities(get_paths()) if s in files_sources}
    assert expected and keys == expected
