"""The same ERP in SQLite, PostgreSQL and MariaDB lands the same rows (same _row_hash sets)."""

from __future__ import annotations

import duckdb
import pytest

from ingestion import source_state
from ingestion.runner import ingest
from tests.shared.databases import checkout_database, mysql_url, pg_url
from tests.shared.demo_home import generate_demo_company
from yecai.settings import Paths

pytestmark = pytest.mark.integration

SEED = 5
BACKENDS = {
    "postgresql": pg_url(checkout_database("yecai_ingest_backends")),
    "mysql": mysql_url(checkout_database("yecai_ingest_backends")),
}


def land_erp(home, monkeypatch, erp_url: str | None) -> tuple[Paths, list]:
    paths = Paths(home=home)
    generate_demo_company(paths, seed=SEED, scale=0.01, erp_url=erp_url)
    if erp_url:
        monkeypatch.setenv("YECAI_ERP_URL", erp_url)
    else:
        monkeypatch.delenv("YECAI_ERP_URL", raising=False)
    return paths, ingest(paths, source="erp")


def row_hashes(paths: Paths) -> dict[str, list[str]]:
    out = {}
    for folder in sorted((paths.raw / "erp").iterdir()):
        out[folder.name] = [
            r[0]
            for r in duckdb.sql(
                f"select _source_pk || ':' || _row_hash from read_parquet("
                f"'{folder}/batch=*/*.parquet', hive_partitioning = false) order by 1"
            ).fetchall()
        ]
    return out


def test_sqlite_postgresql_and_mariadb_land_identical_rows(tmp_path, monkeypatch):
    base_paths, base_results = land_erp(tmp_path / "sqlite", monkeypatch, None)
    assert {r.status for r in base_results} == {"succeeded"}, [
        r.message for r in base_results if r.status != "succeeded"
    ]
    expected = row_hashes(base_paths)
    assert len(expected) == 27 and sum(map(len, expected.values())) > 10_000
    for name, url in BACKENDS.items():
        paths, results = land_erp(tmp_path / name, monkeypatch, url)
        failed = [f"{r.entity}: {r.message}" for r in results if r.status != "succeeded"]
        assert not failed, (name, failed)
        got = row_hashes(paths)
        for entity, hashes in expected.items():
            assert got[entity] == hashes, (name, entity)
        # The watermark filter works on each backend's own timestamp type: nothing new.
        # (Forget the database's fingerprint, or the rerun would not read the table at all.)
        source_state.forget(paths, "erp", "journal_lines")
        again = ingest(paths, source="erp", entity="journal_lines")
        assert [r.status for r in again] == ["no_change"], (name, again[0].message)
        assert again[0].rows_unchanged > 0  # the look-back window was really re-read
        # Money stays DECIMAL(18,2) whatever the source's own type was.
        glob = paths.raw / "erp" / "journal_lines" / "batch=*" / "*.parquet"
        described = duckdb.sql(f"describe select debit, line_no from '{glob}'").fetchall()
        types = {r[0]: r[1] for r in described}
        assert types == {"debit": "DECIMAL(18,2)", "line_no": "BIGINT"}
