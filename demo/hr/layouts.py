"""What goes into each HR export: headers, one row per record, and how the layout drifts.

Pure functions from the World's dataclasses to lists of cells; the writers in
``writers.py`` put them into files. Headers are documented in ``demo/hr/README.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from demo.hr.writers import HeaderGroup
from demo.world import Employee, LegalEntity, OrgUnit, PayrollLine

EMPLOYEE_HEADERS: tuple[str, ...] = (
    "工号",
    "姓名",
    "性别",
    "出生日期",
    "身份证号",
    "开户银行",
    "银行账号",
    "公司名称",
    "部门编码",
    "部门名称",
    "职位",
    "职级",
    "入职日期",
    "离职日期",
    "员工状态",
    "ERP用户",
    "CRM账号",
    "邮箱",
    "手机",
)

ORG_UNIT_HEADERS: tuple[str, ...] = (
    "部门编码",
    "部门名称",
    "上级部门",
    "公司名称",
    "成本中心",
    "成本中心名称",
    "职能",
)

PAYROLL_HEADERS: tuple[str, ...] = (
    "工号",
    "姓名",
    "月份",
    "部门编码",
    "部门名称",
    "成本中心",
    "币种",
    "基本工资",
    "津贴",
    "绩效",
    "应发工资",
    "社保个人",
    "公积金个人",
    "个税",
    "实发工资",
    "社保公司",
    "公积金公司",
)
PAYROLL_AMOUNT_HEADERS: tuple[str, ...] = PAYROLL_HEADERS[7:]

PAYROLL_GROUPS: tuple[HeaderGroup, ...] = (
    HeaderGroup("应发项目", ("基本工资", "津贴", "绩效", "应发工资")),
    HeaderGroup("代扣项目", ("社保个人", "公积金个人", "个税")),
    HeaderGroup("单位缴纳", ("社保公司", "公积金公司")),
)

GENDER = {"M": "男", "F": "女"}


def period_label(year: int, month: int) -> str:
    return f"{year}-{month:02d}"


def month_end(year: int, month: int) -> date:
    first = date(year, month, 1)
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def employee_row(
    emp: Employee, unit: OrgUnit, entity: LegalEntity, year: int, month: int
) -> list[object]:
    """The employee as HR shows them at the end of the month (leaving date only once known)."""
    left = (
        emp.termination_date
        if emp.termination_date and emp.termination_date <= month_end(year, month)
        else None
    )
    return [
        emp.hr_id,
        emp.name,
        GENDER.get(emp.gender, emp.gender),
        emp.birth_date,
        emp.national_id,
        emp.bank_name,
        emp.bank_account,
        entity.name,
        emp.dept_code,
        unit.name,
        emp.position,
        emp.grade,
        emp.hire_date,
        left,
        "离职" if left else "在职",
        emp.erp_user_id or "",
        emp.crm_owner_id or "",
        emp.email,
        emp.phone,
    ]


def org_unit_row(unit: OrgUnit, entity: LegalEntity) -> list[object]:
    return [
        unit.dept_code,
        unit.name,
        unit.parent_code or "",
        entity.name,
        unit.cost_center_code,
        unit.cost_center_name,
        unit.function,
    ]


def split_employer_contributions(line: PayrollLine) -> tuple[Decimal, Decimal]:
    """(社保公司, 公积金公司) from the World's single employer figure.

    The World books the employer's housing fund inside ``social_insurance_employer``; the
    employer pays the same 7 % on the same base as the employee, so HR shows that share as
    公积金公司 and the rest as 社保公司. The two always add up to the World's figure.
    """
    housing = line.housing_fund_employee
    return line.social_insurance_employer - housing, housing


def payroll_amounts(line: PayrollLine) -> list[Decimal]:
    social_company, housing_company = split_employer_contributions(line)
    return [
        line.base_salary,
        line.allowance,
        line.bonus,
        line.gross,
        line.social_insurance_employee,
        line.housing_fund_employee,
        line.income_tax,
        line.net_pay,
        social_company,
        housing_company,
    ]


def payroll_row(line: PayrollLine, emp: Employee, unit: OrgUnit) -> list[object]:
    return [
        emp.hr_id,
        emp.name,
        line.period,
        line.dept_code,
        unit.name,
        line.cost_center_code,
        line.currency,
        *payroll_amounts(line),
    ]


# --- schema drift -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PayrollDrift:
    """How the payroll layout of one month differs from the original one."""

    remark_column_added: bool = False  # 备注 appended at the end
    tax_column_renamed: bool = False  # 个税 → 个人所得税
    amounts_as_text: bool = False  # amounts become text with thousands separators

    def changes(self) -> list[str]:
        """One sentence per change, for the DefectLog's detail."""
        out = []
        if self.remark_column_added:
            out.append("column 备注 added (text, mostly empty)")
        if self.tax_column_renamed:
            out.append("column 个税 renamed to 个人所得税")
        if self.amounts_as_text:
            out.append(
                "amount columns retyped: number → text with thousands separators (e.g. '12,345.60')"
            )
        return out


REMARK_HEADER = "备注"
RENAMED_TAX_HEADER = "个人所得税"


def payroll_drift_for(period_index: int, period_count: int, enabled: bool) -> PayrollDrift:
    """Drift grows in the later months: a column added from the middle of the year, the tax
    column renamed two months later, amounts turned into text for the last two months."""
    if not enabled or period_count < 3:
        return PayrollDrift()
    return PayrollDrift(
        remark_column_added=period_index >= period_count // 2,
        tax_column_renamed=period_index >= (2 * period_count) // 3,
        amounts_as_text=period_index >= period_count - max(1, period_count // 6),
    )


def drifted_headers(drift: PayrollDrift) -> list[str]:
    headers = [
        RENAMED_TAX_HEADER if (h == "个税" and drift.tax_column_renamed) else h
        for h in PAYROLL_HEADERS
    ]
    if drift.remark_column_added:
        headers.append(REMARK_HEADER)
    return headers


def drifted_groups(drift: PayrollDrift) -> tuple[HeaderGroup, ...]:
    if not drift.tax_column_renamed:
        return PAYROLL_GROUPS
    return tuple(
        HeaderGroup(g.label, tuple(RENAMED_TAX_HEADER if c == "个税" else c for c in g.columns))
        for g in PAYROLL_GROUPS
    )


def amount_text(amount: Decimal) -> str:
    """The way a spreadsheet formats money when it exports it as text: 12,345.60."""
    return f"{amount:,.2f}"


def apply_drift(row: list[object], drift: PayrollDrift, remark: str = "") -> list[object]:
    out = list(row)
    if drift.amounts_as_text:
        out = [amount_text(v) if isinstance(v, Decimal) else v for v in out]
    if drift.remark_column_added:
        out.append(remark)
    return out


def totals_row(rows: list[list[object]], header_count: int) -> list[object]:
    """合计 under the amount columns (whatever is on the sheet, duplicates included)."""
    first_amount = PAYROLL_HEADERS.index(PAYROLL_AMOUNT_HEADERS[0])
    totals: list[object] = ["合计"] + [None] * (header_count - 1)
    for col in range(first_amount, first_amount + len(PAYROLL_AMOUNT_HEADERS)):
        totals[col] = sum((Decimal(r[col]) for r in rows if r[col] is not None), Decimal("0.00"))
    return totals
