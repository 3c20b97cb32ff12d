"""Raw-zone contract checks against the manifests, read from Parquet in place."""

import json

import pytest
import quality_fixtures as qf

from quality.runner import run_layer
from quality.suites.raw import duckdb_type_name, parse_manifest, row_count_sql
from yecai.settings import Paths

pytestmark = pytest.mark.unit

B1 = "20240101T000000000000Z-erp-customers"
B2 = "20240102T000000000000Z-erp-customers"


def _rows(*codes):
    return [{"code": c, "credit_limit": None, "_source_pk": c} for c in codes]


def test_arrow_and_duckdb_type_names_normalise():
    assert duckdb_type_name("decimal128(18, 2)") == "DECIMAL(18,2)"
    assert duckdb_type_name("DECIMAL(18,2)") == "DECIMAL(18,2)"
    assert duckdb_type_name("string") == "VARCHAR"
    assert duckdb_type_name("timestamp[us, tz=UTC]") == "TIMESTAMP WITH TIME ZONE"


def test_manifest_without_row_count_is_a_clear_error(tmp_path):
    from yecai.errors import YecaiError

    with pytest.raises(YecaiError, match="no integer row count"):
        parse_manifest({"schema": {}}, tmp_path / "erp" / "x" / "batch=b" / "manifest.json")


def test_row_count_sql_escapes_batch_ids():
    m = parse_manifest(
        {"rows": 3}, qf_path := __import__("pathlib").Path("erp/c/batch=it's/m.json")
    )
    assert "'it''s'" in row_count_sql([m]) and qf_path


def _by_check(results):
    return {(r.asset, r.check): r for r in results}


def test_clean_raw_zone_passes(tmp_path):
    paths = Paths(home=tmp_path)
    qf.write_raw_batch(paths.raw, "erp", "customers", B1, _rows("C1", "C2"))
    qf.write_raw_batch(paths.raw, "erp", "customers", B2, _rows("C1"))
    qf.write_batch_record(paths.lake_meta, B1, 3, 2, 1)
    results = run_layer(paths, "raw")
    assert [r.summary() for r in results if not r.success] == []
    assert ("raw.erp.customers", "row_count_matches_manifest") in _by_check(results)


def test_raw_contract_breaks_fail_with_batch_and_keys(tmp_path):
    paths = Paths(home=tmp_path)
    # manifest says 3 rows, Parquet holds 2; and C1 appears twice in one batch
    qf.write_raw_batch(paths.raw, "erp", "customers", B1, _rows("C1", "C1"), manifest_rows=3)
    qf.write_batch_record(paths.lake_meta, B1, 5, 2, 1)  # 5 read, 3 accounted for
    manifest = paths.raw / "erp" / "customers" / f"batch={B1}" / "manifest.json"
    data = json.loads(manifest.read_text())
    data["schema"]["segment"] = "string"  # the contract promises a column that never landed
    manifest.write_text(json.dumps(data))
    r = _by_check(run_layer(paths, "raw"))
    count = r[("raw.erp.customers", "row_count_matches_manifest")]
    assert not count.success and count.failing_keys == [
        {"batch_id": B1, "manifest_rows": 3, "parquet_rows": 2}
    ]
    unique = r[("raw.erp.customers", "source_pk_unique_per_batch")]
    assert not unique.success and unique.unexpected_count == 2
    assert {k["_source_pk"] for k in unique.failing_keys} == {"C1"}
    contract = r[("raw.erp.customers", "contract_columns")]
    assert not contract.success and contract.failing_keys == [{"missing_column": "segment"}]
    conservation = r[("raw._meta.batches", "row_conservation")]
    assert not conservation.success and conservation.failing_keys[0]["batch_id"] == B1
