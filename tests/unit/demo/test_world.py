"""The World: deterministic, internally consistent, sized by scale."""

from __future__ import annotations

from decimal import Decimal

import pytest

from demo.uscc import is_valid_national_id, is_valid_uscc
from demo.world import (
    _unused_name,
    build_world,
    monthly_iit,
    monthly_payroll,
    normalize_company_name,
    payroll_totals_by_cost_center,
)

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def world():
    return build_world(42, 0.01)


def test_same_seed_same_world_different_seed_different(world) -> None:
    again = build_world(42, 0.01)
    assert again.companies == world.companies
    assert again.employees == world.employees
    assert again.products == world.products
    other = build_world(43, 0.01)
    assert [c.legal_name for c in other.companies] != [c.legal_name for c in world.companies]


def test_three_entities_one_abroad_on_its_own_erp(world) -> None:
    assert [e.code for e in world.entities] == ["E01", "E02", "E03"]
    cn = [e for e in world.entities if e.country == "CN"]
    assert len(cn) == 2 and all(
        e.functional_currency == "CNY" and e.erp_system == "erp" for e in cn
    )
    abroad = world.entity("E03")
    assert abroad.functional_currency != "CNY" and abroad.erp_system == "erp2"
    assert all(is_valid_uscc(e.uscc) for e in cn)


def test_sizes_scale_linearly_with_a_floor() -> None:
    small, big = build_world(1, 0.01).sizes, build_world(1, 0.2).sizes
    assert big.sales_orders == 10_000 and small.sales_orders == 500
    assert big.customers == 600


def test_master_data_is_valid(world) -> None:
    chinese = [c for c in world.companies if c.country == "CN"]
    assert chinese and all(is_valid_uscc(c.uscc) for c in chinese)
    assert all(c.uscc is None for c in world.companies if c.country != "CN")
    assert len({c.legal_name for c in world.companies}) == len(world.companies)
    cn_staff = [e for e in world.employees if e.entity_code != "E03"]
    assert all(is_valid_national_id(e.national_id) for e in cn_staff)
    assert all(e.crm_owner_id for e in world.employees if e.is_sales)
    assert all(world.employee(c.owner_hr_id).is_sales for c in world.customers() if c.owner_hr_id)


def test_company_names_stay_unique_when_the_plain_forms_run_out() -> None:
    # Scale 2 has more foreign companies than the 910 plain English names (surname, trade,
    # suffix); drawing until a free one turned up never ended there (nor at scale 10).
    big = build_world(42, 2.0)
    abroad = [c for c in big.companies if c.country != "CN"]
    assert len(abroad) > 910
    assert len({c.legal_name for c in big.companies}) == len(big.companies)
    two_surnames = [c for c in abroad if len(c.legal_name.split(" ")) >= 5]
    assert two_surnames, "the longer form was never needed: the test no longer covers it"
    assert all(c.aliases and c.legal_name not in c.aliases for c in big.companies)


def test_unused_name_falls_back_to_longer_then_numbered_forms() -> None:
    names: set[str] = set()
    numbers = iter(range(1, 100))

    def draw() -> str:
        return _unused_name(names, lambda: "A", lambda: "B", lambda: f"N{next(numbers)}")

    names.add("N1")  # a numbered name already taken is skipped, not returned twice
    assert [draw(), draw(), draw(), draw()] == ["A", "B", "N2", "N3"]
    assert names == {"A", "B", "N1", "N2", "N3"}


def test_aliases_are_other_spellings_of_the_same_name(world) -> None:
    for c in world.companies:
        assert c.aliases, c.legal_name
        for alias in c.aliases:
            assert alias != c.legal_name
            if c.country == "CN":
                assert normalize_company_name(alias).replace(
                    "股份公司", "股份有限公司"
                ) == normalize_company_name(c.legal_name)


def test_hr_departments_map_to_cost_centres_with_other_codes(world) -> None:
    for unit in world.org_units:
        assert unit.cost_center_code != unit.dept_code
    sales = [u for u in world.org_units if u.entity_code == "E01" and u.function == "sales"]
    assert len(sales) == 2 and len({u.cost_center_code for u in sales}) == 1


def test_payslip_adds_up(world) -> None:
    emp = next(e for e in world.employees if e.entity_code == "E01")
    slip = monthly_payroll(world, emp, 2025, 6)
    assert slip is not None
    assert slip.gross == slip.base_salary + slip.allowance + slip.bonus
    assert (
        slip.net_pay
        == slip.gross
        - slip.social_insurance_employee
        - slip.housing_fund_employee
        - slip.income_tax
    )
    assert slip == monthly_payroll(world, emp, 2025, 6)


def test_iit_brackets() -> None:
    assert monthly_iit(Decimal("-1")) == Decimal("0.00")
    assert monthly_iit(Decimal("3000")) == Decimal("90.00")  # 3%
    assert monthly_iit(Decimal("10000")) == Decimal("790.00")  # 10% - 210


def test_payroll_totals_cover_every_employed_person(world) -> None:
    totals = payroll_totals_by_cost_center(world, "E02", 2025, 3)
    slips = [monthly_payroll(world, e, 2025, 3) for e in world.employees_of("E02")]
    assert sum(t["gross"] for t in totals.values()) == sum(s.gross for s in slips if s)
