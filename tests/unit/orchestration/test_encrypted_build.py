"""dbt and the warehouse key: the company profile has an encrypted output, dbt's environment
selects it with a subkey only when a key is set, an older profile is refused rather than
building in clear, and ``yecai dbt --print-env`` prints no subkey."""

from __future__ import annotations

import pytest
import yaml
from typer.testing import CliRunner

from orchestration.cli import app
from orchestration.commands.init_cmd import scaffold_company
from orchestration.defs.transform.dbt_args import dbt_env
from orchestration.defs.transform.encrypted_build import prepare_encrypted_build
from yecai.build_warehouse import DBT_ENCRYPTED_TARGET, DBT_SECRET_ENV, DBT_TARGET_ENV
from yecai.errors import YecaiError
from yecai.privacy.keys import new_key_text
from yecai.settings import REPO_ROOT, Paths

pytestmark = pytest.mark.unit

KEY = new_key_text()


@pytest.fixture
def no_key(monkeypatch):
    for name in ("YECAI_WAREHOUSE_KEY", "YECAI_WAREHOUSE_KEY_FILE"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.replace("_KEY", "_KEY_PREVIOUS"), raising=False)
    return monkeypatch


@pytest.mark.parametrize("where", ["yecai/scaffold/company", "demo/company"])
def test_the_company_profile_builds_plain_or_encrypted_by_the_target_variable(where):
    profile = yaml.safe_load((REPO_ROOT / where / "dbt" / "profiles.yml").read_text())["yecai"]
    assert profile["target"] == "{{ env_var('YECAI_DBT_TARGET', 'build') }}"
    plain, encrypted = profile["outputs"]["build"], profile["outputs"][DBT_ENCRYPTED_TARGET]
    assert "YECAI_WAREHOUSE_PATH" in plain["path"] and "attach" not in plain
    assert (encrypted["path"], encrypted["database"]) == (":memory:", "build")
    (attached,) = encrypted["attach"]
    assert attached["alias"] == "build" and attached["path"] == plain["path"]
    assert DBT_SECRET_ENV in attached["options"]["encryption_key"]
    # SQL naming no database (the product's incremental state) writes into the file
    assert encrypted["settings"]["search_path"] == "build.main"


def test_dbt_gets_the_encrypted_target_and_a_subkey_only_with_a_key(tmp_path, no_key):
    paths = Paths(home=tmp_path)
    assert DBT_TARGET_ENV not in dbt_env(paths) and DBT_SECRET_ENV not in dbt_env(paths)
    no_key.setenv("YECAI_WAREHOUSE_KEY", KEY)
    env = dbt_env(paths)
    assert env[DBT_TARGET_ENV] == DBT_ENCRYPTED_TARGET
    assert len(env[DBT_SECRET_ENV]) == 64 and KEY not in env.values()


def test_a_profile_without_the_encrypted_output_is_refused_when_a_key_is_set(tmp_path, no_key):
    paths = Paths(home=tmp_path)
    paths.dbt_project.mkdir(parents=True)
    (paths.dbt_project / "profiles.yml").write_text(
        "yecai:\n  target: build\n  outputs:\n    build:\n      type: duckdb\n"
        "      path: \"{{ env_var('YECAI_WAREHOUSE_PATH') }}\"\n"
    )
    assert prepare_encrypted_build(paths) is None  # no key: as before
    no_key.setenv("YECAI_WAREHOUSE_KEY", KEY)
    with pytest.raises(YecaiError, match="no encrypted output") as raised:
        prepare_encrypted_build(paths)
    assert DBT_ENCRYPTED_TARGET in raised.value.fix


def test_print_env_prints_no_subkey(tmp_path, no_key):
    home = tmp_path / "home"
    scaffold_company(home)
    no_key.setenv("YECAI_HOME", str(home))
    no_key.setenv("YECAI_WAREHOUSE_KEY", KEY)
    secret = dbt_env(Paths(home=home.resolve()))[DBT_SECRET_ENV]
    result = CliRunner().invoke(app, ["dbt", "--print-env"])
    assert result.exit_code == 0, result.output
    assert f"export {DBT_TARGET_ENV}={DBT_ENCRYPTED_TARGET}" in result.output
    assert secret not in result.output and f"# {DBT_SECRET_ENV} is not printed" in result.output
