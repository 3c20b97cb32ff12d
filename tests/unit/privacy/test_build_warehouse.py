"""The build warehouse opens plain without a key (as always), encrypted with one, refuses
clearly without it, survives a rotation, is encrypted before dbt writes, and reaches
SQLAlchemy (Great Expectations) with the key in no URL."""

import duckdb
import pytest
import sqlalchemy as sa

from yecai import build_warehouse
from yecai.errors import YecaiError
from yecai.privacy.encryption import is_encrypted_database
from yecai.privacy.keys import new_key_text

pytestmark = pytest.mark.unit

PLANTED = "120101199903156726"
KEY_A, KEY_B = new_key_text(), new_key_text()


@pytest.fixture
def home(tmp_path):
    (tmp_path / "warehouse").mkdir()
    return tmp_path


def _plain_warehouse(home):
    """A warehouse as dbt writes one without a key: a view names the catalog ``build``."""
    db = home / "warehouse" / "build.duckdb"
    con = duckdb.connect(str(db))
    con.execute("create schema canonical")
    con.execute(f"create table canonical.employee as select '{PLANTED}' as national_id")
    con.execute("create view canonical.v_employee as select * from build.canonical.employee")
    con.close()
    return db


def _read(con):
    with con:
        return con.sql("select national_id from canonical.v_employee").fetchall()


def test_without_a_key_the_warehouse_is_the_plain_file_it_always_was(home):
    db = _plain_warehouse(home)
    assert _read(build_warehouse.connect(db, home=home, env={})) == [(PLANTED,)]
    assert build_warehouse.dbt_env(home, {}) == {}
    assert build_warehouse.encrypt_for_build(db, home, {}) is None
    assert build_warehouse.sqlalchemy_url(db, home, {}) == f"duckdb:///{db}"


def test_a_plain_warehouse_is_read_then_encrypted_before_the_next_build(home):
    db = _plain_warehouse(home)
    env = {"YECAI_WAREHOUSE_KEY": KEY_A}
    # a reader opens what is there; the writer's step re-writes it under the key
    assert _read(build_warehouse.connect(db, home=home, env=env)) == [(PLANTED,)]
    done = build_warehouse.encrypt_for_build(db, home, env)
    assert done.startswith("build.duckdb was plain; re-written encrypted with warehouse-")
    assert is_encrypted_database(db) and PLANTED.encode() not in db.read_bytes()
    assert oct(db.stat().st_mode & 0o777) == "0o600"
    assert build_warehouse.encrypt_for_build(db, home, env) is None  # already so
    assert _read(build_warehouse.connect(db, home=home, env=env)) == [(PLANTED,)]


def test_an_encrypted_warehouse_without_its_key_is_a_clear_error(home):
    db = _plain_warehouse(home)
    build_warehouse.encrypt_for_build(db, home, {"YECAI_WAREHOUSE_KEY": KEY_A})
    with pytest.raises(YecaiError, match="is encrypted and no warehouse key is set") as raised:
        build_warehouse.connect(db, home=home, env={})
    assert "YECAI_WAREHOUSE_KEY_FILE" in raised.value.fix
    with pytest.raises(YecaiError, match="is encrypted and no warehouse key is set"):
        build_warehouse.encrypt_for_build(db, home, {})  # before dbt would fail obscurely
    with pytest.raises(YecaiError, match="is encrypted and no warehouse key is set"):
        build_warehouse.attach(duckdb.connect(), db, home=home, env={})
    with pytest.raises(YecaiError, match="not written with the warehouse key") as wrong:
        build_warehouse.connect(db, home=home, env={"YECAI_WAREHOUSE_KEY": KEY_B})
    assert "YECAI_WAREHOUSE_KEY_PREVIOUS" in wrong.value.fix


def test_a_rotation_reads_with_the_previous_key_and_the_build_re_encrypts(home):
    db = _plain_warehouse(home)
    build_warehouse.encrypt_for_build(db, home, {"YECAI_WAREHOUSE_KEY": KEY_A})
    rotating = {"YECAI_WAREHOUSE_KEY": KEY_B, "YECAI_WAREHOUSE_KEY_PREVIOUS": KEY_A}
    assert _read(build_warehouse.connect(db, home=home, env=rotating)) == [(PLANTED,)]
    assert "previous key" in build_warehouse.encrypt_for_build(db, home, rotating)
    # now the new key alone opens it
    assert _read(build_warehouse.connect(db, home=home, env={"YECAI_WAREHOUSE_KEY": KEY_B})) == [
        (PLANTED,)
    ]


def test_attach_and_write_through_the_helper(home):
    db = home / "warehouse" / "build.duckdb"
    env = {"YECAI_WAREHOUSE_KEY": KEY_A}
    with build_warehouse.connect(db, read_only=False, home=home, env=env) as con:
        con.execute(f"create table t as select '{PLANTED}' as v")
    assert is_encrypted_database(db)
    con = duckdb.connect()
    build_warehouse.attach(con, db, alias="b", home=home, env=env)
    assert con.sql("select v from b.t").fetchall() == [(PLANTED,)]
    con.close()


def test_dbt_gets_the_database_subkey_never_the_key(home):
    env = {"YECAI_WAREHOUSE_KEY": KEY_A}
    extra = build_warehouse.dbt_env(home, env)
    assert extra[build_warehouse.DBT_TARGET_ENV] == build_warehouse.DBT_ENCRYPTED_TARGET
    secret = extra[build_warehouse.DBT_SECRET_ENV]
    assert len(secret) == 64 and secret != KEY_A and KEY_A not in str(extra)


def test_sqlalchemy_reads_the_encrypted_warehouse_with_the_key_in_no_url(home):
    db = _plain_warehouse(home)
    env = {"YECAI_WAREHOUSE_KEY": KEY_A}
    build_warehouse.encrypt_for_build(db, home, env)
    url = build_warehouse.sqlalchemy_url(db, home, env)
    assert url.startswith("duckdb:///:memory:yecai_build_")
    secret = build_warehouse.dbt_env(home, env)[build_warehouse.DBT_SECRET_ENV]
    assert secret not in url and KEY_A not in url
    with build_warehouse.sqlalchemy_access(db, home, env):
        engine = sa.create_engine(url)
        for _ in range(2):  # a second connection shares the attached database
            with engine.connect() as c:
                rows = c.exec_driver_sql("select national_id from canonical.v_employee").fetchall()
                assert rows == [(PLANTED,)]
        engine.dispose()
    # closed: the same URL is only an empty in-memory database again
    engine = sa.create_engine(url)
    with engine.connect() as c, pytest.raises(sa.exc.ProgrammingError):
        c.exec_driver_sql("select * from canonical.v_employee")
    engine.dispose()
