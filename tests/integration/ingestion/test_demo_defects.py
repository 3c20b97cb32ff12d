"""Every raw-contract defect the demo logs is found in the lake, counted exactly.

Ground truth is demo/ground_truth.csv, written by the demo generator. Raw contracts see:
- missing_key: a blank key → quarantined ("missing primary key"); a blank reference →
  landed and listed under the manifest's warnings (ERP, ERP2, CRM, HR employees);
- duplicate_row within one file (HR): the repeated row quarantined as a duplicate key;
- schema_drift (HR payroll): one manifest schema_drift entry per change and file.
duplicate_row entries with two different keys (ERP customers, CRM accounts...) are the same
company entered twice: master-data matching finds those downstream, not a raw contract.
"""

from __future__ import annotations

import csv
from collections import Counter

import duckdb
import pytest

from demo.crm.server import start_crm_server
from ingestion.lake import committed_batches, read_manifest
from ingestion.runner import ingest
from tests.shared.demo_home import generate_demo_company
from yecai.settings import Paths

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def landed(tmp_path_factory):
    home = tmp_path_factory.mktemp("defects") / "home"
    paths = Paths(home=home)
    generate_demo_company(paths, seed=42, scale=0.01)
    server = start_crm_server(paths.demo / "crm.sqlite", token="t0k")
    mp = pytest.MonkeyPatch()
    mp.setenv("YECAI_CRM_URL", server.url)
    mp.setenv("YECAI_CRM_TOKEN", "t0k")
    mp.delenv("YECAI_ERP_URL", raising=False)
    try:
        results = ingest(paths)
    finally:
        server.stop()
        mp.undo()
    with (paths.demo / "ground_truth.csv").open(encoding="utf-8") as fh:
        truth = list(csv.DictReader(fh))
    return paths, results, truth


def truth_of(truth, kind, system=None, entity=None):
    return [
        t
        for t in truth
        if t["kind"] == kind and system in (None, t["system"]) and entity in (None, t["entity"])
    ]


def quarantine(paths: Paths, source: str, entity: str) -> list[tuple[str, str, str]]:
    """(source file period or batch, _source_pk, _reason) of every quarantined row."""
    glob = paths.quarantine / source / entity / "batch=*" / "*.parquet"
    return duckdb.sql(
        f"select _batch_id, _source_pk, _reason from read_parquet('{glob}', "
        "hive_partitioning = false, union_by_name = true)"
    ).fetchall()


def manifests(paths: Paths, source: str, entity: str) -> list[dict]:
    return [read_manifest(b) for b in committed_batches(paths, source, entity)]


def test_every_batch_succeeded_and_counts_add_up(landed):
    _paths, results, _truth = landed
    assert [r for r in results if r.status == "failed"] == []
    for r in results:
        assert r.rows_read == r.rows_landed + r.rows_quarantined


def test_missing_references_are_reported_with_their_keys(landed):
    paths, _results, truth = landed
    for system, entity, column in [
        ("erp", "journal_lines", "account_no"),
        ("erp", "sales_orders", "customer_no"),
        ("erp2", "sales_invoices", "bp_id"),
        ("crm", "opportunities", "account_id"),
    ]:
        expected = Counter(t["key"] for t in truth_of(truth, "missing_key", system, entity))
        reported = Counter(
            k
            for m in manifests(paths, system, entity)
            for k in m["warnings"].get(f"missing reference: {column} is empty", [])
        )
        assert reported == expected, (system, entity)
    # HR employees: a blank 部门编码, once per monthly file it appears in
    expected = Counter(
        (t["key"], t["detail"].split(" in ")[-1])
        for t in truth_of(truth, "missing_key", "hr", "employees")
    )
    reported = Counter(
        (k.split("|")[0], m["source_file"].rsplit("/", 1)[-1])
        for m in manifests(paths, "hr", "employees")
        for k in m["warnings"].get("missing reference: dept_code is empty", [])
    )
    assert expected and reported == expected


def test_blank_payroll_keys_are_quarantined_one_per_logged_defect(landed):
    paths, _results, truth = landed
    expected = Counter(
        t["key"].split("|")[1] for t in truth_of(truth, "missing_key", "hr", "payroll")
    )
    rows = [r for r in quarantine(paths, "hr", "payroll") if "missing primary key" in r[2]]
    # the key is blank, so compare per period: the file's period is in the batch's manifest
    periods = {m["batch_id"]: m["source_file"][-12:-5] for m in manifests(paths, "hr", "payroll")}
    assert expected and Counter(periods[b] for b, _pk, _r in rows) == expected


def test_rows_repeated_in_a_file_are_quarantined_as_duplicates(landed):
    paths, _results, truth = landed
    for entity in ("employees", "payroll"):
        logged = truth_of(truth, "duplicate_row", "hr", entity)
        expected = Counter(
            t["key"] if entity == "payroll" else f"{t['key']}|{t['detail'][-11:-4]}" for t in logged
        )
        found = Counter(
            pk for _b, pk, reason in quarantine(paths, "hr", entity) if "duplicate" in reason
        )
        assert expected and found == expected, entity


def test_schema_drift_is_reported_once_per_change_and_file(landed):
    paths, _results, truth = landed
    expected = Counter(t["key"] for t in truth_of(truth, "schema_drift", "hr", "payroll"))
    reported = Counter(
        m["source_file"].rsplit("/", 1)[-1]
        for m in manifests(paths, "hr", "payroll")
        for _change in m["schema_drift"]
    )
    assert expected and reported == expected
    # ... and the drifted months still land their payroll: amounts read, tax column mapped
    glob = paths.raw / "hr" / "payroll" / "batch=*" / "*.parquet"
    months = duckdb.sql(
        f"select period, count(*), count(income_tax), sum(gross_pay) from read_parquet('{glob}',"
        " hive_partitioning = false, union_by_name = true) group by 1 order by 1"
    ).fetchall()
    assert len(months) == 12
    assert all(n == taxed and gross > 0 for _p, n, taxed, gross in months)
