"""dbt staging reads an encrypted raw zone, with the key given to dbt only through the plugin.

A company written by ``yecai init`` with one HR source whose ``people`` contract classifies a
national ID; ingested with ``YECAI_LAKE_KEY_FILE`` set, its raw Parquet is encrypted. The
company's staging view (``yecai.raw_latest``) and a table built on it read the rows through
``yecai dbt``; the key is in no file of the home (``target/``, dbt's logs, the manifests) and
the view reads no row on a connection without the key. A drift column that appears in a later
batch is seen by the view too (the older encrypted files are given its column). Without the
plugin in ``profiles.yml``, the build fails saying what to add.
"""

from __future__ import annotations

import base64
import sqlite3
from pathlib import Path

import duckdb
import pytest

from ingestion.runner import ingest
from tests.orchestration.demo_helpers import yecai
from tests.shared.company_config import init_company
from yecai.privacy.keys import load_key, new_key_text
from yecai.privacy.lake_crypto import is_encrypted_parquet
from yecai.settings import Paths

pytestmark = pytest.mark.integration

NATIONAL_ID = "110101199003077575"

CONTRACT = """
primary_key: [person_id]
cursor: updated_at
columns:
  - {name: person_id, type: varchar, nullable: false}
  - {name: full_name, type: varchar, classification: person_name}
  - {name: national_id, type: varchar, classification: national_id}
  - {name: updated_at, type: timestamp, nullable: false}
"""

SOURCES_YML = """
version: 2
sources:
  - name: hr
    schema: raw_hr
    tables:
      - name: people
        columns:
          - {name: person_id}
          - {name: full_name, meta: {classification: person_name}}
          - {name: national_id, meta: {classification: national_id}}
          - {name: updated_at}
"""

STAGING = "select * from (\n    {{ yecai.raw_latest('hr', 'people') }}\n)\n"
CHECK = (
    "{{ config(materialized='table') }}\n"
    "select count(*) as people, max(national_id) as some_id,\n"
    "    count(nickname) as nicknamed\n"
    "from {{ ref('stg_hr__people') }}\n"
)


def _home(tmp_path: Path, monkeypatch) -> tuple[Paths, Path, str]:
    home = init_company(tmp_path, monkeypatch)
    db = tmp_path / "hr.sqlite"
    con = sqlite3.connect(db)
    con.execute("create table people (person_id, full_name, national_id, updated_at)")
    con.execute(
        "insert into people values ('P1', '张三', ?, '2025-01-05 10:00:00')", (NATIONAL_ID,)
    )
    con.commit()
    con.close()
    monkeypatch.setenv("HR_URL", f"sqlite:///{db}")
    (home / "sources.yml").write_text(
        "contracts_dir: contracts\nsources:\n  hr:\n    kind: sql\n    url_env: HR_URL\n"
        "    entities: [people]\n",
        encoding="utf-8",
    )
    (home / "contracts" / "hr").mkdir(parents=True, exist_ok=True)
    (home / "contracts" / "hr" / "people.yml").write_text(CONTRACT, encoding="utf-8")
    staging = home / "dbt" / "models" / "staging" / "hr"
    staging.mkdir(parents=True, exist_ok=True)
    (staging / "_hr__sources.yml").write_text(SOURCES_YML, encoding="utf-8")
    (staging / "stg_hr__people.sql").write_text(STAGING, encoding="utf-8")
    (staging / "people_check.sql").write_text(CHECK, encoding="utf-8")
    key_text = new_key_text()
    key_file = tmp_path / "keys" / "lake.key"  # outside the home, 0600
    key_file.parent.mkdir()
    key_file.write_text(key_text, encoding="utf-8")
    key_file.chmod(0o600)
    monkeypatch.setenv("YECAI_LAKE_KEY_FILE", str(key_file))
    return Paths(home=home), db, key_text


def _dbt_run(*extra: str):
    return yecai("dbt", "--", "run", "--select", "stg_hr__people", "people_check", *extra)


def test_dbt_staging_reads_the_encrypted_raw_zone(tmp_path, monkeypatch):
    paths, db, key_text = _home(tmp_path, monkeypatch)
    (result,) = ingest(paths)
    assert result.status == "succeeded", result.message
    raw = sorted(paths.raw.glob("hr/people/batch=*/*.parquet"))
    assert raw and all(is_encrypted_parquet(p) for p in raw)

    # a later batch brings a column the contract does not know (drift, kept as text)
    con = sqlite3.connect(db)
    con.execute("alter table people add column nickname")
    con.execute(
        "insert into people values ('P2', '李四', '110101199003071234', "
        "'2025-02-01 09:00:00', 'Si')"
    )
    con.commit()
    con.close()
    (result,) = ingest(paths)
    assert result.status == "succeeded", result.message

    done = _dbt_run()
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-4000:]
    build = duckdb.connect(str(paths.build_db), read_only=True)
    (schema,) = build.execute(
        "select table_schema from information_schema.tables where table_name = 'people_check'"
    ).fetchone()
    people, some_id, nicknamed = build.execute(
        f"select people, some_id, nicknamed from {schema}.people_check"
    ).fetchone()
    assert (people, nicknamed) == (2, 1) and some_id in (NATIONAL_ID, "110101199003071234")
    # the view itself reads nothing on a connection that has no lake key
    with pytest.raises(duckdb.Error, match="No key with name"):
        build.execute(f"select * from {schema}.stg_hr__people").fetchall()
    build.close()

    # the key (as given, and the Parquet key derived from it, as registered) is in no file of
    # the home: not target/, not dbt's logs, not a manifest or batch record
    key = load_key("lake", paths.home, {"YECAI_LAKE_KEY": key_text})
    derived = base64.b64encode(key.derive("parquet")).decode()
    for path in paths.home.rglob("*"):
        if path.is_file() and path.suffix not in (".parquet", ".duckdb"):
            text = path.read_text(encoding="utf-8", errors="replace")
            assert key_text not in text and derived not in text, path


def test_without_the_plugin_dbt_says_what_to_add(tmp_path, monkeypatch):
    paths, _db, _key = _home(tmp_path, monkeypatch)
    (result,) = ingest(paths)
    assert result.status == "succeeded", result.message
    profiles = paths.home / "dbt" / "profiles.yml"
    text = profiles.read_text(encoding="utf-8")
    profiles.write_text(text.split("      # Registers the lake keys")[0], encoding="utf-8")
    done = _dbt_run()
    output = done.stdout + done.stderr
    assert done.returncode != 0
    assert "yecai.privacy.dbt_plugin" in output and "YECAI_LAKE_KEY_FILE" in output
