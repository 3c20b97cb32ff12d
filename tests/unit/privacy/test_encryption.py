"""Encrypted DuckDB databases and Parquet files: readable with the key, unreadable without it
(or with another key), and no clear value in their bytes."""

import os
import stat
import subprocess
import sys

import duckdb
import pytest

from tests.shared.spills import SORTED_ROWS, spill_while
from yecai.errors import YecaiError
from yecai.privacy.encryption import (
    attach_encrypted,
    connect_encrypted,
    encrypted_parquet_source,
    is_encrypted_database,
    read_encrypted_parquet,
    register_parquet_key,
    write_encrypted_parquet,
)
from yecai.privacy.keys import Key, key_id_of

pytestmark = pytest.mark.unit

PLANTED = "120101199903156726"


def _key(fill: bytes, purpose: str = "warehouse") -> Key:
    material = fill * 32
    return Key(purpose, key_id_of(purpose, material), "test", material)


@pytest.fixture
def database(tmp_path):
    path = tmp_path / "build.duckdb"
    con = duckdb.connect()
    attach_encrypted(con, path, _key(b"a"))
    con.execute(f"create table build.employees as select '{PLANTED}' as national_id, 42 as n")
    con.execute("create view build.v_employees as select * from build.employees")
    con.close()
    return path


def test_an_encrypted_database_opens_with_its_key_only(database):
    assert PLANTED.encode() not in database.read_bytes()
    assert is_encrypted_database(database)
    with connect_encrypted(database, _key(b"a"), read_only=True) as con:
        assert con.sql("select national_id from v_employees").fetchall() == [(PLANTED,)]
    with pytest.raises(YecaiError, match="was not written with key warehouse-") as wrong:
        connect_encrypted(database, _key(b"b"))
    assert "YECAI_WAREHOUSE_KEY_PREVIOUS" in wrong.value.fix
    # during a rotation the keyring holds both: the one that opens it is used
    with connect_encrypted(database, [_key(b"b"), _key(b"a")], read_only=True) as con:
        assert con.sql("select n from employees").fetchall() == [(42,)]


def test_without_the_key_nothing_opens_it_not_even_a_fresh_process(database):
    code = (
        "import duckdb, sys\n"
        "try:\n"
        "    duckdb.connect(sys.argv[1], read_only=True).sql('select * from employees').fetchall()\n"
        "except duckdb.Error as e:\n"
        "    print(type(e).__name__, e); sys.exit(3)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(database)], capture_output=True, text=True
    )
    assert done.returncode == 3 and "without a key" in done.stdout
    with pytest.raises(YecaiError, match="no key given"):
        connect_encrypted(database, [])


def test_encrypted_parquet_round_trip_and_refusals(tmp_path):
    path = tmp_path / "lake" / "hr" / "part-0.parquet"
    con = duckdb.connect()
    write_encrypted_parquet(
        con, f"select '{PLANTED}' as national_id, 'H00037' as employee_id", path, _key(b"l", "lake")
    )
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert PLANTED.encode() not in path.read_bytes() and b"national_id" not in path.read_bytes()
    rows = read_encrypted_parquet(duckdb.connect(), path, _key(b"l", "lake")).fetchall()
    assert rows == [(PLANTED, "H00037")]
    with pytest.raises(duckdb.InvalidInputException, match="encrypted"):
        duckdb.connect().sql(f"select * from read_parquet('{path}')").fetchall()
    with pytest.raises(YecaiError, match="was not written with key lake-"):
        read_encrypted_parquet(duckdb.connect(), path, _key(b"m", "lake")).fetchall()
    import pyarrow.parquet as pq

    with pytest.raises(OSError):
        pq.read_table(path)  # another reader without the key cannot either
    assert not list(path.parent.glob(".*.tmp"))
    assert os.listdir(path.parent) == ["part-0.parquet"]


def test_keys_never_appear_in_sql_text(tmp_path):
    """The key goes in as a parameter or a session variable: DuckDB's query log shows none."""
    key = _key(b"k")
    con = duckdb.connect()
    con.execute("call enable_logging('QueryLog')")
    attach_encrypted(con, tmp_path / "x.duckdb", key)
    write_encrypted_parquet(con, "select 1 as x", tmp_path / "x.parquet", key)
    logged = " ".join(str(r) for r in con.execute("select * from duckdb_logs").fetchall())
    assert logged  # the log did record the statements
    for secret in (key.derive("duckdb").hex(), key.material.hex()):
        assert secret not in logged


SORTED_PEOPLE = SORTED_ROWS.format(value=PLANTED)


def test_an_encrypted_database_spills_encrypted(tmp_path):
    con = duckdb.connect()
    attach_encrypted(con, tmp_path / "build.duckdb", _key(b"a"))
    seen = spill_while(con, tmp_path / "spill", f"create table build.t as {SORTED_PEOPLE}", PLANTED)
    assert seen["files"] > 0, "the statement did not spill: the test proves nothing"
    assert seen["clear"] == 0


def test_reading_encrypted_parquet_spills_encrypted(tmp_path):
    con = duckdb.connect()
    parquet = write_encrypted_parquet(con, SORTED_PEOPLE, tmp_path / "p.parquet", _key(b"b"))
    con.close()
    con = duckdb.connect()  # a reader: it only registers the key
    source = encrypted_parquet_source(str(parquet), register_parquet_key(con, _key(b"b")))
    seen = spill_while(
        con,
        tmp_path / "spill",
        f"create table t as select * from {source} order by i desc",
        PLANTED,
    )
    assert seen["files"] > 0, "the statement did not spill: the test proves nothing"
    assert seen["clear"] == 0


def test_the_spill_check_sees_clear_text_when_spills_are_not_encrypted(tmp_path):
    # the control: DuckDB's default, an encrypted database whose spills are clear
    con = duckdb.connect()
    attach_encrypted(con, tmp_path / "build.duckdb", _key(b"a"))
    con.execute("set temp_file_encryption = false")
    seen = spill_while(con, tmp_path / "spill", f"create table build.t as {SORTED_PEOPLE}", PLANTED)
    assert seen["clear"] > 0
