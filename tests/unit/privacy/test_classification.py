"""Tags as data: every contract column that looks sensitive carries a classification; model
YAML tags are read from ``meta`` (and dbt ≥ 1.10's ``config.meta``); the lineage rule finds a
model column named like a tagged upstream column that has no tag."""

import json
from pathlib import Path

import pytest

from yecai.errors import YecaiError
from yecai.privacy.classification import (
    ManifestLineage,
    RelationTags,
    effective_classes,
    propagation_gaps,
    read_contract_tags,
    read_contracts,
    read_manifest,
    read_model_yaml_tags,
    untagged_findings,
    with_contract_tags,
)
from yecai.settings import REPO_ROOT

pytestmark = pytest.mark.unit


def contract_roots() -> list[Path]:
    """Where contracts live: the product's folder today, the company's folder after the
    configuration moves (whichever exist)."""
    candidates = [
        REPO_ROOT / "ingestion" / "contracts",
        REPO_ROOT / "demo" / "company" / "contracts",
    ]
    return [p for p in candidates if p.is_dir()]


def test_every_sensitive_looking_contract_column_is_tagged():
    contracts = read_contracts(contract_roots())
    assert len(contracts) >= 40
    findings = [str(f) for c in contracts for f in untagged_findings(c)]
    assert findings == [], "\n".join(findings)


def test_the_hr_contracts_tag_what_the_issue_names():
    by_name = {c.relation: c for c in read_contracts(contract_roots())}
    employees = by_name["raw.hr.employees"].tags
    assert {
        employees[c] for c in ("national_id", "bank_account", "phone", "email", "birth_date")
    } == {
        "national_id",
        "bank_account",
        "phone",
        "email",
        "birth_date",
    }
    payroll = by_name["raw.hr.payroll"].tags
    assert payroll["base_salary"] == payroll["net_pay"] == "salary"
    assert "currency" not in payroll and "period" not in payroll


def test_an_unknown_tag_is_an_error_naming_file_and_column(tmp_path):
    path = tmp_path / "hr" / "people.yml"
    path.parent.mkdir()
    path.write_text("columns:\n  - {name: nid, type: varchar, classification: nationalid}\n")
    with pytest.raises(YecaiError, match=r"people\.yml, column 'nid'.*unknown classification"):
        read_contract_tags(path)


def test_none_is_a_reviewed_exemption(tmp_path):
    path = tmp_path / "erp" / "warehouses.yml"
    path.parent.mkdir()
    path.write_text(
        "columns:\n"
        "  - {name: street, type: varchar, classification: none}\n"
        "  - {name: phone, type: varchar}\n"
    )
    rel = read_contract_tags(path)
    assert [(f.column, f.suggested) for f in untagged_findings(rel)] == [("phone", "phone")]
    assert effective_classes(rel.columns, rel.tags) == {"phone": "phone"}


def test_content_samples_find_an_innocently_named_column():
    rel = RelationTags("raw.erp.x", ("ref", "memo"), {})
    samples = {"ref": ["110105194912310029", "11010519491231002X"], "memo": ["paid", "due"]}
    assert [(f.column, f.suggested) for f in untagged_findings(rel, samples)] == [
        ("ref", "national_id")
    ]


def test_model_yaml_tags_from_meta_and_config_meta(tmp_path):
    (tmp_path / "m.yml").write_text(
        "models:\n"
        "  - name: employee\n"
        "    columns:\n"
        "      - name: national_id\n"
        "        meta: {classification: national_id}\n"
        "      - name: email\n"
        "        config: {meta: {classification: email}}\n"
        "      - name: hire_date\n"
    )
    tags = read_model_yaml_tags(tmp_path)["employee"]
    assert tags.tags == {"national_id": "national_id", "email": "email"}
    assert tags.columns == ("national_id", "email", "hire_date")


def test_effective_classes_fail_closed():
    upstream = {"gross_pay": "salary"}
    got = effective_classes(
        ["employee_key", "national_id", "gross_pay", "headcount", "payroll_total"],
        {"payroll_total": "none"},
        upstream,
    )
    assert got == {"national_id": "national_id", "gross_pay": "salary"}


def _manifest(tmp_path, nodes: dict, sources: dict) -> Path:
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps({"nodes": nodes, "sources": sources}))
    return path


def test_propagation_through_two_models(tmp_path):
    sources = {
        "source.p.hr.employees": {
            "resource_type": "source",
            "source_name": "hr",
            "name": "employees",
            "columns": {},
        }
    }
    nodes = {
        "model.p.stg": {
            "resource_type": "model",
            "schema": "staging",
            "name": "stg",
            "columns": {
                "national_id": {"meta": {"classification": "national_id"}},
                "gross_pay": {},
            },
            "depends_on": {"nodes": ["source.p.hr.employees"]},
        },
        "model.p.mart": {
            "resource_type": "model",
            "schema": "finance",
            "name": "mart",
            "columns": {"national_id": {}, "gross_pay": {}, "department": {}},
            "depends_on": {"nodes": ["model.p.stg"]},
        },
    }
    contract = RelationTags(
        "raw.hr.employees", ("national_id", "gross_pay"), {"gross_pay": "salary"}
    )
    lineage = with_contract_tags(read_manifest(_manifest(tmp_path, nodes, sources)), [contract])
    gaps = {(g.relation, g.column, g.suggested) for g in propagation_gaps(lineage)}
    assert gaps == {
        ("staging.stg", "gross_pay", "salary"),
        ("finance.mart", "national_id", "national_id"),
        ("finance.mart", "gross_pay", "salary"),
    }


@pytest.mark.integration
def test_the_real_project_propagation_check_sees_the_employee_model(tmp_path, monkeypatch):
    """canonical.employee.national_id comes from the tagged HR contract: until its model YAML
    tags it (phase 2), the lineage rule must name it. The manifest is the demo company's
    project (the product package inside it), parsed the way the pipeline parses it."""
    from demo.install import install_company
    from tests.transform.dbt_helpers import run_dbt

    install_company(tmp_path)
    monkeypatch.setenv("YECAI_HOME", str(tmp_path))
    run_dbt(tmp_path, tmp_path / "parse.duckdb", "parse")
    manifest = tmp_path / "dbt_target_parse" / "manifest.json"
    assert manifest.is_file()
    lineage = with_contract_tags(read_manifest(manifest), read_contracts(contract_roots()))
    assert isinstance(lineage, ManifestLineage)
    employee = next(u for u, n in lineage.names.items() if n == "canonical.employee")
    tagged = lineage.relations[employee].tags.get("national_id")
    gaps = {(g.relation, g.column) for g in propagation_gaps(lineage)}
    assert tagged == "national_id" or ("canonical.employee", "national_id") in gaps
    assert all(g.suggested for g in propagation_gaps(lineage))
