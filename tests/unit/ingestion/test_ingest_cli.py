"""`yecai ingest`: summary table, exit code, and errors a user can act on."""

from __future__ import annotations

import sqlite3

import pytest
from typer.testing import CliRunner

from orchestration.cli import app

pytestmark = pytest.mark.unit

CONTRACT = """
primary_key: [id]
cursor: updated_at
columns:
  - {name: id, type: varchar, nullable: false}
  - {name: amount, type: "decimal(18,2)"}
  - {name: updated_at, type: timestamp}
"""


@pytest.fixture
def home(tmp_path, monkeypatch):
    home = tmp_path / "home"
    (home / "contracts" / "shop").mkdir(parents=True)
    (home / "contracts" / "shop" / "items.yml").write_text(CONTRACT)
    (home / "contracts" / "shop" / "gone.yml").write_text(CONTRACT)
    db = tmp_path / "shop.sqlite"
    con = sqlite3.connect(db)
    con.execute("create table items (id text, amount text, updated_at text)")
    con.execute("insert into items values ('A', '1.50', '2025-01-01 00:00:00'), ('B', 'x', null)")
    con.commit()
    con.close()
    (home / "sources.yml").write_text(
        "contracts_dir: contracts\nsources:\n  shop:\n    kind: sql\n    url_env: SHOP_URL\n"
    )
    monkeypatch.setenv("YECAI_HOME", str(home))
    monkeypatch.setenv("SHOP_URL", f"sqlite:///{db}")
    monkeypatch.setenv("COLUMNS", "200")
    return home


def test_summary_table_and_exit_code_1_when_a_batch_failed(home):
    result = CliRunner().invoke(app, ["ingest"])
    assert result.exit_code == 1, result.output
    assert "ingest summary" in result.output
    line = next(x for x in result.output.splitlines() if "items" in x and "succeeded" in x)
    cells = [c.strip() for c in line.split("│")]
    assert cells[3:7] == ["succeeded", "2", "1", "1"]  # read = landed + quarantined
    assert "failed shop.gone: source 'shop': table 'gone' not found" in " ".join(
        result.output.split()
    )


def test_one_entity_succeeds_with_exit_code_0(home):
    result = CliRunner().invoke(app, ["ingest", "--source", "shop", "--entity", "items"])
    assert result.exit_code == 0, result.output
    again = CliRunner().invoke(app, ["ingest", "-s", "shop", "-e", "items"])
    assert again.exit_code == 0 and "no_change" in again.output


def test_unknown_source_is_a_clear_error(home):
    result = CliRunner().invoke(app, ["ingest", "--source", "nope"])
    assert result.exit_code != 0
    assert "unknown source 'nope'" in str(result.exception)
