"""The demo group company as it "really" is: the truth every demo source system is drawn from.

``build_world(seed, scale)`` returns a :class:`World`. The ERP, the second ERP, the CRM and the
HR exports are all generated from the same World, each in its own codes and spellings, so a
correct pipeline can join them back together, and each injected defect is a known deviation from
this truth (recorded in ``demo/defects.py``'s DefectLog).

Deterministic: the same ``(seed, scale)`` gives the same World, field for field. Everything
random comes from ``random.Random(seed)`` and a Faker seeded from it.

Who uses what:

- ``World.entities`` — the three legal entities. ``erp_system`` says which ERP keeps its books
  ("erp" for the two Chinese entities, "erp2" for the foreign subsidiary).
- ``World.companies`` — customers and vendors (one Company may be both). ``legal_name`` is the
  registered name; ``aliases`` are spellings other systems use for the same company (有限公司 vs
  有限责任公司, full-width brackets, stray spaces): the CRM picks one of them for its
  cross_system_alias defects. ``owner_hr_id`` is the sales person who owns a customer.
- ``World.org_units`` — HR departments; each names the finance cost centre it books to
  (``cost_center_code``, a different code system; two sales departments share one cost centre).
- ``World.employees`` — HR master data, with ``erp_user_id`` for ERP users and ``crm_owner_id``
  for sales people (the ids those systems know them by).
- ``World.products`` — what the group buys and sells, with category, standard cost, price, VAT.
- ``monthly_payroll(world, employee, year, month)`` — one employee's payslip for a month, or
  None when not employed then. HR exports and ERP payroll vouchers both come from this function,
  so HR totals per cost centre equal what the ERP booked.
- ``World.sizes`` — how many documents each generator should produce at this scale.

Money is ``Decimal`` with two places; amounts carry their currency.
"""

from __future__ import annotations

import pickle
import random
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from faker import Faker

from demo.uscc import make_bank_card, make_national_id, make_uscc

CENT = Decimal("0.01")


def money(value: Decimal | int | float | str) -> Decimal:
    """Round to cents, half up (the way invoices round). Floats go through str to stay exact."""
    if type(value) is Decimal:  # the common case, millions of times at scale 1
        return value.quantize(CENT, rounding=ROUND_HALF_UP)
    if isinstance(value, float):
        value = str(value)
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


# --------------------------------------------------------------------------------------------
# Dataclasses
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LegalEntity:
    """One legal entity of the group."""

    code: str  # group-wide code, e.g. "E01"; no source system uses it
    name: str  # registered name
    short_name: str
    country: str  # ISO 3166 alpha-2: "CN", "SG"
    functional_currency: str  # ISO 4217: "CNY", "SGD"
    erp_system: str  # "erp" (the group ERP) or "erp2" (the subsidiary's own system)
    erp_company_code: str  # the company code inside that ERP, e.g. "1000", "SG01"
    uscc: str | None  # Chinese entities only
    city: str
    admin_division: str  # 6-digit region code (Chinese entities), "" abroad
    industry: str  # "trading", "manufacturing"


@dataclass(frozen=True)
class Company:
    """A customer and/or vendor, as it really is."""

    party_id: str  # the World's id, e.g. "P000123"; no source system uses it
    legal_name: str  # registered name (Chinese for CN companies, English abroad)
    aliases: tuple[str, ...]  # other spellings of the same company seen in other systems
    uscc: str | None  # valid GB 32100 code for CN companies; None abroad
    is_customer: bool
    is_vendor: bool
    home_entity: str  # the legal entity that mostly trades with it ("E01", "E02", "E03")
    country: str
    currency: str  # the currency it invoices / is invoiced in
    segment: str  # customers: KA/SMB/DIST/GOV; vendors: RAW/SERVICE/LOGISTICS
    industry: str
    region: str  # 华东, 华南, 华北, 西南, 华中, 东北, 西北, or "Overseas"
    province: str
    city: str
    address: str
    contact_name: str
    phone: str
    email: str
    credit_limit: Decimal  # customers; 0 for vendors only
    payment_terms_days: int
    owner_hr_id: str | None  # customers: the sales person who owns the account
    created_on: date


@dataclass(frozen=True)
class OrgUnit:
    """An HR department and the finance cost centre it books to."""

    dept_code: str  # HR code, e.g. "D01-05"
    name: str  # Chinese name (English abroad)
    entity_code: str
    parent_code: str | None  # HR tree; None for the entity's top department
    cost_center_code: str  # finance code, e.g. "1000-4100"; several depts may share one
    cost_center_name: str
    function: str  # admin/finance/hr/sales/marketing/purchasing/production/logistics/rd/it


@dataclass(frozen=True)
class Employee:
    """HR master data of one employee."""

    hr_id: str  # HR system id, e.g. "H00123"
    name: str
    gender: str  # "M" or "F"
    birth_date: date
    national_id: str  # valid GB 11643 identity number (passport-like id abroad)
    bank_name: str
    bank_account: str  # Luhn-valid card number
    entity_code: str
    dept_code: str
    position: str
    grade: int  # 1 (junior) .. 6 (executive)
    base_salary: Decimal  # per month, in the entity's functional currency
    currency: str
    hire_date: date
    termination_date: date | None
    email: str
    phone: str
    erp_user_id: str | None  # id in the ERP, for people who post documents there
    crm_owner_id: str | None  # id in the CRM, for sales people
    is_sales: bool


@dataclass(frozen=True)
class Product:
    """An item the group buys and sells."""

    sku: str  # the World's id, e.g. "SKU0042"
    name: str
    category_code: str  # e.g. "ELEC"
    category_name: str
    uom: str  # 台, 件, 箱, 千克 ...
    std_cost: Decimal  # per unit, CNY
    list_price: Decimal  # per unit, CNY, before VAT
    vat_rate: Decimal  # 0.13, 0.09 or 0.06
    is_service: bool  # services are never stocked


@dataclass(frozen=True)
class Sizes:
    """How much each generator produces: linear in scale, with a floor so tiny scales work."""

    customers: int
    vendors: int
    products: int
    employees: int
    sales_orders: int  # group ERP, per year
    purchase_orders: int  # group ERP, per year
    erp2_sales_orders: int
    erp2_purchase_orders: int
    crm_opportunities: int
    crm_activities: int


@dataclass(frozen=True)
class PayrollLine:
    """One employee's payslip for one month. All amounts in ``currency``."""

    hr_id: str
    period: str  # "YYYY-MM"
    entity_code: str
    dept_code: str
    cost_center_code: str
    currency: str
    base_salary: Decimal
    allowance: Decimal
    bonus: Decimal
    gross: Decimal  # base + allowance + bonus
    social_insurance_employee: Decimal  # pension + medical + unemployment withheld (CPF abroad)
    housing_fund_employee: Decimal
    income_tax: Decimal  # IIT withheld
    net_pay: Decimal  # gross - employee SI - housing fund - IIT
    social_insurance_employer: Decimal  # employer's share (incl. employer housing fund)


@dataclass
class World:
    """The group company. Lists are in id order; lookups via the ``*_by_*`` helpers."""

    seed: int
    scale: float
    start_date: date
    end_date: date
    sizes: Sizes
    entities: list[LegalEntity]
    companies: list[Company]
    org_units: list[OrgUnit]
    employees: list[Employee]
    products: list[Product]
    _index: dict[str, dict] = field(default_factory=dict, repr=False)

    def entity(self, code: str) -> LegalEntity:
        return self._lookup("entity", self.entities, "code")[code]

    def company(self, party_id: str) -> Company:
        return self._lookup("company", self.companies, "party_id")[party_id]

    def employee(self, hr_id: str) -> Employee:
        return self._lookup("employee", self.employees, "hr_id")[hr_id]

    def org_unit(self, dept_code: str) -> OrgUnit:
        return self._lookup("org", self.org_units, "dept_code")[dept_code]

    def product(self, sku: str) -> Product:
        return self._lookup("product", self.products, "sku")[sku]

    def customers(self, entity_code: str | None = None) -> list[Company]:
        return [
            c
            for c in self.companies
            if c.is_customer and (entity_code is None or c.home_entity == entity_code)
        ]

    def vendors(self, entity_code: str | None = None) -> list[Company]:
        return [
            c
            for c in self.companies
            if c.is_vendor and (entity_code is None or c.home_entity == entity_code)
        ]

    def employees_of(self, entity_code: str) -> list[Employee]:
        return [e for e in self.employees if e.entity_code == entity_code]

    def sales_people(self, entity_code: str | None = None) -> list[Employee]:
        return [
            e
            for e in self.employees
            if e.is_sales and (entity_code is None or e.entity_code == entity_code)
        ]

    def cost_centers(self, entity_code: str) -> list[tuple[str, str]]:
        """Distinct (cost_center_code, cost_center_name) of an entity, in code order."""
        seen = {
            (o.cost_center_code, o.cost_center_name)
            for o in self.org_units
            if o.entity_code == entity_code
        }
        return sorted(seen)

    def periods(self) -> list[tuple[int, int]]:
        """(year, month) of every month in the time span."""
        out, d = [], self.start_date.replace(day=1)
        while d <= self.end_date:
            out.append((d.year, d.month))
            d = (d.replace(day=28) + timedelta(days=4)).replace(day=1)
        return out

    def _lookup(self, name: str, items: list, key: str) -> dict:
        if name not in self._index:
            self._index[name] = {getattr(i, key): i for i in items}
        return self._index[name]


# --------------------------------------------------------------------------------------------
# Reference data (fixed: the shape of the group does not depend on the seed)
# --------------------------------------------------------------------------------------------

# (province, city, region, 6-digit administrative division code)
CN_CITIES: list[tuple[str, str, str, str]] = [
    ("上海市", "上海", "华东", "310115"),
    ("上海市", "上海", "华东", "310104"),
    ("江苏省", "苏州", "华东", "320505"),
    ("江苏省", "南京", "华东", "320102"),
    ("浙江省", "杭州", "华东", "330106"),
    ("浙江省", "宁波", "华东", "330203"),
    ("北京市", "北京", "华北", "110105"),
    ("天津市", "天津", "华北", "120101"),
    ("广东省", "广州", "华南", "440106"),
    ("广东省", "深圳", "华南", "440305"),
    ("湖北省", "武汉", "华中", "420106"),
    ("四川省", "成都", "西南", "510107"),
    ("重庆市", "重庆", "西南", "500103"),
    ("辽宁省", "沈阳", "东北", "210102"),
    ("陕西省", "西安", "西北", "610113"),
    ("山东省", "青岛", "华东", "370202"),
]
ABROAD: list[tuple[str, str, str]] = [  # (country, city, currency)
    ("SG", "Singapore", "SGD"),
    ("SG", "Singapore", "SGD"),
    ("MY", "Kuala Lumpur", "USD"),
    ("TH", "Bangkok", "USD"),
    ("VN", "Ho Chi Minh City", "USD"),
    ("ID", "Jakarta", "USD"),
    ("US", "San Jose", "USD"),
]

ENTITIES: list[LegalEntity] = [
    LegalEntity(
        code="E01",
        name="上海云杉实业集团有限公司",
        short_name="云杉实业",
        country="CN",
        functional_currency="CNY",
        erp_system="erp",
        erp_company_code="1000",
        uscc=None,  # a valid code is drawn in _entities()
        city="上海",
        admin_division="310115",
        industry="trading",
    ),
    LegalEntity(
        code="E02",
        name="苏州云杉智能制造有限公司",
        short_name="云杉制造",
        country="CN",
        functional_currency="CNY",
        erp_system="erp",
        erp_company_code="2000",
        uscc=None,
        city="苏州",
        admin_division="320505",
        industry="manufacturing",
    ),
    LegalEntity(
        code="E03",
        name="Yunshan Trading (Singapore) Pte. Ltd.",
        short_name="Yunshan SG",
        country="SG",
        functional_currency="SGD",
        erp_system="erp2",
        erp_company_code="SG01",
        uscc=None,
        city="Singapore",
        admin_division="",
        industry="trading",
    ),
]

# (code, Chinese name, uom, vat rate, cost range CNY, margin range, is_service, name parts)
PRODUCT_CATEGORIES: list[tuple[str, str, str, str, tuple[int, int], tuple[float, float], bool]] = [
    ("ELEC", "电子元器件", "件", "0.13", (5, 400), (0.18, 0.45), False),
    ("MACH", "机械设备", "台", "0.13", (3000, 90000), (0.15, 0.35), False),
    ("INST", "仪器仪表", "台", "0.13", (800, 20000), (0.20, 0.40), False),
    ("CHEM", "化工原料", "千克", "0.13", (8, 120), (0.10, 0.25), False),
    ("AGRI", "农产品", "箱", "0.09", (40, 600), (0.08, 0.20), False),
    ("PACK", "包装材料", "箱", "0.13", (20, 300), (0.12, 0.30), False),
    ("SOFT", "软件许可", "套", "0.06", (1000, 40000), (0.40, 0.80), True),
    ("SERV", "技术服务", "人天", "0.06", (800, 3000), (0.30, 0.60), True),
]
_PRODUCT_WORDS = {
    "ELEC": ["贴片电阻", "电容", "继电器", "连接器", "传感器", "电源模块", "芯片", "电感"],
    "MACH": ["数控机床", "空压机", "输送线", "机械臂", "注塑机", "冲压机", "减速机"],
    "INST": ["示波器", "万用表", "流量计", "压力变送器", "温控仪", "光谱仪"],
    "CHEM": ["环氧树脂", "聚乙烯颗粒", "工业酒精", "硅油", "固化剂", "溶剂"],
    "AGRI": ["大米", "茶叶", "食用油", "坚果礼盒", "干货"],
    "PACK": ["瓦楞纸箱", "缠绕膜", "珍珠棉", "木托盘", "气泡袋"],
    "SOFT": ["ERP许可", "MES许可", "数据平台许可", "安全软件许可"],
    "SERV": ["实施服务", "运维服务", "咨询服务", "培训服务"],
}

# Department templates: (suffix, Chinese name, function, cost centre suffix, cost centre name)
# The two sales departments share one cost centre on purpose: HR and finance cut differently.
_DEPARTMENTS: list[tuple[str, str, str, str, str]] = [
    ("01", "总经办", "admin", "1100", "管理费用-总经办"),
    ("02", "财务部", "finance", "1200", "管理费用-财务"),
    ("03", "人力资源部", "hr", "1300", "管理费用-人力"),
    ("04", "信息技术部", "it", "1400", "管理费用-信息"),
    ("05", "销售一部", "sales", "2100", "销售费用-销售"),
    ("06", "销售二部", "sales", "2100", "销售费用-销售"),
    ("07", "市场部", "marketing", "2200", "销售费用-市场"),
    ("08", "采购部", "purchasing", "3100", "管理费用-采购"),
    ("09", "仓储物流部", "logistics", "3200", "销售费用-物流"),
    ("10", "研发中心", "rd", "4100", "研发费用"),
    ("11", "生产部", "production", "5100", "制造费用-生产"),
]
_DEPARTMENTS_ABROAD: list[tuple[str, str, str, str, str]] = [
    ("01", "Management", "admin", "ADM", "General & Admin"),
    ("02", "Finance", "finance", "ADM", "General & Admin"),
    ("03", "Sales", "sales", "SLS", "Sales"),
    ("04", "Operations", "logistics", "OPS", "Operations"),
]
# Relative head-count weight per function.
_FUNCTION_WEIGHT = {
    "admin": 2,
    "finance": 3,
    "hr": 2,
    "it": 3,
    "sales": 8,
    "marketing": 3,
    "purchasing": 3,
    "logistics": 5,
    "rd": 6,
    "production": 15,
}
_POSITIONS = {
    "admin": ["总经理", "副总经理", "行政专员", "总经理助理"],
    "finance": ["财务经理", "总账会计", "应收会计", "应付会计", "出纳", "成本会计"],
    "hr": ["人力资源经理", "招聘专员", "薪酬专员"],
    "it": ["IT经理", "系统管理员", "开发工程师"],
    "sales": ["销售总监", "销售经理", "客户经理", "销售代表"],
    "marketing": ["市场经理", "市场专员"],
    "purchasing": ["采购经理", "采购员"],
    "logistics": ["仓库主管", "仓管员", "物流专员"],
    "rd": ["研发经理", "工程师", "测试工程师"],
    "production": ["生产经理", "班组长", "操作工", "质检员"],
}
# Functions whose people post documents in the ERP (and so have ERP user ids).
_ERP_USER_FUNCTIONS = {"finance", "purchasing", "logistics", "sales", "production"}

_CUSTOMER_SEGMENTS = [("KA", 0.15), ("SMB", 0.55), ("DIST", 0.25), ("GOV", 0.05)]
_VENDOR_SEGMENTS = [("RAW", 0.6), ("SERVICE", 0.25), ("LOGISTICS", 0.15)]
_INDUSTRY_WORDS = ["科技", "电子", "机械", "贸易", "实业", "化工", "物流", "信息技术", "新材料"]
_LEGAL_FORMS = ["有限公司", "有限公司", "有限公司", "股份有限公司", "有限责任公司"]
_BANKS = ["中国工商银行", "中国建设银行", "招商银行", "中国银行", "交通银行"]
_BANK_BINS = {
    "中国工商银行": "622202",
    "中国建设银行": "621700",
    "招商银行": "622588",
    "中国银行": "621661",
    "交通银行": "622262",
}


def _sizes(scale: float) -> Sizes:
    def n(full: int, floor: int) -> int:
        return max(floor, round(full * scale))

    return Sizes(
        customers=n(3000, 60),
        vendors=n(800, 30),
        products=n(600, 40),
        employees=n(2500, 60),
        sales_orders=n(50000, 400),
        purchase_orders=n(12000, 120),
        erp2_sales_orders=n(5000, 150),
        erp2_purchase_orders=n(1500, 40),
        crm_opportunities=n(15000, 150),
        crm_activities=n(60000, 500),
    )


# --------------------------------------------------------------------------------------------
# Name spellings
# --------------------------------------------------------------------------------------------


def to_fullwidth(text: str) -> str:
    """Half-width ASCII → full-width forms (what an IME in full-width mode types)."""
    return "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in text)


def normalize_company_name(name: str) -> str:
    """The key a matcher could use: NFKC (full-width → half-width), no spaces, 有限责任公司 →
    有限公司. The demo uses it only to check that aliases really are the same company."""
    text = unicodedata.normalize("NFKC", name).replace(" ", "").replace("\u3000", "")
    return text.replace("有限责任公司", "有限公司").replace("(", "").replace(")", "")


def alias_spellings(legal_name: str, rng: random.Random) -> tuple[str, ...]:
    """Two or three other ways people write the same company name, each different from it."""
    candidates: list[str] = []
    if legal_name.endswith("有限责任公司"):
        candidates.append(legal_name[: -len("有限责任公司")] + "有限公司")
    elif legal_name.endswith("股份有限公司"):
        candidates.append(legal_name[: -len("股份有限公司")] + "股份公司")
    elif legal_name.endswith("有限公司"):
        candidates.append(legal_name[: -len("有限公司")] + "有限责任公司")
    if "(" in legal_name or "（" in legal_name:
        candidates.append(legal_name.replace("(", "（").replace(")", "）"))
        candidates.append(legal_name.replace("（", "(").replace("）", ")"))
    if legal_name.isascii():
        candidates.append(legal_name.upper())
        candidates.append(
            legal_name.replace(" Pte. Ltd.", " Pte Ltd").replace(" Co., Ltd.", " Co Ltd")
        )
        candidates.append(to_fullwidth(legal_name))
    else:
        cut = rng.randrange(2, max(3, len(legal_name) - 4))
        candidates.append(legal_name[:cut] + " " + legal_name[cut:])
        candidates.append(legal_name + " ")
    out = []
    for c in candidates:
        if c != legal_name and c not in out:
            out.append(c)
    return tuple(out)


# --------------------------------------------------------------------------------------------
# Building
# --------------------------------------------------------------------------------------------


def _weighted(rng: random.Random, pairs: list[tuple[str, float]]) -> str:
    return rng.choices([p for p, _ in pairs], weights=[w for _, w in pairs])[0]


def _entities(rng: random.Random) -> list[LegalEntity]:
    out = []
    for e in ENTITIES:
        uscc = make_uscc(rng, e.admin_division) if e.country == "CN" else None
        out.append(LegalEntity(**{**e.__dict__, "uscc": uscc}))
    return out


def _org_units(entities: list[LegalEntity]) -> list[OrgUnit]:
    units: list[OrgUnit] = []
    for ent in entities:
        templates = _DEPARTMENTS if ent.country == "CN" else _DEPARTMENTS_ABROAD
        top = f"D{ent.code[1:]}-{templates[0][0]}"
        for suffix, name, function, cc, cc_name in templates:
            if ent.industry != "manufacturing" and function == "production":
                continue  # the trading entities have no factory
            dept = f"D{ent.code[1:]}-{suffix}"
            units.append(
                OrgUnit(
                    dept_code=dept,
                    name=name,
                    entity_code=ent.code,
                    parent_code=None if dept == top else top,
                    cost_center_code=f"{ent.erp_company_code}-{cc}",
                    cost_center_name=cc_name,
                    function=function,
                )
            )
    return units


_GRADE_SALARY = {
    1: (5000, 8000),
    2: (8000, 13000),
    3: (12000, 20000),
    4: (18000, 30000),
    5: (28000, 45000),
    6: (45000, 80000),
}


def _position(rng: random.Random, unit: OrgUnit, ent: LegalEntity, is_gm: bool) -> str:
    if is_gm:
        return "总经理" if ent.country == "CN" else "General Manager"
    if ent.country != "CN":
        return f"{unit.name} Associate"
    return rng.choice(_POSITIONS.get(unit.function, ["专员"]))


def _employees(
    rng: random.Random,
    fake: Faker,
    sizes: Sizes,
    entities: list[LegalEntity],
    units: list[OrgUnit],
    start: date,
    end: date,
) -> list[Employee]:
    # Head count per entity: E01 40%, E02 50% (the factory), E03 10%.
    share = {"E01": 0.40, "E02": 0.50, "E03": 0.10}
    employees: list[Employee] = []
    staffed: set[str] = set()  # departments with someone in them (a set: a scan was quadratic)
    erp_seq = crm_seq = 0
    for ent in entities:
        n_ent = max(8, round(sizes.employees * share[ent.code]))
        ent_units = [u for u in units if u.entity_code == ent.code]
        weights = [_FUNCTION_WEIGHT.get(u.function, 2) for u in ent_units]
        # Every department gets at least one person, the rest by weight.
        assigned = list(ent_units) + rng.choices(
            ent_units, weights=weights, k=max(0, n_ent - len(ent_units))
        )
        for unit in assigned:
            idx = len(employees) + 1
            male = rng.random() < 0.55
            name = fake.name_male() if male else fake.name_female()
            birth = date(rng.randint(1968, 2002), rng.randint(1, 12), rng.randint(1, 28))
            grade = min(6, max(1, round(rng.gauss(2.3, 1.0))))
            # The first person of an entity's top department is its general manager.
            is_gm = unit.dept_code.endswith("-01") and unit.dept_code not in staffed
            staffed.add(unit.dept_code)
            if is_gm:
                grade = 6  # the general manager
            lo, hi = _GRADE_SALARY[grade]
            base = Decimal(rng.randrange(lo, hi, 100))
            if ent.country != "CN":
                base = money(base / Decimal("5.3"))  # SGD
            # Most joined before the year; some join or leave during it (payroll changes month to month).
            if rng.random() < 0.85:
                hire = start - timedelta(days=rng.randint(30, 3650))
            else:
                hire = start + timedelta(days=rng.randint(0, (end - start).days - 30))
            term = None
            if rng.random() < 0.07:
                term = max(
                    hire + timedelta(days=60),
                    start + timedelta(days=rng.randint(30, (end - start).days)),
                )
                if term > end:
                    term = None
            is_sales = unit.function == "sales"
            erp_user = None
            if unit.function in _ERP_USER_FUNCTIONS and (grade >= 2 or rng.random() < 0.5):
                erp_seq += 1
                erp_user = f"U{erp_seq:05d}"
            crm_owner = None
            if is_sales:
                crm_seq += 1
                crm_owner = f"OWN{crm_seq:04d}"
            bank = rng.choice(_BANKS)
            if ent.country == "CN":
                region = rng.choice(CN_CITIES)[3]
                nid = make_national_id(rng, region, birth, male)
            else:
                # Singapore NRIC-like id; GB 11643 does not apply abroad.
                nid = f"S{rng.randrange(1000000, 9999999)}{rng.choice('ABCDEFGHIZJ')}"
                bank = rng.choice(["DBS Bank", "OCBC Bank", "UOB"])
            employees.append(
                Employee(
                    hr_id=f"H{idx:05d}",
                    name=name if ent.country == "CN" else fake.romanized_name(),
                    gender="M" if male else "F",
                    birth_date=birth,
                    national_id=nid,
                    bank_name=bank,
                    bank_account=make_bank_card(
                        rng, _BANK_BINS.get(bank, "458123"), 19 if ent.country == "CN" else 16
                    ),
                    entity_code=ent.code,
                    dept_code=unit.dept_code,
                    position=_position(rng, unit, ent, is_gm),
                    grade=grade,
                    base_salary=base,
                    currency=ent.functional_currency,
                    hire_date=hire,
                    termination_date=term,
                    email=f"h{idx:05d}@yunshan-group.example",
                    phone=fake.phone_number(),
                    erp_user_id=erp_user,
                    crm_owner_id=crm_owner,
                    is_sales=is_sales,
                )
            )
    return employees


# How often a company name is redrawn before a longer form is tried. The plain forms run out:
# 910 English names (91 surnames x 5 trades x 2 suffixes) and ~36k Chinese ones, fewer than
# the companies at scale 10, where redrawing forever hung the world step. Up to scale 1 no name
# needs this many redraws, so those worlds are unchanged.
_NAME_REDRAWS = 30
_EN_TRADES = ["Trading", "Industrial", "Electronics", "Supply", "Holdings"]


def _unused_name(
    names: set[str],
    plain: Callable[[], str],
    longer: Callable[[], str],
    numbered: Callable[[], str],
) -> str:
    """The first drawn name not in ``names`` (which it joins): a plain one, else a longer one
    from a far larger space, else one carrying the party's number (unique to the party, so the
    last loop ends at once in practice)."""
    for draw in (plain, longer):
        for _ in range(_NAME_REDRAWS):
            name = draw()
            if name not in names:
                names.add(name)
                return name
    while (name := numbered()) in names:
        pass
    names.add(name)
    return name


def _companies(
    rng: random.Random, fake: Faker, sizes: Sizes, employees: list[Employee], start: date
) -> list[Company]:
    companies: list[Company] = []
    names: set[str] = set()
    sales_by_entity = {
        code: [e.hr_id for e in employees if e.is_sales and e.entity_code == code]
        for code in ("E01", "E02", "E03")
    }

    def unique_cn_name(city: str, party_no: int) -> str:
        def plain() -> str:
            return f"{city}{fake.company_prefix()}{rng.choice(_INDUSTRY_WORDS)}{rng.choice(_LEGAL_FORMS)}"

        def two_brands() -> str:
            brand = fake.company_prefix() + fake.company_prefix()
            return f"{city}{brand}{rng.choice(_INDUSTRY_WORDS)}{rng.choice(_LEGAL_FORMS)}"

        def numbered() -> str:
            return f"{city}{fake.company_prefix()}{party_no}号{rng.choice(_INDUSTRY_WORDS)}有限公司"

        return _unused_name(names, plain, two_brands, numbered)

    def unique_en_name(city: str, party_no: int) -> str:
        suffix = "Pte. Ltd." if city == "Singapore" else "Co., Ltd."

        def surname() -> str:
            return fake.romanized_name().split()[-1]

        def plain() -> str:
            word = surname()
            return f"{word} {rng.choice(_EN_TRADES)} {suffix}"

        def two_surnames() -> str:
            words = f"{surname()} {surname()}"
            return f"{words} {rng.choice(_EN_TRADES)} {suffix}"

        def numbered() -> str:
            return f"{surname()} {rng.choice(_EN_TRADES)} {party_no} {suffix}"

        return _unused_name(names, plain, two_surnames, numbered)

    total = sizes.customers + sizes.vendors
    for i in range(total):
        role_customer = i < sizes.customers
        # About 5% of vendors are also customers (and the other way round): one party, two roles.
        both = rng.random() < 0.05
        home = rng.choices(["E01", "E02", "E03"], weights=[0.5, 0.4, 0.1])[0]
        # E03 trades mostly abroad; the Chinese entities have a few export customers (USD).
        abroad = rng.random() < (0.8 if home == "E03" else 0.05)
        if abroad:
            country, city, currency = rng.choice(ABROAD)
            if home != "E03":
                currency = "USD"  # the Chinese entities invoice foreign customers in USD
            province, region = country, "Overseas"
            legal = unique_en_name(city, i + 1)
            uscc = None
            address = f"{rng.randint(1, 300)} {fake.romanized_name().split()[-1]} Road, {city}"
        else:
            province, city, region, division = rng.choice(CN_CITIES)
            country, currency = "CN", "CNY" if home != "E03" else "USD"
            legal = unique_cn_name(city, i + 1)
            uscc = make_uscc(rng, division)
            address = f"{province}{city}{fake.street_address()}"
        segment = (
            _weighted(rng, _CUSTOMER_SEGMENTS)
            if role_customer
            else _weighted(rng, _VENDOR_SEGMENTS)
        )
        is_customer = role_customer or both
        is_vendor = (not role_customer) or both
        credit = Decimal(0)
        if is_customer:
            credit = Decimal(
                {"KA": 5_000_000, "SMB": 500_000, "DIST": 1_500_000, "GOV": 3_000_000}.get(
                    segment, 500_000
                )
            )
        owners = sales_by_entity.get(home) or sales_by_entity["E01"]
        companies.append(
            Company(
                party_id=f"P{i + 1:06d}",
                legal_name=legal,
                aliases=alias_spellings(legal, rng),
                uscc=uscc,
                is_customer=is_customer,
                is_vendor=is_vendor,
                home_entity=home,
                country=country,
                currency=currency,
                segment=segment,
                industry=rng.choice(_INDUSTRY_WORDS) if country == "CN" else "Trading",
                region=region,
                province=province,
                city=city,
                address=address,
                contact_name=fake.name() if country == "CN" else fake.romanized_name(),
                phone=fake.phone_number(),
                email=f"contact{i + 1:06d}@partner.example",
                credit_limit=credit,
                payment_terms_days=rng.choice([30, 30, 45, 60, 90]),
                owner_hr_id=rng.choice(owners) if is_customer else None,
                created_on=start - timedelta(days=rng.randint(1, 2000)),
            )
        )
    return companies


def _products(rng: random.Random, sizes: Sizes) -> list[Product]:
    products: list[Product] = []
    for i in range(sizes.products):
        # Every category gets products; goods more than services.
        cat = (
            PRODUCT_CATEGORIES[i % len(PRODUCT_CATEGORIES)]
            if i < len(PRODUCT_CATEGORIES)
            else rng.choices(PRODUCT_CATEGORIES, weights=[5, 2, 2, 3, 1, 2, 1, 1])[0]
        )
        code, cat_name, uom, vat, (clo, chi), (mlo, mhi), is_service = cat
        cost = money(Decimal(rng.randint(clo * 100, chi * 100)) / 100)
        price = money(cost * (1 + Decimal(str(round(rng.uniform(mlo, mhi), 3)))))
        word = rng.choice(_PRODUCT_WORDS[code])
        products.append(
            Product(
                sku=f"SKU{i + 1:04d}",
                name=f"{word} {code[0]}{rng.randint(100, 999)}",
                category_code=code,
                category_name=cat_name,
                uom=uom,
                std_cost=cost,
                list_price=price,
                vat_rate=Decimal(vat),
                is_service=is_service,
            )
        )
    return products


WORLD_CACHE = "world.pickle"


def save_world(world: World, folder: Path) -> Path:
    """Keep the World beside the demo it made, so ``advance`` need not rebuild it (seconds at
    scale 10: Faker's names). Only the demo's own generator writes this file."""
    path = folder / WORLD_CACHE
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(pickle.dumps(world, protocol=pickle.HIGHEST_PROTOCOL))
    tmp.replace(path)
    return path


def load_world(folder: Path | None, seed: int, scale: float) -> World:
    """The World kept in ``folder`` if it is the one for (seed, scale), else a new build."""
    path = folder / WORLD_CACHE if folder is not None else None
    if path is not None and path.is_file():
        try:
            world = pickle.loads(path.read_bytes())  # noqa: S301 (the demo's own file)
        except Exception:  # noqa: BLE001 (a stale or broken cache is rebuilt)
            world = None
        if isinstance(world, World) and (world.seed, world.scale) == (seed, scale):
            return world
    return build_world(seed, scale)


def build_world(seed: int, scale: float) -> World:
    """The group company for ``seed`` at ``scale`` (1.0 ≈ 50k sales orders, ~1M journal lines
    over the calendar year 2025). Deterministic."""
    if scale <= 0:
        raise ValueError(f"scale must be positive, got {scale}")
    rng = random.Random(seed)
    fake = Faker("zh_CN")
    fake.seed_instance(seed)
    start, end = date(2025, 1, 1), date(2025, 12, 31)
    sizes = _sizes(scale)
    entities = _entities(rng)
    units = _org_units(entities)
    employees = _employees(rng, fake, sizes, entities, units, start, end)
    companies = _companies(rng, fake, sizes, employees, start)
    products = _products(rng, sizes)
    return World(
        seed=seed,
        scale=scale,
        start_date=start,
        end_date=end,
        sizes=sizes,
        entities=entities,
        companies=companies,
        org_units=units,
        employees=employees,
        products=products,
    )


# --------------------------------------------------------------------------------------------
# Payroll (shared by HR exports and ERP payroll vouchers)
# --------------------------------------------------------------------------------------------

# Monthly IIT brackets (taxable income upper bound, rate, quick deduction), CNY.
_IIT_BRACKETS = [
    (Decimal(3000), Decimal("0.03"), Decimal(0)),
    (Decimal(12000), Decimal("0.10"), Decimal(210)),
    (Decimal(25000), Decimal("0.20"), Decimal(1410)),
    (Decimal(35000), Decimal("0.25"), Decimal(2660)),
    (Decimal(55000), Decimal("0.30"), Decimal(4410)),
    (Decimal(80000), Decimal("0.35"), Decimal(7160)),
    (None, Decimal("0.45"), Decimal(15160)),
]
_SI_BASE_CAP = Decimal(36549)  # Shanghai 2025 contribution base cap


def monthly_iit(taxable: Decimal) -> Decimal:
    """Monthly individual income tax on taxable income (after the 5,000 standard deduction)."""
    if taxable <= 0:
        return Decimal("0.00")
    for upper, rate, quick in _IIT_BRACKETS:
        if upper is None or taxable <= upper:
            return money(taxable * rate - quick)
    raise AssertionError("unreachable")


def is_employed_in(employee: Employee, year: int, month: int) -> bool:
    first = date(year, month, 1)
    last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    if employee.hire_date > last:
        return False
    return not (employee.termination_date is not None and employee.termination_date < first)


def monthly_payroll(world: World, employee: Employee, year: int, month: int) -> PayrollLine | None:
    """The payslip of ``employee`` for ``year``-``month``; None when not employed that month.

    Deterministic per (seed, employee, month): the bonus draws from its own Random, so adding
    or removing other employees never changes this one's pay.
    """
    if not is_employed_in(employee, year, month):
        return None
    rng = random.Random(f"{world.seed}/payroll/{employee.hr_id}/{year}-{month:02d}")
    unit = world.org_unit(employee.dept_code)
    base = employee.base_salary
    cn = employee.currency == "CNY"
    allowance = Decimal(600 if cn else 150)
    bonus = money(base * Decimal(rng.randint(0, 30)) / 100)
    if month == 12:
        bonus += base  # the 13th month
    gross = base + allowance + bonus
    if cn:
        si_base = min(base, _SI_BASE_CAP)
        si_emp = money(si_base * Decimal("0.105"))  # pension 8% + medical 2% + unemployment 0.5%
        hf_emp = money(si_base * Decimal("0.07"))
        tax = monthly_iit(gross - si_emp - hf_emp - Decimal(5000))
        # employer: pension 16%, medical 9.5%, unemployment 0.5%, injury 0.2%, housing fund 7%
        si_er = money(si_base * Decimal("0.334"))
    else:
        cpf_base = min(base, Decimal(7400))
        si_emp = money(cpf_base * Decimal("0.20"))  # CPF employee share
        hf_emp = Decimal("0.00")
        tax = Decimal("0.00")  # Singapore does not withhold income tax from salary
        si_er = money(cpf_base * Decimal("0.17"))
    return PayrollLine(
        hr_id=employee.hr_id,
        period=f"{year}-{month:02d}",
        entity_code=employee.entity_code,
        dept_code=employee.dept_code,
        cost_center_code=unit.cost_center_code,
        currency=employee.currency,
        base_salary=base,
        allowance=allowance,
        bonus=bonus,
        gross=gross,
        social_insurance_employee=si_emp,
        housing_fund_employee=hf_emp,
        income_tax=tax,
        net_pay=gross - si_emp - hf_emp - tax,
        social_insurance_employer=si_er,
    )


def payroll_totals_by_cost_center(
    world: World, entity_code: str, year: int, month: int
) -> dict[str, dict[str, Decimal]]:
    """Sum of payslips per cost centre for one entity and month: what the ERP books.

    Kept on the World once computed: the ERP asks for the same month three times (payroll
    voucher, payment, budget), and each answer draws every employee's payslip. Callers only
    read it."""
    cache = world._index.setdefault("payroll_totals", {})
    key = (entity_code, year, month)
    if key not in cache:
        cache[key] = _payroll_totals(world, entity_code, year, month)
    return cache[key]


def _payroll_totals(
    world: World, entity_code: str, year: int, month: int
) -> dict[str, dict[str, Decimal]]:
    totals: dict[str, dict[str, Decimal]] = {}
    for emp in world.employees_of(entity_code):
        line = monthly_payroll(world, emp, year, month)
        if line is None:
            continue
        t = totals.setdefault(
            line.cost_center_code,
            {
                k: Decimal("0.00")
                for k in ("gross", "si_employee", "hf_employee", "iit", "net", "si_employer")
            },
        )
        t["gross"] += line.gross
        t["si_employee"] += line.social_insurance_employee
        t["hf_employee"] += line.housing_fund_employee
        t["iit"] += line.income_tax
        t["net"] += line.net_pay
        t["si_employer"] += line.social_insurance_employer
    return dict(sorted(totals.items()))
