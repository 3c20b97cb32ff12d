"""Published versions at rest: a lake whose catalog is in PostgreSQL, or embedded and created
under a publish key, writes every data file encrypted (DuckLake's ENCRYPTED, each file's key
in the catalog: the catalog server outside the home, or an encrypted DuckDB file whose key is
the publish key's, kept outside the home).

What the tests hold: the files under the home cannot be read without the catalog, nor the
embedded catalog without the publish key; readers read them unchanged; erasure re-writes an
encrypted file and it stays encrypted; a publish key rotation re-encrypts the catalog; a lake
first created in clear keeps publishing (with a warning saying how to get an encrypted one).
"""

from __future__ import annotations

import logging
import stat
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
from lake_fixtures import publish

from quality.lake_writer import lake_writer, rewrite_encrypted_catalog
from yecai import published
from yecai.errors import YecaiError
from yecai.privacy.erase import Classes, ErasureReport, erase_lake, person_from, scan
from yecai.privacy.keys import key_id_of, new_key_text, parse_key_text
from yecai.privacy.lake_crypto import is_encrypted_parquet
from yecai.privacy.rotate import rotate
from yecai.published import attach_sql, lake_location, load_extensions
from yecai.settings import Paths

pytestmark = pytest.mark.integration

NATIONAL_ID = "11010519491231002X"
ROWS = 400  # well above DuckLake's inlining limit: the rows land in a data file
PUBLISH_A, PUBLISH_B = new_key_text(), new_key_text()


def _key_id(text: str) -> str:
    return key_id_of("publish", parse_key_text(text, "test"))


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


def test_data_files_are_encrypted_unless_the_embedded_catalog_is_clear(lake_home):
    _build(lake_home)
    publish(lake_home, "v1")
    files = _data_files(lake_home)
    ids = _published_ids(lake_home)
    assert len(ids) == ROWS and NATIONAL_ID in ids  # readers read it unchanged
    if lake_location(lake_home).kind in ("postgres", "duckdb"):
        assert all(is_encrypted_parquet(f) for f in files)
        with pytest.raises(Exception):  # noqa: B017 - PyArrow's error type varies by version
            pq.read_table(files[0])
        with pytest.raises(duckdb.Error):
            duckdb.connect().execute(f"select * from read_parquet('{files[0]}')").fetchall()
        assert not any(NATIONAL_ID.encode() in f.read_bytes() for f in files)
    else:
        # no publish key: beside a clear embedded catalog the keys would lie next to the files
        assert lake_location(lake_home).kind == "sqlite"
        assert not any(is_encrypted_parquet(f) for f in files)


@pytest.fixture
def encrypted_home(tmp_path, monkeypatch) -> Paths:
    """An embedded lake created under a publish key, one publish in it."""
    from yecai.published import CATALOG_URL_ENV, READER_CATALOG_URL_ENV

    for name in (CATALOG_URL_ENV, READER_CATALOG_URL_ENV, "YECAI_PUBLISH_KEY_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("YECAI_PUBLISH_KEY", PUBLISH_A)
    paths = Paths(home=tmp_path)
    _build(paths)
    publish(paths, "v1")
    return paths


def test_the_embedded_catalog_and_its_readers_copy_open_only_with_the_publish_key(
    encrypted_home, monkeypatch
):
    paths = encrypted_home
    catalog, copy = paths.published_encrypted_catalog, paths.published_reader_catalog
    assert catalog.exists() and copy.exists() and not paths.published_catalog.exists()
    for held in (catalog, copy):
        assert stat.S_IMODE(held.stat().st_mode) == 0o600
        with pytest.raises(duckdb.Error, match="without a key"):
            duckdb.connect(str(held), read_only=True)
    # the catalog holds column statistics (min/max: an ID number) and inlined rows: encrypted
    warehouse_files = [f for f in paths.warehouse.rglob("*") if f.is_file()]
    assert not any(NATIONAL_ID.encode() in f.read_bytes() for f in warehouse_files)
    monkeypatch.delenv("YECAI_PUBLISH_KEY")
    with pytest.raises(YecaiError, match="no publish key is set") as raised:
        published.connect(paths)
    assert "YECAI_PUBLISH_KEY" in raised.value.fix
    monkeypatch.setenv("YECAI_PUBLISH_KEY", PUBLISH_B)
    with pytest.raises(YecaiError, match="was not written with the publish key"):
        published.connect(paths)


def test_a_publish_key_rotation_re_encrypts_the_catalog(encrypted_home, monkeypatch):
    paths = encrypted_home
    before = paths.published_encrypted_catalog.read_bytes()
    monkeypatch.setenv("YECAI_PUBLISH_KEY", PUBLISH_B)
    monkeypatch.setenv("YECAI_PUBLISH_KEY_PREVIOUS", PUBLISH_A)
    monkeypatch.setenv("YECAI_TOKEN_KEY", new_key_text())  # the role copies are re-written too
    report = rotate(paths, "publish", "test")
    assert f"published lake catalog re-encrypted with {_key_id(PUBLISH_B)}" in report.message()
    assert paths.published_encrypted_catalog.read_bytes() != before
    monkeypatch.delenv("YECAI_PUBLISH_KEY_PREVIOUS")  # the new key alone opens both copies
    assert len(_published_ids(paths)) == ROWS
    with lake_writer(paths):
        pass
    monkeypatch.setenv("YECAI_PUBLISH_KEY", PUBLISH_A)
    with pytest.raises(YecaiError, match="was not written with the publish key"):
        published.connect(paths)


@pytest.fixture(params=["postgres", "embedded"])
def encrypted_lake(request, tmp_path) -> Paths:
    """A published lake whose data files are encrypted, in each of the two ways."""
    if request.param == "postgres":
        request.getfixturevalue("postgres_catalog")
        paths = Paths(home=tmp_path)
        _build(paths)
        publish(paths, "v1")
        return paths
    return request.getfixturevalue("encrypted_home")


def test_erasure_rewrites_an_encrypted_version_and_it_stays_encrypted(encrypted_lake):
    paths = encrypted_lake
    catalog_before = (
        paths.published_encrypted_catalog.read_bytes()
        if paths.published_encrypted_catalog.exists()
        else None
    )
    # the scan reads each encrypted version with the key its catalog row holds
    assert any(hit.startswith("warehouse/published_data/") for hit in scan(paths, [NATIONAL_ID]))
    person = person_from({"national_id": {NATIONAL_ID}}, b"k" * 32)
    report = ErasureReport(person_token="tok_test")
    erase_lake(paths, person, Classes(paths), report)

    assert report.lake_files >= 1
    # (the build warehouse still holds them: erase_lake is the lake's part of an erasure)
    assert [h for h in scan(paths, [NATIONAL_ID]) if not h.startswith("build.duckdb")] == []
    assert all(is_encrypted_parquet(f) for f in _data_files(paths))
    ids = _published_ids(paths)  # the catalog's sizes and key still open the file
    assert len(ids) == ROWS
    assert NATIONAL_ID not in ids
    assert sum(1 for i in ids if i and i.startswith("3101011990")) == ROWS - 1
    if catalog_before is not None:  # the embedded catalog is a fresh file, not freed blocks
        assert paths.published_encrypted_catalog.read_bytes() != catalog_before
        with pytest.raises(duckdb.Error, match="without a key"):
            duckdb.connect(str(paths.published_encrypted_catalog), read_only=True)


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


def test_an_embedded_lake_created_in_clear_stays_clear_once_a_key_is_set_and_says_so(
    tmp_path, monkeypatch, caplog
):
    from yecai.published import CATALOG_URL_ENV

    monkeypatch.delenv(CATALOG_URL_ENV, raising=False)
    monkeypatch.delenv("YECAI_PUBLISH_KEY", raising=False)
    paths = Paths(home=tmp_path)
    _build(paths)
    publish(paths, "v1")  # no key yet: a clear SQLite catalog
    monkeypatch.setenv("YECAI_PUBLISH_KEY", PUBLISH_A)
    with caplog.at_level(logging.WARNING, logger="quality.lake_writer"):
        publish(paths, "v2")
    assert "was created in clear, before a publish key was set" in caplog.text
    assert "move warehouse/published.sqlite and warehouse/published_data aside" in caplog.text
    assert lake_location(paths).kind == "sqlite"
    assert not paths.published_encrypted_catalog.exists()
    assert not any(is_encrypted_parquet(f) for f in _data_files(paths))
    assert len(_published_ids(paths)) == ROWS


KILLED_WRITER = """
import os
from pathlib import Path

from quality.lake_writer import lake_writer, rewrite_encrypted_catalog
from yecai.settings import Paths

writer = lake_writer(Paths(home=Path(os.environ["YECAI_HOME"])))
con = writer.__enter__()
con.execute("create table published.canonical.committed_then_killed as select 42 as answer")
os._exit(9)  # killed after its commit, before it closed: the commit is only in the WAL
"""


def _kill_a_writer_after_its_commit(paths: Paths, monkeypatch) -> Path:
    """Run KILLED_WRITER on the home; the catalog's WAL it leaves."""
    import os
    import subprocess
    import sys

    monkeypatch.setenv("YECAI_HOME", str(paths.home))
    subprocess.run([sys.executable, "-c", KILLED_WRITER], env=dict(os.environ), timeout=120)
    wal = paths.published_encrypted_catalog.with_name("published.ducklake.wal")
    assert wal.exists(), "the writer left no WAL: the test proves nothing"
    return wal


def test_a_catalog_rewrite_after_a_killed_publish_keeps_what_the_wal_holds(
    encrypted_home, monkeypatch
):
    paths = encrypted_home
    wal = _kill_a_writer_after_its_commit(paths, monkeypatch)
    rewrite_encrypted_catalog(paths)  # what erasure and a key rotation do
    assert not wal.exists()  # folded in, not left to be replayed onto the new file
    con = published.connect(paths)
    try:
        assert con.execute("select answer from canonical.committed_then_killed").fetchall() == [
            (42,)
        ]
        assert con.execute("select count(*) from canonical.employee").fetchone() == (ROWS,)
    finally:
        con.close()


def _tables(paths: Paths) -> set[str]:
    con = published.connect(paths)
    try:
        return {r[0] for r in con.execute("select table_name from duckdb_tables()").fetchall()}
    finally:
        con.close()


def test_readers_catch_up_on_a_publish_killed_after_its_commit_once_no_writer_holds_the_lake(
    encrypted_home, monkeypatch
):
    paths = encrypted_home
    wal = _kill_a_writer_after_its_commit(paths, monkeypatch)
    with published.publish_lock(paths):  # a writer at work: readers read the copy they have
        assert "committed_then_killed" not in _tables(paths)
        assert wal.exists()
    # no writer: the first reader folds the WAL in and re-makes the copy, as a publish would
    assert "committed_then_killed" in _tables(paths)
    assert not wal.exists()
    assert _published_ids(paths).count(NATIONAL_ID) == 1


def test_a_reader_that_cannot_catch_up_reads_the_previous_publish_and_says_why(
    encrypted_home, monkeypatch, caplog
):
    paths = encrypted_home
    _kill_a_writer_after_its_commit(paths, monkeypatch)

    def disk_full(_paths):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(published, "refresh_reader_copy", disk_full)
    with caplog.at_level(logging.WARNING, logger="yecai.published"):
        assert "committed_then_killed" not in _tables(paths)
    assert "No space left on device" in caplog.text
    assert "readers see the previous publish until the next one" in caplog.text
