"""Published versions at rest: a lake whose catalog is in PostgreSQL writes every data file
encrypted (DuckLake's ENCRYPTED, each file's key in the catalog server, outside the home).

What the tests hold: the files under the home cannot be read without the catalog, readers read
them unchanged, erasure re-writes an encrypted file and it stays encrypted, and a lake first
created in clear keeps publishing (with a warning saying how to get an encrypted one).
"""

from __future__ import annotations

import logging

import duckdb
import pyarrow.parquet as pq
import pytest
from lake_fixtures import publish

from yecai import published
from yecai.privacy.erase import Classes, ErasureReport, erase_lake, person_from
from yecai.privacy.lake_crypto import is_encrypted_parquet
from yecai.published import attach_sql, lake_location, load_extensions
from yecai.settings import Paths

pytestmark = pytest.mark.integration

NATIONAL_ID = "11010519491231002X"
ROWS = 400  # well above DuckLake's inlining limit: the rows land in a data file


def _build(paths: Paths) -> None:
    paths.build_db.parent.mkdir(parents=True, exist_ok=True)
    paths.build_db.unlink(missing_ok=True)
    con = duckdb.connect(str(paths.build_db))
    try:
        con.execute(
            f"""
            create schema canonical;
            create table canonical.employee as
            select 'E' || range as employee_id,
                   case when range = 7 then '{NATIONAL_ID}'
                        else '3101011990' || lpad(cast(range as varchar), 8, '0') end
                       as national_id,
                   cast(1000 + range as decimal(18, 2)) as base_pay
            from range({ROWS});
            """
        )
    finally:
        con.close()


def _data_files(paths: Paths) -> list:
    files = sorted(paths.published_data.rglob("*.parquet"))
    assert files, "nothing was written to a data file: the test would prove nothing"
    return files


def _published_ids(paths: Paths) -> list[str]:
    con = published.connect(paths)
    try:
        return [r[0] for r in con.execute("select national_id from canonical.employee").fetchall()]
    finally:
        con.close()


def test_a_postgresql_catalog_lake_is_encrypted_and_an_embedded_one_is_not(lake_home):
    _build(lake_home)
    publish(lake_home, "v1")
    files = _data_files(lake_home)
    ids = _published_ids(lake_home)
    assert len(ids) == ROWS and NATIONAL_ID in ids  # readers read it unchanged
    if lake_location(lake_home).kind == "postgres":
        assert all(is_encrypted_parquet(f) for f in files)
        with pytest.raises(Exception):  # noqa: B017 - PyArrow's error type varies by version
            pq.read_table(files[0])
        with pytest.raises(duckdb.Error):
            duckdb.connect().execute(f"select * from read_parquet('{files[0]}')").fetchall()
        assert not any(NATIONAL_ID.encode() in f.read_bytes() for f in files)
    else:
        # the decision: beside an embedded catalog the keys would lie next to the files
        assert not any(is_encrypted_parquet(f) for f in files)


def test_erasure_rewrites_an_encrypted_version_and_it_stays_encrypted(postgres_catalog, tmp_path):
    paths = Paths(home=tmp_path)
    _build(paths)
    publish(paths, "v1")
    person = person_from({"national_id": {NATIONAL_ID}}, b"k" * 32)
    report = ErasureReport(person_token="tok_test")
    erase_lake(paths, person, Classes(paths), report)

    assert report.lake_files >= 1
    assert all(is_encrypted_parquet(f) for f in _data_files(paths))
    ids = _published_ids(paths)  # the catalog's sizes and key still open the file
    assert len(ids) == ROWS
    assert NATIONAL_ID not in ids
    assert sum(1 for i in ids if i and i.startswith("3101011990")) == ROWS - 1


def test_a_lake_created_in_clear_keeps_publishing_and_says_how_to_encrypt(
    postgres_catalog, tmp_path, caplog
):
    paths = Paths(home=tmp_path)
    location = lake_location(paths)
    paths.published_data.mkdir(parents=True)
    con = duckdb.connect()
    try:  # a lake as yecai created it before PostgreSQL lakes were encrypted
        load_extensions(con, location)
        con.execute(attach_sql(location, read_only=False, create=True))
    finally:
        con.close()
    _build(paths)
    with caplog.at_level(logging.WARNING, logger="quality.lake_writer"):
        publish(paths, "v1")
    assert "stay in clear" in caplog.text and "new, empty catalog database" in caplog.text
    assert not any(is_encrypted_parquet(f) for f in _data_files(paths))
    assert len(_published_ids(paths)) == ROWS


def test_field_ids_read_from_the_catalog_equal_those_in_the_files(tmp_path, monkeypatch):
    """Erasure takes an encrypted file's field IDs from the catalog (``parquet_schema`` cannot
    open it): on the clear files of an embedded-catalog lake, the catalog's answer equals the
    file's own, after a schema change too."""
    from quality.lake_writer import lake_writer
    from yecai.privacy.erase import FILES_SQL, _catalog_field_ids, _columns_of, _field_ids
    from yecai.published import CATALOG_URL_ENV, META_ALIAS

    monkeypatch.delenv(CATALOG_URL_ENV, raising=False)
    lake_home = Paths(home=tmp_path)
    _build(lake_home)
    publish(lake_home, "v1")
    con = duckdb.connect(str(lake_home.build_db))
    con.execute("alter table canonical.employee add column grade varchar default 'G1'")
    con.close()
    publish(lake_home, "v2")
    compared = 0
    with lake_writer(lake_home) as con:
        for row in con.execute(FILES_SQL.format(m=META_ALIAS)).fetchall():
            file_id, table_id, path, relative, enc, begun, table_path, _, _ = row
            full = table_path + path if relative else path
            assert enc is None
            cols = _columns_of(con, f"read_parquet('{full}')")
            assert _catalog_field_ids(con, table_id, begun, cols) == _field_ids(con, full)
            compared += 1
    assert compared >= 2
