"""Erasure on a PostgreSQL catalog: the person's values leave the catalog's pages, not only its
live rows (an UPDATE leaves the old row version behind until VACUUM FULL rewrites the table)."""

from __future__ import annotations

import duckdb
import psycopg
import pytest
from lake_fixtures import publish

from tests.shared.databases import checkout_database, pg_url
from yecai.privacy.erase import Classes, ErasureReport, erase_lake, person_from
from yecai.settings import Paths

pytestmark = pytest.mark.integration

NATIONAL_ID = "11010519491231002X"
PHONE = "13812345678"
PG_DB = checkout_database("yecai_lake_it")  # the postgres_catalog fixture's database


def _build(paths: Paths) -> None:
    paths.build_db.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(paths.build_db))
    try:
        con.execute(
            f"""
            create schema canonical;
            create table canonical.employee as
            select 'E' || range as employee_id,
                   case when range = 0 then '{NATIONAL_ID}' else '3101011990010' || (1000 + range)
                   end as national_id,
                   case when range = 0 then '{PHONE}' else '1390000' || (1000 + range) end as phone
            from range(5);
            """
        )
    finally:
        con.close()


def _catalog_bytes(tables: list[str]) -> bytes:
    """Every page of ``tables`` as stored, dead row versions included (pageinspect)."""
    out = b""
    with psycopg.connect(pg_url(PG_DB), autocommit=True) as db:
        db.execute("create extension if not exists pageinspect")
        for qualified in tables:
            pages = db.execute(
                "select pg_relation_size(%s::regclass) / current_setting('block_size')::int",
                [qualified],
            ).fetchone()[0]
            for n in range(pages):
                out += db.execute("select get_raw_page(%s, %s)", [qualified, n]).fetchone()[0]
    return out


def test_erase_vacuums_the_postgres_catalog_tables_it_changed(
    postgres_catalog, tmp_path, monkeypatch
):
    paths = Paths(home=tmp_path)
    monkeypatch.setenv("YECAI_HOME", str(tmp_path))
    _build(paths)
    publish(paths, "v1")
    stats = ["public.ducklake_file_column_stats", "public.ducklake_table_column_stats"]
    # the statistics hold the ID in clear (it sorts first): what erase must clear
    assert NATIONAL_ID.encode() in _catalog_bytes(stats)

    person = person_from({"national_id": {NATIONAL_ID}, "phone": {PHONE}}, b"k" * 32)
    report = ErasureReport(person_token="tok_test")
    erase_lake(paths, person, Classes(paths), report)

    # five rows are inlined in the catalog (bytea columns on PostgreSQL), not written to a file
    assert report.lake_files == 0
    assert "public.ducklake_table_column_stats" in report.catalog_tables, report.catalog_tables
    assert any("ducklake_inlined_data" in t for t in report.catalog_tables), report.catalog_tables
    assert "vacuumed (full)" in report.message()
    on_disk = _catalog_bytes(sorted({*stats, *report.catalog_tables}))
    assert on_disk, "nothing read, nothing tested"
    assert NATIONAL_ID.encode() not in on_disk
    assert PHONE.encode() not in on_disk
