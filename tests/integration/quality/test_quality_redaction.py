"""A failing check never carries the value of a sensitive column into any quality artefact.

The planted value is the demo defect log's wrong resident ID (H00037: 120101199903156726,
true …728), plus a mobile number written into a free-text column. The canonical suite's
GB 11643 check must fail on that row, and then every artefact the quality stage writes is
scanned: the results history (Parquet), GX's validation JSON and Data Docs, the scorecard,
``governance.quality_results`` in the published warehouse, and the Dagster check metadata.
Each must still name the failing row by its key.
"""

import json

import dagster as dg
import duckdb
import pytest
import quality_fixtures as qf

from orchestration.defs.quality.checks import _metadata
from orchestration.defs.quality.verdict import WARNING, verdicts_for
from quality.gx_context import build_data_docs, context_root, data_docs_dir
from quality.publish import audit_and_publish
from quality.results import read_history, results_dir
from quality.runner import run_all
from quality.scorecard import write_scorecard
from yecai import published
from yecai.settings import Paths

pytestmark = pytest.mark.integration

PLANTED_ID = "120101199903156726"
PLANTED_PHONE = "13912345678"
PLANTED_BIRTH = "1985-02-30"  # an impossible birth date quarantined by ingestion
CHECK = "national_id_check_digit__national_id"


@pytest.fixture(scope="module")
def audited(tmp_path_factory):
    home = tmp_path_factory.mktemp("redaction")
    paths = Paths(home=home)
    qf.build_good_warehouse(paths.build_db)
    qf.execute(
        paths.build_db,
        f"""
        create table canonical.employee (employee_key varchar, source_system varchar,
          source_document_id varchar, national_id varchar, hire_date date, note varchar);
        insert into canonical.employee values
          ('hr:H00036','hr','H00036','120101199903156728', date '2020-03-01', null),
          ('hr:H00037','hr','H00037','{PLANTED_ID}', date '1899-12-31',
           'call {PLANTED_PHONE}');
        """,
    )
    quarantine = paths.quarantine / "hr" / "employees" / "batch=b1"
    quarantine.mkdir(parents=True)
    duckdb.sql(
        f"copy (select 'H00040' as employee_id, '{PLANTED_BIRTH}' as birth_date, "
        f"'column ''birth_date'': value ''{PLANTED_BIRTH}'' is not a valid date' as _reason) "
        f"to '{quarantine / 'part-0.parquet'}'"
    )
    results = run_all(paths, run_id="redaction-run")
    build_data_docs(paths)
    write_scorecard(paths)
    outcome = audit_and_publish(paths, run_id="redaction-run", force_reason="test of redaction")
    return paths, results, outcome


def _files_under(*folders):
    for folder in folders:
        yield from (p for p in folder.rglob("*") if p.is_file())


def test_the_planted_row_fails_and_is_named_by_its_key(audited):
    _, results, _ = audited
    failed = {r.check: r for r in results if r.asset == "canonical.employee"}
    ids = failed[CHECK]
    assert not ids.success and ids.unexpected_count == 1
    assert ids.failing_keys == [
        {
            "employee_key": "hr:H00037",
            "source_system": "hr",
            "source_document_id": "H00037",
            "_redacted": "national_id",
        }
    ]


def test_no_quality_file_carries_the_planted_values(audited):
    paths, _, _ = audited
    scanned = list(_files_under(results_dir(paths), context_root(paths), paths.reports))
    scorecard = (paths.reports / "scorecard.html").read_text()
    assert "value … is not a valid date" in scorecard  # the quarantine reason, without its value
    kinds = {p.suffix for p in scanned}
    assert {".parquet", ".json", ".html"} <= kinds  # history, GX results, scorecard + docs
    assert (paths.reports / "scorecard.html").is_file()
    assert (data_docs_dir(paths) / "index.html").is_file()
    leaking = [
        str(p)
        for p in scanned
        for value in (PLANTED_ID, PLANTED_PHONE, PLANTED_BIRTH)
        if value.encode() in p.read_bytes()
    ]
    assert leaking == []


def test_gx_validation_json_keeps_the_key_of_the_failing_row(audited):
    paths, _, _ = audited
    stored = [
        json.loads(p.read_text())
        for p in context_root(paths).rglob("uncommitted/validations/**/*.json")
        if "canonical.employee" in p.name
    ]
    assert stored, "GX stored no validation result for canonical.employee"
    rows = [
        row
        for doc in stored
        for r in doc["results"]
        if r["expectation_config"]["meta"].get("check") == CHECK
        for row in (r["result"].get("details") or {}).get("unexpected_rows", [])
    ]
    assert {"employee_key": "hr:H00037", "_redacted": "national_id"}.items() <= rows[0].items()


def test_published_quality_results_carry_no_planted_value(audited):
    paths, _, outcome = audited
    assert outcome.published
    con = published.connect(paths)
    try:
        rows = con.execute(
            "select failing_keys, coalesce(error, ''), coalesce(observed_value, '') "
            "from governance.quality_results"
        ).fetchall()
    finally:
        con.close()
    text = json.dumps(rows, ensure_ascii=False)
    assert "hr:H00037" in text
    assert PLANTED_ID not in text and PLANTED_PHONE not in text


def test_dagster_check_metadata_carries_no_planted_value(audited):
    paths, _, _ = audited
    history = [r for r in read_history(paths) if r.asset == "canonical.employee"]
    verdict = verdicts_for(history)[WARNING]
    assert not verdict.passed and CHECK in verdict.failed
    metadata = _metadata("canonical.employee", verdict)
    # what Dagster writes into its event log: the serialised metadata values
    text = json.dumps(
        {k: (v.value if isinstance(v, dg.MetadataValue) else v) for k, v in metadata.items()},
        ensure_ascii=False,
    )
    assert "hr:H00037" in text
    assert PLANTED_ID not in text and PLANTED_PHONE not in text
