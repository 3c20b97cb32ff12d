"""The published lake on its three catalogs: a clear SQLite file under the home, an encrypted
DuckDB file under the home, and the real PostgreSQL.

``lake_home`` is parametrised: every test that takes it runs once per catalog. The
PostgreSQL variant creates a database named for this checkout and a reader role that may only
SELECT (what README tells a company to create), and points ``YECAI_LAKE_CATALOG_URL`` (the
publisher, a superuser here) and ``YECAI_LAKE_READER_CATALOG_URL`` (readers) at it.
"""

from __future__ import annotations

import sys
from pathlib import Path

import psycopg
import pytest

from tests.shared.databases import PG_ADMIN_URL, checkout_database, pg_url
from yecai.privacy.keys import new_key_text
from yecai.published import CATALOG_URL_ENV, READER_CATALOG_URL_ENV
from yecai.settings import Paths

sys.path.insert(0, str(Path(__file__).resolve().parent))  # lake_fixtures

PG_DB = checkout_database("yecai_lake_it")
READER_ROLE = checkout_database("yecai_lake_reader")


def _drop(admin: psycopg.Connection) -> None:
    admin.execute(f'drop database if exists "{PG_DB}" with (force)')
    exists = admin.execute("select 1 from pg_roles where rolname = %s", [READER_ROLE]).fetchone()
    if exists:
        admin.execute(f'drop owned by "{READER_ROLE}"')
        admin.execute(f'drop role "{READER_ROLE}"')


@pytest.fixture
def postgres_catalog(monkeypatch):
    """A fresh catalog database with a SELECT-only reader role; dropped afterwards."""
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        _drop(admin)
        admin.execute(f'create database "{PG_DB}"')
        admin.execute(f'create role "{READER_ROLE}" login')
    with psycopg.connect(pg_url(PG_DB), autocommit=True) as db:
        db.execute(f'grant usage on schema public to "{READER_ROLE}"')
        db.execute(
            f'alter default privileges in schema public grant select on tables to "{READER_ROLE}"'
        )
    monkeypatch.setenv(CATALOG_URL_ENV, pg_url(PG_DB))
    reader = f"postgresql://{READER_ROLE}@127.0.0.1:5432/{PG_DB}"
    monkeypatch.setenv(READER_CATALOG_URL_ENV, reader)
    yield reader
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        _drop(admin)


@pytest.fixture(params=["sqlite", "encrypted", "postgres"])
def lake_home(request, tmp_path, monkeypatch):
    """A home whose lake catalog is embedded in clear (sqlite: no publish key), embedded and
    encrypted (a DuckDB file under the publish key) or on the real PostgreSQL."""
    monkeypatch.setenv("YECAI_HOME", str(tmp_path))
    for name in (CATALOG_URL_ENV, READER_CATALOG_URL_ENV, *PUBLISH_KEY_ENVS):
        monkeypatch.delenv(name, raising=False)
    if request.param == "encrypted":
        monkeypatch.setenv("YECAI_PUBLISH_KEY", new_key_text())
    if request.param == "postgres":
        request.getfixturevalue("postgres_catalog")
    return Paths(home=tmp_path)


PUBLISH_KEY_ENVS = (
    "YECAI_PUBLISH_KEY",
    "YECAI_PUBLISH_KEY_FILE",
    "YECAI_PUBLISH_KEY_PREVIOUS",
    "YECAI_PUBLISH_KEY_PREVIOUS_FILE",
)
