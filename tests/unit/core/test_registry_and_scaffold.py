"""The source registry dbt reads, the standard interface document, and `yecai init`'s scaffold."""

from __future__ import annotations

import json
import shutil

import pytest
import yaml
from typer.testing import CliRunner

from demo.install import COMPANY_DIR, install_company
from orchestration.cli import app
from orchestration.commands.init_cmd import SCAFFOLD
from yecai.config import parse_company
from yecai.config.registry import build_registry, interface_documents, registry_json
from yecai.errors import YecaiError
from yecai.interface import DOC_FILE, render
from yecai.settings import Paths

pytestmark = pytest.mark.unit


def company(text: str):
    return parse_company(yaml.safe_load(text), "sources.yml")


def conforming(project, source: str, *documents: str) -> None:
    folder = project / "models" / "staging" / source
    folder.mkdir(parents=True, exist_ok=True)
    for document in documents:
        (folder / f"stg_{source}__{document}.sql").write_text("select 1")


SHOP = (
    "sources:\n  shop:\n    kind: sql\n    url_env: X\n    books: derived\n"
    "    legal_entities: [E09]\n    entities: [orders]\n"
)


def test_the_documents_a_source_supplies_are_found_from_its_conforming_models(tmp_path):
    conforming(tmp_path, "shop", "customer_invoice", "party")
    # a staging model of a raw entity is no conforming model
    (tmp_path / "models" / "staging" / "shop" / "stg_shop__orders.sql").write_text("select 1")
    registry = build_registry(company(SHOP), tmp_path, "sources.yml")
    assert registry["sources"]["shop"] == {
        "kind": "sql",
        "books": "derived",
        "legal_entities": ["E09"],
        "documents": ["customer_invoice", "party"],
    }
    assert registry["documents"] == {"customer_invoice": ["shop"], "party": ["shop"]}


@pytest.mark.parametrize(
    "declared, models, message",
    [
        (
            "[party, customer_invoice]",
            ["party"],
            "lists customer_invoice, but there is no model stg_shop__customer_invoice",
        ),
        (
            "[party]",
            ["party", "delivery"],
            "leaves out delivery, but model stg_shop__delivery conforms",
        ),
        (
            "[partys]",
            [],
            "'partys' is no document of the standard interface (did you mean 'party'?)",
        ),
    ],
)
def test_declared_documents_and_conforming_models_must_agree(tmp_path, declared, models, message):
    conforming(tmp_path, "shop", *models)
    with pytest.raises(YecaiError) as exc:
        build_registry(company(SHOP + f"    documents: {declared}\n"), tmp_path, "sources.yml")
    assert message in exc.value.what


def test_a_conforming_model_of_an_unregistered_source_is_named(tmp_path):
    conforming(tmp_path, "ghost", "party")
    with pytest.raises(YecaiError) as exc:
        build_registry(company(SHOP), tmp_path, "sources.yml")
    assert "stg_ghost__party.sql" in exc.value.what and "source 'ghost'" in exc.value.what


def test_the_demo_company_registry_says_who_keeps_books_and_supplies_what(tmp_path):
    install_company(tmp_path)
    registry = json.loads(registry_json(Paths(home=tmp_path)))
    assert {n: s["books"] for n, s in registry["sources"].items()} == {
        "crm": "none",
        "erp": "ledger",
        "erp2": "ledger",
        "hr": "none",
    }
    assert registry["documents"]["journal_line"] == ["erp", "erp2"]
    assert registry["documents"]["payroll"] == ["hr"]
    assert set(registry["documents"]) == set(interface_documents())


def test_the_interface_document_is_generated_from_the_contracts():
    assert DOC_FILE.read_text(encoding="utf-8") == render(), (
        "docs/standard-interface.md is stale: run `uv run python -m yecai.interface`"
    )


def test_yecai_init_writes_a_configuration_that_validates_and_explains_itself(
    tmp_path, monkeypatch
):
    target = tmp_path / "acme"
    result = CliRunner().invoke(app, ["init", str(target)])
    assert result.exit_code == 0, result.output
    assert "export YECAI_HOME=" in result.output and "docs/onboarding.md" in result.output
    for part in (
        "sources.yml",
        "README.md",
        "contracts",
        "dbt/dbt_project.yml",
        "dbt/packages.yml",
    ):
        assert (target / part).exists(), part
    monkeypatch.setenv("YECAI_HOME", str(target))
    check = CliRunner().invoke(app, ["config", "check"])
    assert check.exit_code == 0, check.output
    again = CliRunner().invoke(app, ["init", str(target)])
    assert again.exit_code != 0 and "already holds a company configuration" in str(again.exception)


def test_the_demo_company_is_laid_out_as_init_lays_out_any_company():
    """Same generic files, same seeds with the same columns: the demo is one configuration."""
    for name in (
        "dbt/packages.yml",
        "dbt/profiles.yml",
        "dbt/macros/generate_schema_name.sql",
        "dbt/seeds/_seeds.yml",
    ):
        assert (COMPANY_DIR / name).read_text() == (SCAFFOLD / name).read_text(), name
    demo_seeds = {
        p.name: p.read_text().splitlines()[0] for p in (COMPANY_DIR / "dbt" / "seeds").glob("*.csv")
    }
    scaffold_seeds = {
        p.name: p.read_text().strip() for p in (SCAFFOLD / "dbt" / "seeds").glob("*.csv")
    }
    assert demo_seeds == scaffold_seeds
    demo_project = yaml.safe_load((COMPANY_DIR / "dbt" / "dbt_project.yml").read_text())
    scaffold_project = yaml.safe_load((SCAFFOLD / "dbt" / "dbt_project.yml").read_text())
    for key in ("name", "profile", "flags", "models", "seeds"):
        assert demo_project[key] == scaffold_project[key], key


def test_installing_the_demo_keeps_dbt_state_and_refuses_a_password_url(tmp_path):
    install_company(tmp_path)
    (tmp_path / "dbt" / "target").mkdir()
    (tmp_path / "dbt" / "target" / "manifest.json").write_text("{}")
    install_company(tmp_path, erp_url="postgresql://postgres@127.0.0.1:5432/erp")
    assert (tmp_path / "dbt" / "target" / "manifest.json").exists()
    data = yaml.safe_load((tmp_path / "sources.yml").read_text())
    assert data["sources"]["erp"]["url"] == "postgresql://postgres@127.0.0.1:5432/erp"
    from demo.errors import DemoError

    with pytest.raises(DemoError):
        install_company(tmp_path, erp_url="postgresql://postgres:secret@127.0.0.1/erp")
    shutil.rmtree(tmp_path / "dbt")
