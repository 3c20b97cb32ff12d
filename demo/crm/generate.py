"""Fill the CRM's store from the demo World, injecting the defects a real CRM has.

The CRM knows the same customers as the ERP, but under its own ids (``ACC-00042``) and with
names spelled the way sales reps type them. It also holds prospects the ERP never heard
of, contacts, opportunities (stage, amount with currency, expected close date, owner) and
its users (the sales people, by CRM owner id). Injected defects, each recorded in the
DefectLog with the CRM's own key:

- cross_system_alias: account name spelled differently from the ERP's customer
  (detail = the USCC or ERP customer name it really is)
- duplicate_row: the same company / opportunity entered twice (detail = the original id)
- invalid_uscc: a USCC typed with a wrong character
- missing_key: an opportunity without an account
- late_arriving: a deal closed months ago entered only at the end of the year
- retroactive_change: a deal closed months ago whose amount was edited much later
- deleted_record: a soft-deleted opportunity, and a leaver's deactivated login (users), both
  served with ``"deleted": true``
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from faker import Faker

from demo import defects as dk
from demo.crm import store
from demo.crm.aliases import crm_alias
from demo.crm.timeline import (
    CLOCK_KEY,
    end_of_day_utc,
    moment_between,
    moment_on,
    parse_ts,
    ts,
)
from demo.defects import DefectConfig, DefectLog
from demo.uscc import corrupt_uscc, make_uscc
from demo.world import CN_CITIES, Company, World, money

SYSTEM = "crm"
OPEN_STAGES = ("prospecting", "qualification", "proposal", "negotiation")
CLOSED_STAGES = ("closed_won", "closed_lost")
CONTACT_TITLES = ("采购经理", "采购专员", "财务经理", "总经理", "技术总监", "项目经理", "Buyer")
# Rough CNY per unit of the customer's currency, to quote deals in the customer's currency.
CNY_PER = {"CNY": Decimal("1"), "USD": Decimal("7.20"), "SGD": Decimal("5.35")}
USCC_ENTERED_SHARE = 0.7  # reps fill in the USCC for about 70 % of Chinese accounts
PROSPECT_SHARE = 0.1  # accounts the ERP never sees (never became customers)


def account_id(n: int) -> str:
    return f"ACC-{n:05d}"


def contact_id(n: int) -> str:
    return f"CON-{n:05d}"


def opportunity_id(n: int) -> str:
    return f"OPP-{n:05d}"


def erp_identity(company: Company, erp_customer_numbers: Mapping[str, str]) -> str:
    """What ties a CRM account to the ERP's customer, for the DefectLog detail: the USCC,
    else the ERP customer number (when the caller knows it), else the registered name."""
    if company.uscc:
        return f"uscc={company.uscc}"
    if company.party_id in erp_customer_numbers:
        return f"erp_customer_no={erp_customer_numbers[company.party_id]}"
    return f"erp_name={company.legal_name}"


@dataclass
class _Builder:
    """Accumulates rows while the generator walks the World; ids count up per entity."""

    world: World
    rng: random.Random
    log: DefectLog
    config: DefectConfig
    clock: datetime
    accounts: list[dict[str, Any]] = field(default_factory=list)
    contacts: list[dict[str, Any]] = field(default_factory=list)
    opportunities: list[dict[str, Any]] = field(default_factory=list)
    users: list[dict[str, Any]] = field(default_factory=list)
    company_of_account: dict[str, Company | None] = field(default_factory=dict)
    erp_numbers: Mapping[str, str] = field(default_factory=dict)

    def record(self, kind: str, entity: str, key: str, detail: str) -> None:
        self.log.record(kind, SYSTEM, entity, key, detail)


def generate_crm(
    world: World,
    db_path: Path,
    defect_log: DefectLog,
    config: DefectConfig,
    erp_customer_numbers: Mapping[str, str] | None = None,
) -> None:
    """Write the CRM store at ``db_path`` (replacing any old one) for ``world``.

    Deterministic for the World's seed. Every injected defect is recorded in ``defect_log``.
    ``erp_customer_numbers`` (party_id → ERP customer_no, from the ERP generator) lets the
    cross_system_alias detail name the ERP customer for companies without a USCC.
    """
    db_path = Path(db_path)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    for stale in (db_path, db_path.with_name(db_path.name + "-journal")):
        stale.unlink(missing_ok=True)
    rng = random.Random(f"{world.seed}/crm")
    fake = Faker("zh_CN")
    fake.seed_instance(world.seed + 7)
    b = _Builder(world, rng, defect_log, config, clock=end_of_day_utc(world.end_date))
    b.erp_numbers = dict(erp_customer_numbers or {})
    _build_users(b)
    _build_accounts(b, fake)
    _build_contacts(b, fake)
    _build_opportunities(b)
    with store.open_store(db_path, must_exist=False) as con:
        store.create_schema(con)
        for entity, rows in (
            ("users", b.users),
            ("accounts", b.accounts),
            ("contacts", b.contacts),
            ("opportunities", b.opportunities),
        ):
            store.insert_rows(con, entity, rows)
        store.set_meta(con, CLOCK_KEY, ts(b.clock))
        store.set_meta(con, "seed", str(world.seed))


# --- users ------------------------------------------------------------------------------------


def _build_users(b: _Builder) -> None:
    for emp in b.world.sales_people():
        if emp.crm_owner_id is None:
            continue
        created = moment_on(max(emp.hire_date, b.world.start_date - timedelta(days=400)), b.rng)
        deleted = None
        updated = created
        if emp.termination_date is not None and emp.termination_date <= b.world.end_date:
            # The admin deactivates a leaver's login; the CRM keeps the user as soft-deleted.
            updated = moment_on(emp.termination_date, b.rng)
            deleted = ts(updated)
            # A soft delete like any other: served with deleted=true, so it is in the log.
            b.record(
                dk.DELETED_RECORD,
                "users",
                emp.crm_owner_id,
                "leaver's login deactivated: served with deleted=true",
            )
        b.users.append(
            {
                "id": emp.crm_owner_id,
                "login": emp.email.split("@")[0],
                "full_name": emp.name,
                "email": emp.email,
                "employee_no": emp.hr_id,
                "created_at": ts(created),
                "updated_at": ts(updated),
                "deleted_at": deleted,
            }
        )


# --- accounts ---------------------------------------------------------------------------------


def _owner_for(b: _Builder, company: Company | None) -> str | None:
    if company is not None and company.owner_hr_id:
        return b.world.employee(company.owner_hr_id).crm_owner_id
    owners = [u["id"] for u in b.users]
    return b.rng.choice(owners) if owners else None


def _account_row(
    b: _Builder, name: str, uscc: str | None, company: Company | None, city: str, created: datetime
) -> dict[str, Any]:
    updated = moment_between(created, min(created + timedelta(days=200), b.clock), b.rng)
    return {
        "id": account_id(len(b.accounts) + 1),
        "name": name,
        "uscc": uscc,
        "industry": company.industry if company else b.rng.choice(("科技", "贸易", "制造")),
        "city": city,
        "owner_id": _owner_for(b, company),
        "created_at": ts(created),
        "updated_at": ts(updated),
        "deleted_at": None,
    }


def _build_accounts(b: _Builder, fake: Faker) -> None:
    customers = sorted(b.world.customers(), key=lambda c: (c.created_on, c.party_id))
    for company in customers:
        # Draw every defect for every account, in a fixed order, so one rate never shifts
        # the random stream of another (DefectConfig.hit always draws).
        alias_hit = b.config.hit(b.rng, dk.CROSS_SYSTEM_ALIAS)
        uscc_hit = b.config.hit(b.rng, dk.INVALID_USCC)
        dup_hit = b.config.hit(b.rng, dk.DUPLICATE_ROW)
        entered_uscc = company.uscc is not None and b.rng.random() < USCC_ENTERED_SHARE

        name = company.legal_name
        if alias_hit:
            name, _style = _alias_for(company, b.rng)
        uscc = company.uscc if entered_uscc else None
        if uscc is not None and uscc_hit:
            uscc = corrupt_uscc(b.rng, uscc)
        row = _account_row(
            b, name, uscc, company, company.city, moment_on(company.created_on, b.rng)
        )
        b.accounts.append(row)
        b.company_of_account[row["id"]] = company
        if alias_hit:
            b.record(
                dk.CROSS_SYSTEM_ALIAS, "accounts", row["id"], erp_identity(company, b.erp_numbers)
            )
        if uscc is not None and uscc != company.uscc:
            b.record(dk.INVALID_USCC, "accounts", row["id"], f"uscc {uscc} (true {company.uscc})")
        if dup_hit:
            # A second rep creates the same company again later, often spelled differently.
            dup_name = company.legal_name if b.rng.random() < 0.5 else _alias_for(company, b.rng)[0]
            created = moment_between(
                moment_on(company.created_on, b.rng) + timedelta(days=30), b.clock, b.rng
            )
            dup = _account_row(b, dup_name, None, company, company.city, created)
            b.accounts.append(dup)
            b.company_of_account[dup["id"]] = company
            b.record(
                dk.DUPLICATE_ROW,
                "accounts",
                dup["id"],
                f"duplicate of {row['id']} ({erp_identity(company, b.erp_numbers)})",
            )

    # Prospects: companies the sales team talks to that never became ERP customers.
    taken = {c.legal_name for c in b.world.companies}
    for _ in range(max(3, round(len(customers) * PROSPECT_SHARE))):
        _province, city, _region, division = b.rng.choice(CN_CITIES)
        name = f"{city}{fake.company_prefix()}{b.rng.choice(('科技', '电子', '贸易'))}有限公司"
        if name in taken:
            continue
        taken.add(name)
        uscc = make_uscc(b.rng, division) if b.rng.random() < 0.5 else None
        created = moment_on(b.world.start_date + timedelta(days=b.rng.randrange(0, 330)), b.rng)
        row = _account_row(b, name, uscc, None, city, created)
        b.accounts.append(row)
        b.company_of_account[row["id"]] = None


def _alias_for(company: Company, rng: random.Random) -> tuple[str, str]:
    """One of the World's alias spellings, or a CRM typing habit (case, width, spaces)."""
    if company.aliases and rng.random() < 0.6:
        return rng.choice(company.aliases), "world_alias"
    return crm_alias(company.legal_name, rng)


# --- contacts ---------------------------------------------------------------------------------


def _build_contacts(b: _Builder, fake: Faker) -> None:
    for account in b.accounts:
        company = b.company_of_account[account["id"]]
        for i in range(b.rng.choice((1, 1, 2, 3))):
            use_company_contact = company is not None and i == 0
            name = company.contact_name if use_company_contact else fake.name()
            created = moment_between(
                parse_ts(account["created_at"]), parse_ts(account["updated_at"]), b.rng
            )
            b.contacts.append(
                {
                    "id": contact_id(len(b.contacts) + 1),
                    "account_id": account["id"],
                    "full_name": name,
                    "title": b.rng.choice(CONTACT_TITLES),
                    "phone": company.phone if use_company_contact else fake.phone_number(),
                    "email": company.email if use_company_contact else fake.email(),
                    "created_at": ts(created),
                    "updated_at": ts(created),
                    "deleted_at": None,
                }
            )


# --- opportunities ----------------------------------------------------------------------------


def deal_amount(rng: random.Random, list_price: Decimal, currency: str) -> Decimal:
    """A quoted deal: some units at list price less a discount, in the customer's currency."""
    qty = rng.randint(1, 60)
    discount = Decimal(rng.randint(0, 15)) / 100
    return money(list_price * qty * (1 - discount) / CNY_PER.get(currency, Decimal("1")))


def _stage_for(close: date, clock_day: date, rng: random.Random) -> str:
    if close < clock_day - timedelta(days=20):
        return "closed_won" if rng.random() < 0.55 else "closed_lost"
    return rng.choice(OPEN_STAGES)


def _build_opportunities(b: _Builder) -> None:
    world, rng = b.world, b.rng
    clock_day = world.end_date
    accounts = list(b.accounts)
    products = world.products
    for _ in range(world.sizes.crm_opportunities):
        missing_hit = b.config.hit(rng, dk.MISSING_KEY)
        dup_hit = b.config.hit(rng, dk.DUPLICATE_ROW)
        late_hit = b.config.hit(rng, dk.LATE_ARRIVING)
        retro_hit = b.config.hit(rng, dk.RETROACTIVE_CHANGE)
        deleted_hit = b.config.hit(rng, dk.DELETED_RECORD)

        account = rng.choice(accounts)
        company = b.company_of_account[account["id"]]
        currency = company.currency if company else "CNY"
        product = rng.choice(products)
        close = world.start_date + timedelta(days=rng.randrange(0, 365 + 60))
        stage = _stage_for(close, clock_day, rng)
        created = moment_on(close - timedelta(days=rng.randint(15, 120)), rng)
        if created > b.clock:
            created = b.clock - timedelta(days=1)
        updated = moment_between(created, min(moment_on(close, rng), b.clock), rng)
        row = {
            "id": opportunity_id(len(b.opportunities) + 1),
            "account_id": account["id"],
            "name": f"{product.name} 项目",
            "stage": stage,
            "amount": str(deal_amount(rng, product.list_price, currency)),
            "currency": currency,
            "expected_close_date": close.isoformat(),
            "owner_id": account["owner_id"] if rng.random() < 0.9 else _owner_for(b, None),
            "created_at": ts(created),
            "updated_at": ts(updated),
            "deleted_at": None,
        }
        closed_long_ago = stage in CLOSED_STAGES and close < clock_day - timedelta(days=60)
        if late_hit and closed_long_ago:
            # Won in spring, typed in during the year-end clean-up: business date is old,
            # created_at/updated_at are recent.
            entered = moment_between(b.clock - timedelta(days=14), b.clock, rng)
            row["created_at"] = row["updated_at"] = ts(entered)
            b.record(
                dk.LATE_ARRIVING,
                "opportunities",
                row["id"],
                f"expected_close_date {close.isoformat()} entered {row['created_at']}",
            )
        elif retro_hit and closed_long_ago:
            old = Decimal(row["amount"])
            new = money(old * Decimal("1.08"))
            edited = moment_between(b.clock - timedelta(days=30), b.clock, rng)
            row["amount"], row["updated_at"] = str(new), ts(edited)
            b.record(
                dk.RETROACTIVE_CHANGE,
                "opportunities",
                row["id"],
                f"amount {old} → {new} {currency} on {row['updated_at']} "
                f"(closed {close.isoformat()})",
            )
        if missing_hit:
            row["account_id"] = None
            b.record(
                dk.MISSING_KEY,
                "opportunities",
                row["id"],
                f"account_id missing (was {account['id']})",
            )
        if deleted_hit:
            removed = moment_between(parse_ts(row["updated_at"]), b.clock, rng)
            row["updated_at"] = row["deleted_at"] = ts(removed)
            b.record(
                dk.DELETED_RECORD,
                "opportunities",
                row["id"],
                "soft-deleted: served with deleted=true",
            )
        b.opportunities.append(row)
        if dup_hit and not deleted_hit:
            dup = dict(row)
            dup["id"] = opportunity_id(len(b.opportunities) + 1)
            dup_created = moment_between(parse_ts(row["created_at"]), b.clock, rng)
            dup["created_at"] = dup["updated_at"] = ts(dup_created)
            b.opportunities.append(dup)
            b.record(dk.DUPLICATE_ROW, "opportunities", dup["id"], f"duplicate of {row['id']}")
