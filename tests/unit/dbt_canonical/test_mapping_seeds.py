"""The mapping seeds the governance team edits, checked against the demo's own charts and codes.

Ground truth is the demo's definition of its source systems (demo/erp/charts.py, the erp2 chart,
the ERP's material groups, the World's org units), never the dbt models. Pure file reads.
"""

from __future__ import annotations

import csv

import pytest

from demo.erp import charts
from demo.erp.generate import LATE_MATERIAL_GROUP, MATERIAL_GROUP
from demo.erp2 import generate as erp2
from demo.install import COMPANY_DIR
from demo.world import build_world
from yecai.settings import DBT_PACKAGE_DIR

pytestmark = pytest.mark.unit

# The group chart and posting rules are the product's; the mappings are the demo company's.
SEED_FOLDERS = (
    DBT_PACKAGE_DIR / "seeds",
    DBT_PACKAGE_DIR / "seeds" / "finance",
    COMPANY_DIR / "dbt" / "seeds",
)


def read_seed(name: str) -> list[dict[str, str]]:
    path = next(f / f"{name}.csv" for f in SEED_FOLDERS if (f / f"{name}.csv").is_file())
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def group_chart() -> dict[str, dict[str, str]]:
    return {row["account_code"]: row for row in read_seed("group_chart_of_accounts")}


def account_map() -> dict[tuple[str, str, str], str]:
    return {
        (r["source_system"], r["source_company_code"], r["local_account_code"]): r[
            "group_account_code"
        ]
        for r in read_seed("account_mapping")
    }


def test_every_postable_local_account_maps_to_a_postable_group_account() -> None:
    chart, mapping = group_chart(), account_map()
    local = [
        ("erp", company, acc.account_no)
        for company, accounts in charts.CHARTS.items()
        for acc in accounts
        if acc.postable
    ]
    local += [("erp2", "SG01", code) for code, _, _ in erp2.ACCOUNTS]
    assert len(local) > 100
    for key in local:
        assert key in mapping, f"{key} has no group account"
        assert chart[mapping[key]]["is_postable"] == "true", (
            f"{key} maps to summary account {mapping[key]}"
        )


def test_the_accounts_opened_mid_year_stay_unmapped_so_they_surface_as_exceptions() -> None:
    mapping = account_map()
    late = [("erp", company, acc.account_no) for company, acc in charts.LATE_ACCOUNTS.items()]
    late.append(("erp2", "SG01", erp2.LATE_ACCOUNT[0]))
    assert not [key for key in late if key in mapping]


def test_mapped_accounts_keep_their_class_revenue_to_revenue_and_assets_to_assets() -> None:
    chart, mapping = group_chart(), account_map()
    expected_class = {
        "ASSET": {"asset"},
        "LIABILITY": {"liability"},
        "EQUITY": {"equity"},
        "REVENUE": {"profit_and_loss"},
        "EXPENSE": {"profit_and_loss"},
        "COST": {"cost"},
    }
    for company, accounts in charts.CHARTS.items():
        for acc in accounts:
            group = chart[mapping[("erp", company, acc.account_no)]]
            assert group["account_class"] in expected_class[acc.account_type], (company, acc)
            assert group["normal_balance"] == {"D": "debit", "C": "credit"}[acc.side], (
                company,
                acc,
            )


def test_the_posting_roles_land_on_the_cas_accounts_finance_expects() -> None:
    mapping = account_map()
    expected = {
        "ar": "1122",
        "ap": "220201",
        "grir": "220202",
        "input_vat": "222101",
        "output_vat": "222102",
        "cogs": "6401",
        "inventory": "1405",
        "revenue_goods": "600101",
        "bank": "100201",
        "payroll_payable": "221101",
    }
    for company in charts.CHARTS:
        for role, group in expected.items():
            assert mapping[("erp", company, charts.account_for(company, role))] == group, (
                company,
                role,
            )


def test_group_chart_lines_point_at_statement_lines_of_the_right_statement() -> None:
    lines = {r["line_code"]: r for r in read_seed("cas_statement_lines")}
    for code, acc in group_chart().items():
        if acc["account_class"] == "profit_and_loss":
            assert lines[acc["is_line_code"]]["statement"] == "income_statement", code
            assert not acc["bs_line_code"], code
        else:
            assert lines[acc["bs_line_code"]]["statement"] == "balance_sheet", code
        assert code.startswith(acc["parent_account_code"]), code


def test_every_material_group_but_the_late_one_has_a_group_category() -> None:
    mapped = {
        (r["source_system"], r["source_category_code"]): r["group_category_code"]
        for r in read_seed("product_category_map")
    }
    for category, group in MATERIAL_GROUP.items():
        assert mapped[("erp", group)] == category
    for category, name in erp2.GROUPS.items():
        assert mapped[("erp2", name)] == category
    assert ("erp", LATE_MATERIAL_GROUP[0]) not in mapped


def test_controller_mapping_matches_the_cost_centre_each_department_books_to() -> None:
    world = build_world(seed=42, scale=0.01)
    seeded = {
        r["hr_department_code"]: r["cost_centre_code"]
        for r in read_seed("org_unit_cost_centre_map")
    }
    truth = {unit.dept_code: unit.cost_center_code for unit in world.org_units}
    assert seeded == truth
