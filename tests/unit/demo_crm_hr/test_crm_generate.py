"""The generated CRM store holds every defect the DefectLog claims, and no unclaimed ones."""

from __future__ import annotations

import sqlite3
import unicodedata
from datetime import date, datetime, timedelta

import pytest

from demo import defects as dk
from demo.crm.generate import generate_crm
from demo.defects import DefectConfig, DefectLog
from demo.uscc import is_valid_uscc
from demo.world import build_world

pytestmark = pytest.mark.unit

# High rates so a small World still shows every kind of defect.
LOUD = DefectConfig(
    duplicate_row=0.08,
    missing_key=0.05,
    invalid_uscc=0.2,
    cross_system_alias=0.3,
    late_arriving=0.1,
    retroactive_change=0.1,
    deleted_record=0.05,
)


@pytest.fixture(scope="module")
def world():
    return build_world(seed=11, scale=0.02)


@pytest.fixture(scope="module")
def generated(world, tmp_path_factory):
    db = tmp_path_factory.mktemp("crm") / "crm.sqlite"
    log = DefectLog()
    generate_crm(world, db, log, LOUD)
    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    yield con, log
    con.close()


def rows(con, entity):
    return {r["id"]: dict(r) for r in con.execute(f"select * from {entity}")}


def name_key(name: str) -> str:
    text = unicodedata.normalize("NFKC", name).casefold()
    text = (
        "".join(text.split())
        .replace("有限责任公司", "有限公司")
        .replace("股份公司", "股份有限公司")
    )
    return text.replace("(", "").replace(")", "")


def ts(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ")


def test_every_kind_the_crm_injects_is_present(generated):
    _, log = generated
    kinds = {d.kind for d in log.entries if d.system == "crm"}
    assert kinds >= {
        dk.CROSS_SYSTEM_ALIAS,
        dk.DUPLICATE_ROW,
        dk.INVALID_USCC,
        dk.MISSING_KEY,
        dk.LATE_ARRIVING,
        dk.RETROACTIVE_CHANGE,
        dk.DELETED_RECORD,
    }


def test_alias_accounts_are_spelled_differently_from_the_erp_but_are_that_company(generated, world):
    con, log = generated
    accounts = rows(con, "accounts")
    by_uscc = {c.uscc: c for c in world.companies if c.uscc}
    by_name = {c.legal_name: c for c in world.companies}
    for d in log.of_kind(dk.CROSS_SYSTEM_ALIAS, "crm"):
        account = accounts[d.key]
        field, _, value = d.detail.partition("=")
        company = by_uscc[value] if field == "uscc" else by_name[value]
        assert account["name"] != company.legal_name
        assert name_key(account["name"]) == name_key(company.legal_name)


def test_accounts_not_logged_as_alias_use_the_registered_name(generated, world):
    con, log = generated
    aliased = {d.key for d in log.entries if d.kind in (dk.CROSS_SYSTEM_ALIAS, dk.DUPLICATE_ROW)}
    legal_names = {c.legal_name for c in world.companies}
    customer_names = {c.legal_name for c in world.customers()}
    in_erp = [a for a in rows(con, "accounts").values() if a["name"] in legal_names]
    assert len(in_erp) >= len(customer_names) - len(aliased)
    for account in rows(con, "accounts").values():
        if account["id"] not in aliased and name_key(account["name"]) in {
            name_key(n) for n in customer_names
        }:
            assert account["name"] in customer_names


def test_invalid_usccs_are_exactly_the_logged_ones(generated):
    con, log = generated
    logged = log.keys(dk.INVALID_USCC, "crm", "accounts")
    failing = {
        a["id"]
        for a in rows(con, "accounts").values()
        if a["uscc"] and not is_valid_uscc(a["uscc"])
    }
    assert logged and failing == logged


def test_missing_account_keys_are_exactly_the_logged_ones(generated):
    con, log = generated
    logged = log.keys(dk.MISSING_KEY, "crm", "opportunities")
    missing = {o["id"] for o in rows(con, "opportunities").values() if o["account_id"] is None}
    assert logged and missing == logged


def test_duplicates_point_at_an_original_of_the_same_thing(generated):
    con, log = generated
    accounts, opps = rows(con, "accounts"), rows(con, "opportunities")
    for d in log.of_kind(dk.DUPLICATE_ROW, "crm"):
        original_id = d.detail.split()[2]
        if d.entity == "accounts":
            dup, orig = accounts[d.key], accounts[original_id]
            assert dup["id"] != orig["id"]
            assert name_key(dup["name"]) == name_key(orig["name"])
        else:
            dup, orig = opps[d.key], opps[original_id]
            for col in ("account_id", "name", "amount", "currency", "expected_close_date"):
                assert dup[col] == orig[col]
            assert dup["created_at"] >= orig["created_at"]


def test_late_arriving_deals_closed_long_before_they_were_entered(generated):
    con, log = generated
    opps = rows(con, "opportunities")
    for d in log.of_kind(dk.LATE_ARRIVING, "crm"):
        opp = opps[d.key]
        entered = ts(opp["created_at"]).date()
        assert opp["stage"] in ("closed_won", "closed_lost")
        assert date.fromisoformat(opp["expected_close_date"]) < entered - timedelta(days=40)


def test_retroactive_changes_edited_an_old_closed_deal_much_later(generated):
    con, log = generated
    opps = rows(con, "opportunities")
    for d in log.of_kind(dk.RETROACTIVE_CHANGE, "crm"):
        opp = opps[d.key]
        new_amount = d.detail.split()[3]
        assert opp["amount"] == new_amount
        assert ts(opp["updated_at"]).date() > date.fromisoformat(opp["expected_close_date"])


def test_deleted_opportunities_are_soft_deleted_not_gone(generated):
    con, log = generated
    opps = rows(con, "opportunities")
    logged = log.keys(dk.DELETED_RECORD, "crm", "opportunities")
    assert logged
    deleted = {o["id"] for o in opps.values() if o["deleted_at"] is not None}
    assert deleted == logged
    assert all(opps[k]["updated_at"] == opps[k]["deleted_at"] for k in logged)


def test_leavers_logins_are_soft_deleted_and_logged(generated, world):
    con, log = generated
    users = rows(con, "users")
    deleted = {u for u, row in users.items() if row["deleted_at"] is not None}
    leavers = {
        e.crm_owner_id
        for e in world.sales_people()
        if e.crm_owner_id and e.termination_date and e.termination_date <= world.end_date
    }
    assert deleted, "the world has no leaver with a CRM login: the test shows nothing"
    assert deleted == leavers
    assert deleted == log.keys(dk.DELETED_RECORD, "crm", "users")


def test_money_is_decimal_text_with_a_currency(generated):
    con, _ = generated
    for opp in rows(con, "opportunities").values():
        whole, _, cents = opp["amount"].partition(".")
        assert whole.isdigit() and len(cents) == 2
        assert opp["currency"] in {"CNY", "USD", "SGD"}


def test_owners_are_crm_users_of_sales_people(generated, world):
    con, _ = generated
    users = rows(con, "users")
    sales_owner_ids = {e.crm_owner_id for e in world.sales_people()}
    assert set(users) == sales_owner_ids
    for opp in rows(con, "opportunities").values():
        assert opp["owner_id"] in users


def test_clean_config_gives_a_clean_store_and_an_empty_log(world, tmp_path):
    db = tmp_path / "crm.sqlite"
    log = DefectLog()
    generate_crm(world, db, log, DefectConfig.none())
    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    # Leavers' logins are deactivated whatever the defect rates (that is business, not an
    # injected fault), and a deleted record the pipeline will see is always in the log.
    deleted_users = {u for u, row in rows(con, "users").items() if row["deleted_at"] is not None}
    assert {(d.kind, d.entity, d.key) for d in log.entries} == {
        (dk.DELETED_RECORD, "users", u) for u in deleted_users
    }
    assert all(is_valid_uscc(a["uscc"]) for a in rows(con, "accounts").values() if a["uscc"])
    assert all(o["account_id"] for o in rows(con, "opportunities").values())
    con.close()


def test_generation_is_deterministic(world, tmp_path):
    dumps = []
    for name in ("a.sqlite", "b.sqlite"):
        generate_crm(world, tmp_path / name, DefectLog(), LOUD)
        con = sqlite3.connect(tmp_path / name)
        dumps.append(list(con.iterdump()))
        con.close()
    assert dumps[0] == dumps[1]


def test_alias_detail_names_the_erp_customer_number_when_there_is_no_uscc(world, tmp_path):
    numbers = {c.party_id: f"C{i:06d}" for i, c in enumerate(world.customers(), start=100)}
    log = DefectLog()
    generate_crm(world, tmp_path / "crm.sqlite", log, LOUD, erp_customer_numbers=numbers)
    details = [d.detail for d in log.of_kind(dk.CROSS_SYSTEM_ALIAS, "crm")]
    no_uscc = {f"erp_customer_no={numbers[c.party_id]}" for c in world.customers() if not c.uscc}
    with_uscc = {f"uscc={c.uscc}" for c in world.customers() if c.uscc}
    assert details and all(d in no_uscc | with_uscc for d in details)
    assert any(d.startswith("erp_customer_no=") for d in details)
