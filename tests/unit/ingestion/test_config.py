"""sources.yml, the demo default, and the entity catalog other stages build assets from."""

from __future__ import annotations

import pytest

from ingestion.catalog import list_entities
from ingestion.config import load_config
from yecai.errors import YecaiError
from yecai.settings import Paths

pytestmark = pytest.mark.unit


def test_without_sources_yml_the_demo_company_is_extracted(tmp_path, monkeypatch):
    monkeypatch.delenv("YECAI_ERP_URL", raising=False)
    paths = Paths(home=tmp_path)
    pairs = list_entities(paths)
    by_source = {s: [e for s2, e in pairs if s2 == s] for s, _ in pairs}
    assert list(by_source) == ["erp", "erp2", "crm", "hr"]
    assert "journal_lines" in by_source["erp"] and "gl_entries" in by_source["erp2"]
    assert by_source["hr"] == ["employees", "org_units", "payroll"]
    config = load_config(paths)
    assert config["erp"].url() == f"sqlite:///{paths.demo / 'erp.sqlite'}"
    monkeypatch.setenv("YECAI_ERP_URL", "postgresql://postgres@127.0.0.1/erp")
    assert config["erp"].url() == "postgresql://postgres@127.0.0.1/erp"
    assert config["crm"].token() == "demo-token"
    assert config["hr"].path == paths.hr_drop


def test_sources_yml_lists_only_what_it_names(tmp_path):
    (tmp_path / "sources.yml").write_text(
        "sources:\n  erp:\n    kind: sql\n    url_env: MY_ERP\n"
        "    entities:\n      customers: {table: KUNDEN}\n      vendors: {}\n"
    )
    paths = Paths(home=tmp_path)
    assert list_entities(paths) == [("erp", "customers"), ("erp", "vendors")]
    assert load_config(paths)["erp"].entities["customers"].target == "KUNDEN"


@pytest.mark.parametrize(
    "text, problem",
    [
        ("sources:\n  erp:\n    kind: sql\n    url: postgresql://u:secret@h/db\n", "url_env"),
        ("sources:\n  erp:\n    kind: ftp\n    url_env: X\n", "kind"),
        ("nothing: here\n", "sources:"),
        ("sources:\n  erp:\n    kind: sql\n", "url_env"),
    ],
)
def test_bad_sources_yml_says_what_to_do(tmp_path, text, problem):
    (tmp_path / "sources.yml").write_text(text)
    with pytest.raises(YecaiError) as exc:
        load_config(Paths(home=tmp_path))
    assert "sources.yml" in exc.value.what
    assert problem in exc.value.what + (exc.value.fix or "")


def test_missing_connection_variable_names_the_variable(tmp_path, monkeypatch):
    monkeypatch.delenv("MY_ERP", raising=False)
    (tmp_path / "sources.yml").write_text(
        "sources:\n  erp:\n    kind: sql\n    url_env: MY_ERP\n    entities: [customers]\n"
    )
    with pytest.raises(YecaiError) as exc:
        load_config(Paths(home=tmp_path))["erp"].url()
    assert "MY_ERP" in exc.value.what and "export MY_ERP" in exc.value.fix
