"""`yecai info --json` is a public interface: scripts read these keys. YECAI_HOME moves everything."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from orchestration.cli import app
from yecai.settings import get_paths

pytestmark = pytest.mark.unit

PUBLIC_KEYS = {
    "home",
    "raw_zone",
    "warehouse",
    "published_warehouse",
    "published_catalog",
    "published_data",
    "versions",
    "reports",
}


def test_yecai_home_moves_every_path(tmp_path, monkeypatch):
    monkeypatch.setenv("YECAI_HOME", str(tmp_path / "elsewhere"))
    paths = get_paths().as_dict()
    home = str(tmp_path / "elsewhere")
    assert paths["home"] == home
    # Only the product's dbt package stays where yecai is installed; the company's dbt project,
    # contracts and sources.yml move with the home.
    moved = {k: v for k, v in paths.items() if k != "dbt_package"}
    assert all(v.startswith(home) for v in moved.values()), moved
    assert paths["dbt_project"] == f"{home}/dbt" and paths["contracts"] == f"{home}/contracts"


def test_default_home_is_dot_yecai_under_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.delenv("YECAI_HOME", raising=False)
    monkeypatch.chdir(tmp_path)
    assert get_paths().home == (tmp_path / ".yecai").resolve()


def test_info_json_prints_the_public_keys(tmp_path, monkeypatch):
    monkeypatch.setenv("YECAI_HOME", str(tmp_path))
    result = CliRunner().invoke(app, ["info", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data.keys() >= PUBLIC_KEYS
    assert data["published_warehouse"] != data["warehouse"]
    assert data["raw_zone"].startswith(str(tmp_path))


def test_info_json_names_a_postgresql_catalog_without_its_password(tmp_path, monkeypatch):
    monkeypatch.setenv("YECAI_HOME", str(tmp_path))
    monkeypatch.setenv("YECAI_LAKE_CATALOG_URL", "postgresql://lake:s3cret@db.example:5432/lake")
    result = CliRunner().invoke(app, ["info", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["published_catalog"] == "postgresql://lake:***@db.example:5432/lake"
    assert data["published_warehouse"] == data["published_catalog"]
    assert "s3cret" not in result.output
    assert data["published_data"].startswith(str(tmp_path))


def test_every_command_has_help_text():
    """Walk the command tree: every command and group answers --help with a description."""
    import typer.main

    root = typer.main.get_command(app)

    def walk(cmd, prefix):
        yield prefix, cmd
        for name, sub in getattr(cmd, "commands", {}).items():
            yield from walk(sub, [*prefix, name])

    missing = [" ".join(p) for p, cmd in walk(root, []) if p and not (cmd.help or "").strip()]
    assert not missing, f"commands without help text: {missing}"


def test_yecai_error_is_a_message_not_a_stack_trace(tmp_path):
    """A YecaiError raised inside a command reaches the user as 'error:' + 'what to do:', exit 2."""
    code = (
        "import typer\n"
        "from orchestration import cli\n"
        "from yecai.errors import YecaiError\n"
        "@cli.app.command('boom')\n"
        "def boom():\n"
        "    '''fails on purpose'''\n"
        "    raise YecaiError('table x is missing', 'run yecai ingest first')\n"
        "import sys; sys.argv = ['yecai', 'boom']\n"
        "cli.main()\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 2
    assert "table x is missing" in proc.stderr
    assert "run yecai ingest first" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_info_names_the_encrypted_catalog_of_a_lake_created_under_a_publish_key(
    tmp_path, monkeypatch
):
    from orchestration.commands.info_cmd import info_paths
    from yecai.privacy.keys import new_key_text
    from yecai.settings import Paths

    monkeypatch.delenv("YECAI_LAKE_CATALOG_URL", raising=False)
    monkeypatch.setenv("YECAI_PUBLISH_KEY", new_key_text())
    data = info_paths(Paths(home=tmp_path))
    assert data["published_catalog"] == str(tmp_path / "warehouse" / "published.ducklake")
    assert data["versions"] == data["published_warehouse"] == data["published_catalog"]
