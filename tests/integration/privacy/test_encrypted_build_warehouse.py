"""The build warehouse encrypted end to end, on a small company project and the real profile.

A dbt project laid out as a company's (``<home>/dbt``, the profile ``yecai init`` writes) is
built first without a key: a plain warehouse, as before. Then a warehouse key is set, as an
operator would later: the next build re-writes the plain file encrypted under the key
(``prepare_encrypted_build``) and dbt builds into it through the profile's encrypted output.
Then the file is read by everything that reads it: the GX runner (a check fails on the bad
table and passes on the good one), publish (audit, checkpoint, the lake writer) and the
published lake's reader. Without the key it does not open, with a clear error; and neither
the key nor dbt's subkey is in any file of the home or in dbt's output.
"""

from __future__ import annotations

import os
import shutil
import subprocess

import duckdb
import pytest

from orchestration.commands.dbt_cmd import dbt_command
from orchestration.defs.transform.dbt_args import dbt_env
from orchestration.defs.transform.encrypted_build import prepare_encrypted_build
from quality.checks import Asset, Check, Dimension, Layer, Severity
from quality.publish import audit_and_publish
from quality.runner import run_checks
from yecai import build_warehouse, published
from yecai.errors import YecaiError
from yecai.privacy.encryption import database_secret, is_encrypted_database
from yecai.privacy.keys import load_key, new_key_text
from yecai.settings import REPO_ROOT, Paths

pytestmark = pytest.mark.integration

PLANTED = "120101199903156726"
MALFORMED = "12010119990315672"  # one digit short
ID_SHAPE = r"^[0-9]{17}[0-9X]$"

# The pre-hook writes a table naming no database, in the model's transaction, as the product's
# incremental macros do (increment_state_table): it must land in the warehouse file.
PEOPLE = """{{{{ config(materialized='table', schema='master', pre_hook=[{hook}]) }}}}
select * from (values ('H00037', '{good}'), ('H00038', '{second}')) as t(employee_id, national_id)
"""

STATE_HOOK = """
    "create schema if not exists incremental_state",
    "create or replace table incremental_state.{{ this.identifier }}__seen as select 1 as n",
"""


def _project(home):
    project = home / "dbt"
    (project / "models").mkdir(parents=True)
    (project / "macros").mkdir()
    (project / "dbt_project.yml").write_text(
        "name: company\nversion: '1.0'\nconfig-version: 2\nprofile: yecai\n"
    )
    shutil.copy(REPO_ROOT / "yecai/scaffold/company/dbt/profiles.yml", project / "profiles.yml")
    (project / "macros" / "schema.sql").write_text(
        "{% macro generate_schema_name(custom, node) %}"
        "{{ custom if custom else target.schema }}{% endmacro %}"
    )
    models = project / "models"
    (models / "people_good.sql").write_text(
        PEOPLE.format(good=PLANTED, second="11010519491231002X", hook=STATE_HOOK)
    )
    (models / "people_bad.sql").write_text(PEOPLE.format(good=PLANTED, second=MALFORMED, hook=""))
    # what the profile set on dbt's DuckDB, as the models see it
    (models / "duckdb_settings.sql").write_text(
        "{{ config(materialized='table', schema='master') }} select "
        "current_setting('memory_limit') as memory_limit, "
        "current_setting('temp_directory') as temp_directory, "
        "current_setting('temp_file_encryption') as temp_file_encryption, "
        "current_setting('preserve_insertion_order') as preserve_insertion_order"
    )
    # a view: it names the catalog it was built under, which readers must attach as `build`
    (models / "people_view.sql").write_text(
        "{{ config(materialized='view', schema='master') }} select * from {{ ref('people_good') }}"
    )


def _dbt(paths: Paths) -> subprocess.CompletedProcess:
    prepared = prepare_encrypted_build(paths)
    env = {**os.environ, **dbt_env(paths), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    done = subprocess.run(
        dbt_command(paths, ["build", "--log-level", "debug"]),
        cwd=paths.dbt_project,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-3000:]
    done.prepared = prepared
    return done


def _check(asset: str) -> Check:
    return Check(
        asset, "national_id_shape", "regex", Dimension.VALIDITY, "hr", "hr",
        Severity.BLOCKING, "a resident ID has 17 digits and a check character",
        column="national_id", args={"regex": ID_SHAPE},
    )  # fmt: skip


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    home = tmp_path_factory.mktemp("encrypted-home")
    paths = Paths(home=home)
    paths.warehouse.mkdir(parents=True)
    _project(home)
    key_text = new_key_text()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("YECAI_HOME", str(home))
        for name in ("YECAI_WAREHOUSE_KEY", "YECAI_WAREHOUSE_KEY_FILE", "YECAI_TOKEN_KEY"):
            mp.delenv(name, raising=False)
        mp.delenv("YECAI_WAREHOUSE_KEY_PREVIOUS", raising=False)
        mp.setenv("YECAI_DBT_MEMORY_LIMIT", "300MB")  # not the default: the value must flow
        # no thread count of the operator's (an in-process Dagster run of another test leaves
        # the one dbt_env chose in the environment)
        mp.delenv("YECAI_DBT_THREADS", raising=False)
        first = _dbt(paths)  # no key yet: plain, as before
        assert first.prepared is None and not is_encrypted_database(paths.build_db)
        with duckdb.connect(str(paths.build_db), read_only=True) as plain:
            plain_settings = plain.sql("select * from master.duckdb_settings").fetchone()
        mp.setenv("YECAI_WAREHOUSE_KEY", key_text)
        second = _dbt(paths)
        key = load_key("warehouse", home)
        assets = [
            Asset(
                f"master.{t}", Layer.CANONICAL, f"select * from master.{t}", keys=("employee_id",)
            )
            for t in ("people_good", "people_bad")
        ]
        results = run_checks(paths, Layer.CANONICAL, assets, [_check(a.name) for a in assets])
        outcome = audit_and_publish(paths, "encrypted-run", force_reason="test: partial suites")
        with published.connect(paths) as con:
            lake_rows = con.sql("select national_id from master.people_good order by 1").fetchall()
        with build_warehouse.connect(paths.build_db, home=home) as con:
            encrypted_settings = con.sql("select * from master.duckdb_settings").fetchone()
        yield {
            "paths": paths,
            "key_text": key_text,
            "secret": database_secret(key),
            "dbt_output": first.stdout + first.stderr + second.stdout + second.stderr,
            "prepared": second.prepared,
            "results": {r.asset: r for r in results},
            "outcome": outcome,
            "lake_rows": lake_rows,
            "settings": {"plain": plain_settings, "encrypted": encrypted_settings},
        }


def test_a_plain_warehouse_is_encrypted_by_the_next_build_once_a_key_is_set(built):
    paths = built["paths"]
    assert built["prepared"].startswith("build.duckdb was plain; re-written encrypted with")
    assert is_encrypted_database(paths.build_db)
    assert PLANTED.encode() not in paths.build_db.read_bytes()
    with build_warehouse.connect(paths.build_db, home=paths.home) as con:
        assert con.sql("select count(*) from master.people_view").fetchone() == (2,)
        state = con.sql("select n from incremental_state.people_good__seen").fetchall()
        assert state == [(1,)]


def test_dbt_duckdb_is_capped_and_spills_beside_the_warehouse_encrypted_when_it_is(built):
    spill = str(built["paths"].build_db) + ".tmp"
    # 300MB (YECAI_DBT_MEMORY_LIMIT) as DuckDB shows it; its default would be 80 % of the RAM
    assert built["settings"]["plain"] == ("286.1 MiB", spill, False, False)
    # the encrypted output is an in-memory database, whose own default spill is the cwd's .tmp
    assert built["settings"]["encrypted"] == ("286.1 MiB", spill, True, False)
    # under the operator's cap dbt builds one model at a time, in both outputs (2 by default)
    assert built["dbt_output"].count("Concurrency: 1 threads") == 2


def test_without_the_key_the_warehouse_does_not_open_and_says_what_to_set(built):
    paths = built["paths"]
    with pytest.raises(YecaiError, match="is encrypted and no warehouse key is set") as raised:
        build_warehouse.connect(paths.build_db, home=paths.home, env={})
    assert "YECAI_WAREHOUSE_KEY" in raised.value.fix
    with pytest.raises(duckdb.Error, match="without a key"):
        duckdb.connect(str(paths.build_db), read_only=True)


def test_gx_checks_the_encrypted_warehouse_fail_on_bad_data_and_pass_on_good(built):
    good, bad = built["results"]["master.people_good"], built["results"]["master.people_bad"]
    assert good.success and good.error is None, good.summary()
    assert not bad.success and bad.error is None, bad.summary()
    assert bad.unexpected_count == 1
    assert [k["employee_id"] for k in bad.failing_keys] == ["H00038"]


def test_publish_reads_the_encrypted_warehouse_into_the_lake(built):
    outcome = built["outcome"]
    assert outcome.published, outcome
    assert built["lake_rows"] == [("11010519491231002X",), (PLANTED,)]


def test_neither_the_key_nor_the_subkey_is_in_any_file_or_in_dbt_output(built):
    paths, secret, key_text = built["paths"], built["secret"], built["key_text"]
    assert secret not in built["dbt_output"] and key_text not in built["dbt_output"]
    leaked = [
        str(p.relative_to(paths.home))
        for p in paths.home.rglob("*")
        if p.is_file()
        and (secret.encode() in p.read_bytes() or key_text.encode() in p.read_bytes())
    ]
    assert leaked == []
    scanned = {p.relative_to(paths.home).parts[0] for p in paths.home.rglob("*") if p.is_file()}
    assert {"dbt", "warehouse", "quality"} <= scanned  # dbt's target and logs, GX, the lake
