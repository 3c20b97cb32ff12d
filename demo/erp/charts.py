"""The ERP's local charts of accounts, one per company, and which account each posting uses.

Company 1000 (E01) runs a CAS-2006 style chart with 6/8-digit sub-accounts; company 2000 (E02)
never migrated off the 2001 《企业会计制度》 chart, so it uses 1131 for receivables, 5101 for
revenue, 2171.01.05 for output VAT and so on. A mapping onto the group chart is yecai's job;
this module only says how the ERP posts.

Each chart also has one account opened mid-year that no mapping knows yet (an unmapped_code
defect when it is used): ``LATE_ACCOUNTS``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

OPENED = date(2015, 1, 1)


@dataclass(frozen=True)
class Account:
    account_no: str
    name: str
    account_type: str  # ASSET LIABILITY EQUITY COST REVENUE EXPENSE
    side: str  # D or C
    parent: str | None
    postable: bool
    created_on: date = OPENED


def _expense_block(prefix: str, parent: str, label: str, sep: str = "") -> list[Account]:
    """The five expense sub-accounts every cost-centre group has."""
    kinds = [
        ("01", "职工薪酬"),
        ("02", "社会保险费"),
        ("03", "折旧费"),
        ("04", "办公及租赁费"),
        ("05", "外购服务费"),
    ]
    return [
        Account(
            f"{prefix}{sep}{k}",
            f"{label}-{name}",
            "COST" if label == "制造费用" else "EXPENSE",
            "D",
            parent,
            True,
        )
        for k, name in kinds
    ]


def _chart_1000() -> list[Account]:
    a = Account
    accounts = [
        a("1001", "库存现金", "ASSET", "D", None, True),
        a("1002", "银行存款", "ASSET", "D", None, False),
        a("100201", "银行存款-工商银行基本户", "ASSET", "D", "1002", True),
        a("100202", "银行存款-招商银行美元户", "ASSET", "D", "1002", True),
        a("1122", "应收账款", "ASSET", "D", None, False),
        a("112201", "应收账款-客户", "ASSET", "D", "1122", True),
        a("1221", "其他应收款", "ASSET", "D", None, False),
        a("122101", "其他应收款-内部借款", "ASSET", "D", "1221", True),
        a("1405", "库存商品", "ASSET", "D", None, False),
        a("140501", "库存商品-商品", "ASSET", "D", "1405", True),
        a("1601", "固定资产", "ASSET", "D", None, True),
        a("1602", "累计折旧", "ASSET", "C", None, True),
        a("2202", "应付账款", "LIABILITY", "C", None, False),
        a("220201", "应付账款-货款", "LIABILITY", "C", "2202", True),
        a("220202", "应付账款-暂估", "LIABILITY", "C", "2202", True),
        a("2211", "应付职工薪酬", "LIABILITY", "C", None, False),
        a("221101", "应付职工薪酬-工资", "LIABILITY", "C", "2211", True),
        a("221102", "应付职工薪酬-社会保险费", "LIABILITY", "C", "2211", True),
        a("2221", "应交税费", "LIABILITY", "C", None, False),
        a("222101", "应交税费-应交增值税", "LIABILITY", "C", "2221", False),
        a("22210101", "应交税费-应交增值税-进项税额", "LIABILITY", "C", "222101", True),
        a("22210102", "应交税费-应交增值税-销项税额", "LIABILITY", "C", "222101", True),
        a("222104", "应交税费-应交个人所得税", "LIABILITY", "C", "2221", True),
        a("2241", "其他应付款", "LIABILITY", "C", None, False),
        a("224101", "其他应付款-预提费用", "LIABILITY", "C", "2241", True),
        a("4001", "实收资本", "EQUITY", "C", None, True),
        a("4104", "利润分配", "EQUITY", "C", None, False),
        a("410401", "利润分配-未分配利润", "EQUITY", "C", "4104", True),
        a("6001", "主营业务收入", "REVENUE", "C", None, False),
        a("600101", "主营业务收入-商品销售", "REVENUE", "C", "6001", True),
        a("600102", "主营业务收入-技术服务", "REVENUE", "C", "6001", True),
        a("6051", "其他业务收入", "REVENUE", "C", None, True),
        a("6401", "主营业务成本", "EXPENSE", "D", None, False),
        a("640101", "主营业务成本-商品销售", "EXPENSE", "D", "6401", True),
        a("6601", "销售费用", "EXPENSE", "D", None, False),
        *_expense_block("6601", "6601", "销售费用"),
        a("6602", "管理费用", "EXPENSE", "D", None, False),
        *_expense_block("6602", "6602", "管理费用"),
        a("5301", "研发支出", "EXPENSE", "D", None, False),
        *_expense_block("5301", "5301", "研发支出"),
        a("6603", "财务费用", "EXPENSE", "D", None, False),
        a("660301", "财务费用-汇兑损益", "EXPENSE", "D", "6603", True),
        a("660302", "财务费用-手续费", "EXPENSE", "D", "6603", True),
        a("660303", "财务费用-利息", "EXPENSE", "D", "6603", True),
    ]
    return accounts


def _chart_2000() -> list[Account]:
    a = Account
    return [
        a("1001", "现金", "ASSET", "D", None, True),
        a("1002", "银行存款", "ASSET", "D", None, False),
        a("1002.01", "银行存款-建设银行基本户", "ASSET", "D", "1002", True),
        a("1002.02", "银行存款-中国银行美元户", "ASSET", "D", "1002", True),
        a("1131", "应收账款", "ASSET", "D", None, True),
        a("1243", "库存商品", "ASSET", "D", None, True),
        a("1501", "固定资产", "ASSET", "D", None, True),
        a("1502", "累计折旧", "ASSET", "C", None, True),
        a("2101", "短期借款", "LIABILITY", "C", None, True),
        a("2121", "应付账款", "LIABILITY", "C", None, False),
        a("2121.01", "应付账款-供应商", "LIABILITY", "C", "2121", True),
        a("2121.99", "应付账款-暂估入库", "LIABILITY", "C", "2121", True),
        a("2151", "应付工资", "LIABILITY", "C", None, True),
        a("2153", "应付福利费", "LIABILITY", "C", None, True),
        a("2171", "应交税金", "LIABILITY", "C", None, False),
        a("2171.01", "应交税金-应交增值税", "LIABILITY", "C", "2171", False),
        a("2171.01.01", "应交税金-应交增值税-进项税额", "LIABILITY", "C", "2171.01", True),
        a("2171.01.05", "应交税金-应交增值税-销项税额", "LIABILITY", "C", "2171.01", True),
        a("2171.06", "应交税金-应交个人所得税", "LIABILITY", "C", "2171", True),
        a("2181", "其他应付款", "LIABILITY", "C", None, True),
        a("3101", "实收资本", "EQUITY", "C", None, True),
        a("3141", "利润分配-未分配利润", "EQUITY", "C", None, True),
        a("4105", "制造费用", "COST", "D", None, False),
        *_expense_block("4105", "4105", "制造费用", "."),
        a("5101", "主营业务收入", "REVENUE", "C", None, False),
        a("5101.01", "主营业务收入-产品销售", "REVENUE", "C", "5101", True),
        a("5101.02", "主营业务收入-服务", "REVENUE", "C", "5101", True),
        a("5102", "其他业务收入", "REVENUE", "C", None, True),
        a("5401", "主营业务成本", "EXPENSE", "D", None, True),
        a("5501", "营业费用", "EXPENSE", "D", None, False),
        *_expense_block("5501", "5501", "营业费用", "."),
        a("5502", "管理费用", "EXPENSE", "D", None, False),
        *_expense_block("5502", "5502", "管理费用", "."),
        *[
            Account(f"5502.1{k}", f"管理费用-研发费-{n}", "EXPENSE", "D", "5502", True)
            for k, n in [
                ("1", "职工薪酬"),
                ("2", "社会保险费"),
                ("3", "折旧费"),
                ("4", "办公及租赁费"),
                ("5", "外购服务费"),
            ]
        ],
        a("5503", "财务费用", "EXPENSE", "D", None, False),
        a("5503.01", "财务费用-汇兑损益", "EXPENSE", "D", "5503", True),
        a("5503.02", "财务费用-手续费", "EXPENSE", "D", "5503", True),
        a("5503.03", "财务费用-利息支出", "EXPENSE", "D", "5503", True),
    ]


CHARTS: dict[str, list[Account]] = {"1000": _chart_1000(), "2000": _chart_2000()}

# Accounts opened mid-year; no group mapping exists for them (see defects.UNMAPPED_CODE).
LATE_ACCOUNTS: dict[str, Account] = {
    "1000": Account(
        "600103", "主营业务收入-跨境电商", "REVENUE", "C", "6001", True, date(2025, 7, 1)
    ),
    "2000": Account("5502.99", "管理费用-其他", "EXPENSE", "D", "5502", True, date(2025, 8, 1)),
}
# Which role the late account stands in for when it is used.
LATE_ACCOUNT_ROLE = {"1000": "revenue_goods", "2000": "admin.office"}

_ROLES_1000 = {
    "cash": "1001",
    "bank": "100201",
    "bank_usd": "100202",
    "ar": "112201",
    "inventory": "140501",
    "fixed_assets": "1601",
    "acc_depr": "1602",
    "ap": "220201",
    "grir": "220202",
    "payroll_payable": "221101",
    "si_payable": "221102",
    "input_vat": "22210101",
    "output_vat": "22210102",
    "iit_payable": "222104",
    "accrued": "224101",
    "share_capital": "4001",
    "retained_earnings": "410401",
    "revenue_goods": "600101",
    "revenue_service": "600102",
    "other_income": "6051",
    "cogs": "640101",
    "fx": "660301",
    "bank_fee": "660302",
    "interest": "660303",
    "loan_receivable": "122101",
}
_ROLES_2000 = {
    "cash": "1001",
    "bank": "1002.01",
    "bank_usd": "1002.02",
    "ar": "1131",
    "inventory": "1243",
    "fixed_assets": "1501",
    "acc_depr": "1502",
    "ap": "2121.01",
    "grir": "2121.99",
    "payroll_payable": "2151",
    "si_payable": "2153",
    "input_vat": "2171.01.01",
    "output_vat": "2171.01.05",
    "iit_payable": "2171.06",
    "accrued": "2181",
    "share_capital": "3101",
    "retained_earnings": "3141",
    "revenue_goods": "5101.01",
    "revenue_service": "5101.02",
    "other_income": "5102",
    "cogs": "5401",
    "fx": "5503.01",
    "bank_fee": "5503.02",
    "interest": "5503.03",
    "short_term_loan": "2101",
}
_EXPENSE_PREFIX = {
    "1000": {"admin": "6602", "selling": "6601", "rd": "5301", "mfg": "6602"},
    "2000": {"admin": "5502.", "selling": "5501.", "rd": "5502.1", "mfg": "4105."},
}
_EXPENSE_KIND = {"salary": "01", "si": "02", "depr": "03", "office": "04", "service": "05"}
_RD_KIND_2000 = {"salary": "1", "si": "2", "depr": "3", "office": "4", "service": "5"}

# Cost-centre function → expense group.
FUNCTION_GROUP = {
    "admin": "admin",
    "finance": "admin",
    "hr": "admin",
    "it": "admin",
    "purchasing": "admin",
    "sales": "selling",
    "marketing": "selling",
    "logistics": "selling",
    "rd": "rd",
    "production": "mfg",
}


def account_for(company_code: str, role: str) -> str:
    """Local account number for a posting role: "ar", "bank", ... or "<group>.<kind>" for
    expenses, e.g. "selling.salary" (groups admin/selling/rd/mfg; kinds salary/si/depr/office/service)."""
    if "." in role:
        group, kind = role.split(".")
        prefix = _EXPENSE_PREFIX[company_code][group]
        if company_code == "2000" and group == "rd":
            return prefix + _RD_KIND_2000[kind]
        return prefix + _EXPENSE_KIND[kind]
    roles = _ROLES_1000 if company_code == "1000" else _ROLES_2000
    return roles[role]


def account_type(company_code: str, account_no: str) -> str:
    for acc in [*CHARTS[company_code], LATE_ACCOUNTS[company_code]]:
        if acc.account_no == account_no:
            return acc.account_type
    raise KeyError(f"{company_code}|{account_no}")
