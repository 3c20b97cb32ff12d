"""dbt-duckdb builds into an encrypted DuckDB (the decision record's evidence, kept true).

A two-model project (a table and a view on it) is built with ``dbt build`` into a database
attached with ``encryption_key`` from the environment. The file holds no clear value, opens
with the key through ``yecai.privacy.encryption``, refuses to open without it, and neither
dbt's logs nor its target folder contain the key.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from yecai.privacy.encryption import connect_encrypted, database_secret, is_encrypted_database
from yecai.privacy.keys import load_key, new_key_text

pytestmark = pytest.mark.integration

PLANTED = "120101199903156726"

PROFILES = """
enc:
  target: build
  outputs:
    build:
      type: duckdb
      path: ":memory:"
      database: build
      attach:
        - path: "{{ env_var('YECAI_WAREHOUSE_PATH') }}"
          alias: build
          options:
            encryption_key: "{{ env_var('YECAI_DBT_WAREHOUSE_SECRET') }}"
      threads: 1
"""


def test_dbt_builds_into_an_encrypted_warehouse(tmp_path):
    project = tmp_path / "project"
    (project / "models").mkdir(parents=True)
    (project / "dbt_project.yml").write_text(
        "name: enc\nversion: '1.0'\nprofile: enc\nmodels:\n  enc:\n    +materialized: table\n"
    )
    (project / "profiles.yml").write_text(PROFILES)
    (project / "models" / "people.sql").write_text(
        f"select '{PLANTED}' as national_id, 'H00037' as employee_id"
    )
    (project / "models" / "people_view.sql").write_text(
        "{{ config(materialized='view') }} select * from {{ ref('people') }}"
    )
    home = tmp_path / "home"
    warehouse = home / "warehouse" / "build.duckdb"
    warehouse.parent.mkdir(parents=True)
    key = load_key("warehouse", home, {"YECAI_WAREHOUSE_KEY": new_key_text()})
    secret = database_secret(key)
    env = dict(
        os.environ,
        YECAI_WAREHOUSE_PATH=str(warehouse),
        YECAI_DBT_WAREHOUSE_SECRET=secret,
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
    )
    # OpenSSL for writing: yecai installs the httpfs wheel's extension; dbt's DuckDB then
    # loads it by itself (autoload) when it attaches an encrypted file.
    import duckdb

    from yecai.privacy.encryption import enable_encryption

    enable_encryption(duckdb.connect())
    dbt = Path(sys.executable).parent / "dbt"
    done = subprocess.run(
        [str(dbt), "build", "--profiles-dir", ".", "--log-level", "debug"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-3000:]
    assert PLANTED.encode() not in warehouse.read_bytes()
    assert is_encrypted_database(warehouse)
    with connect_encrypted(warehouse, key, read_only=True) as con:
        assert con.sql("select national_id from main.people_view").fetchall() == [(PLANTED,)]
    leaked = [
        str(p)
        for p in project.rglob("*")
        if p.is_file() and p.name != "profiles.yml" and secret.encode() in p.read_bytes()
    ]
    assert leaked == [] and secret not in done.stdout + done.stderr
