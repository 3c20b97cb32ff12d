"""Pure layout decisions of the HR exports: header merges, drift schedule, GBK failures."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from demo.defects import DefectConfig, DefectLog
from demo.errors import DemoError
from demo.hr.exports import write_hr_exports
from demo.hr.layouts import amount_text, payroll_drift_for, split_employer_contributions
from demo.hr.writers import HeaderGroup, xlsx_header_rows
from demo.world import build_world, monthly_payroll

pytestmark = pytest.mark.unit


def test_grouped_columns_share_a_merged_label_and_others_span_two_rows():
    headers = ["工号", "基本工资", "绩效", "实发工资"]
    top, bottom, merges = xlsx_header_rows(headers, [HeaderGroup("应发项目", ("基本工资", "绩效"))])
    assert top == ["工号", "应发项目", None, "实发工资"]
    assert bottom == [None, "基本工资", "绩效", None]
    assert sorted(merges) == [(1, 1, 2, 1), (1, 2, 1, 3), (1, 4, 2, 4)]


def test_drift_arrives_in_later_months_only_when_enabled():
    months = [payroll_drift_for(i, 12, enabled=True) for i in range(12)]
    assert not any(months[i].changes() for i in range(6))
    assert months[6].remark_column_added and not months[6].tax_column_renamed
    assert months[8].tax_column_renamed and not months[8].amounts_as_text
    assert all(m.amounts_as_text for m in months[10:])
    assert not any(payroll_drift_for(i, 12, enabled=False).changes() for i in range(12))


def test_amount_text_uses_thousands_separators():
    assert amount_text(Decimal("1234567.5")) == "1,234,567.50"


def test_employer_split_adds_up_to_the_worlds_figure():
    world = build_world(seed=1, scale=0.02)
    for emp in world.employees[:20]:
        line = monthly_payroll(world, emp, 2025, 6)
        if line is None:
            continue
        social, housing = split_employer_contributions(line)
        assert social + housing == line.social_insurance_employer
        assert social >= 0 and housing >= 0


def test_a_name_gbk_cannot_hold_is_a_clear_error(tmp_path):
    world = build_world(seed=1, scale=0.02)
    odd = dataclasses.replace(world.employees[0], name="王𪚥")  # CJK extension B: not in GBK
    world = dataclasses.replace(world, employees=[odd, *world.employees[1:]], _index={})
    with pytest.raises(DemoError, match="employees_2025-01.csv.*gbk"):
        write_hr_exports(world, tmp_path, DefectLog(), DefectConfig.none(), periods=[(2025, 1)])
