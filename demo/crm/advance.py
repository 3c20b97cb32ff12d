"""Move the CRM forward in time: new records, edits and soft deletes, for incremental loads.

``advance_crm(db_path, days, seed, defect_log)`` reads the CRM clock from the store, and
over the next ``days`` days adds opportunities and prospect accounts, moves open deals
through their stages, soft-deletes some records, and (once per call) makes a late-arriving
entry and a retroactive change. Every change is recorded in the DefectLog
(new_record / changed_record / deleted_record / late_arriving / retroactive_change) so an
incremental sync can be checked against it. Deterministic for (store, days, seed).
"""

from __future__ import annotations

import random
import sqlite3
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from faker import Faker

from demo import defects as dk
from demo.crm import store
from demo.crm.generate import (
    CLOSED_STAGES,
    OPEN_STAGES,
    SYSTEM,
    account_id,
    contact_id,
    opportunity_id,
)
from demo.crm.timeline import CLOCK_KEY, moment_between, parse_ts, ts
from demo.defects import DefectLog
from demo.errors import DemoError
from demo.world import money

NEW_OPPORTUNITIES_PER_DAY = 2
STAGE_MOVES_PER_DAY = 3
NEW_PROSPECTS_PER_WEEK = 1
DELETES_PER_WEEK = 1


def next_stage(stage: str, rng: random.Random) -> str:
    """The stage a deal moves to next; negotiation ends won or lost."""
    if stage == "negotiation":
        return "closed_won" if rng.random() < 0.6 else "closed_lost"
    return OPEN_STAGES[OPEN_STAGES.index(stage) + 1]


def advance_crm(db_path: Path, days: int, seed: int, defect_log: DefectLog) -> datetime:
    """Advance the CRM at ``db_path`` by ``days`` days; returns the new CRM clock (UTC)."""
    if days < 1:
        raise DemoError(f"cannot advance the CRM by {days} days", "pass days >= 1")
    with store.open_store(Path(db_path)) as con:
        clock_text = store.get_meta(con, CLOCK_KEY)
        if clock_text is None:
            raise DemoError(
                f"CRM store {db_path} has no clock (it was not made by generate_crm)",
                "regenerate the demo with `yecai demo generate`",
            )
        start = parse_ts(clock_text)
        end = start + timedelta(days=days)
        rng = random.Random(f"{seed}/crm-advance/{clock_text}/{days}")
        fake = Faker("zh_CN")
        fake.seed_instance(rng.randrange(1 << 30))
        step = _Step(con, rng, defect_log, start, end)
        weeks = max(1, days // 7)
        for _ in range(NEW_PROSPECTS_PER_WEEK * weeks):
            _add_prospect(step, fake)
        for _ in range(NEW_OPPORTUNITIES_PER_DAY * days):
            _add_opportunity(step)
        for _ in range(STAGE_MOVES_PER_DAY * days):
            _move_stage(step)
        for _ in range(DELETES_PER_WEEK * weeks):
            _soft_delete(step, "opportunities")
            _soft_delete(step, "contacts")
        _late_arriving(step)
        _retroactive_change(step)
        store.set_meta(con, CLOCK_KEY, ts(end))
    return end


class _Step:
    """One advance: the open store, its Random, and the time window changes fall into."""

    def __init__(
        self,
        con: sqlite3.Connection,
        rng: random.Random,
        log: DefectLog,
        start: datetime,
        end: datetime,
    ) -> None:
        self.con, self.rng, self.log, self.start, self.end = con, rng, log, start, end

    def when(self) -> str:
        return ts(moment_between(self.start + timedelta(seconds=1), self.end, self.rng))

    def next_id(self, entity: str, make_id: Any) -> str:
        # ids are 'XXX-<number>'; compare numbers, not text, so ACC-100000 sorts after ACC-99999
        row = self.con.execute(f"select max(cast(substr(id, 5) as integer)) from {entity}")
        last = row.fetchone()[0] or 0
        return make_id(last + 1)

    def pick(self, sql: str, params: tuple = ()) -> dict[str, Any] | None:
        """A random row of ``sql`` (ordered by id first, so the draw is deterministic)."""
        rows = self.con.execute(f"{sql} order by id", params).fetchall()
        return dict(self.rng.choice(rows)) if rows else None

    def record(self, kind: str, entity: str, key: str, detail: str) -> None:
        self.log.record(kind, SYSTEM, entity, key, detail)


def _add_prospect(step: _Step, fake: Faker) -> None:
    when = step.when()
    acc = {
        "id": step.next_id("accounts", account_id),
        "name": f"{fake.city_name()}{fake.company_prefix()}科技有限公司",
        "uscc": None,
        "industry": "科技",
        "city": fake.city_name(),
        "owner_id": _any_owner(step),
        "created_at": when,
        "updated_at": when,
        "deleted_at": None,
    }
    store.insert_rows(step.con, "accounts", [acc])
    step.record(dk.NEW_RECORD, "accounts", acc["id"], f"prospect {acc['name']}")
    con = {
        "id": step.next_id("contacts", contact_id),
        "account_id": acc["id"],
        "full_name": fake.name(),
        "title": "采购经理",
        "phone": fake.phone_number(),
        "email": fake.email(),
        "created_at": when,
        "updated_at": when,
        "deleted_at": None,
    }
    store.insert_rows(step.con, "contacts", [con])
    step.record(dk.NEW_RECORD, "contacts", con["id"], f"contact of {acc['id']}")


def _any_owner(step: _Step) -> str | None:
    user = step.pick("select id from users where deleted_at is null")
    return None if user is None else user["id"]


def _add_opportunity(step: _Step) -> None:
    account = step.pick("select id, owner_id from accounts where deleted_at is null")
    template = step.pick("select name, currency, amount from opportunities")
    if account is None or template is None:
        return
    when = step.when()
    close = (parse_ts(when) + timedelta(days=step.rng.randint(20, 120))).date()
    amount = money(Decimal(template["amount"]) * Decimal(step.rng.randint(50, 150)) / 100)
    opp = {
        "id": step.next_id("opportunities", opportunity_id),
        "account_id": account["id"],
        "name": template["name"],
        "stage": "prospecting",
        "amount": str(amount),
        "currency": template["currency"],
        "expected_close_date": close.isoformat(),
        "owner_id": account["owner_id"],
        "created_at": when,
        "updated_at": when,
        "deleted_at": None,
    }
    store.insert_rows(step.con, "opportunities", [opp])
    step.record(dk.NEW_RECORD, "opportunities", opp["id"], f"{amount} {opp['currency']}")


def _move_stage(step: _Step) -> None:
    placeholders = ", ".join("?" for _ in OPEN_STAGES)
    opp = step.pick(
        f"select id, stage from opportunities where deleted_at is null "
        f"and stage in ({placeholders})",
        OPEN_STAGES,
    )
    if opp is None:
        return
    new_stage = next_stage(opp["stage"], step.rng)
    # Changes within one advance must stay in time order per record: never before its last one.
    when = max(step.when(), _updated_at(step, "opportunities", opp["id"]))
    step.con.execute(
        "update opportunities set stage = ?, updated_at = ? where id = ?",
        (new_stage, when, opp["id"]),
    )
    step.record(
        dk.CHANGED_RECORD, "opportunities", opp["id"], f"stage {opp['stage']} → {new_stage}"
    )


def _soft_delete(step: _Step, entity: str) -> None:
    row = step.pick(f"select id from {entity} where deleted_at is null")
    if row is None:
        return
    when = max(step.when(), _updated_at(step, entity, row["id"]))
    step.con.execute(
        f"update {entity} set deleted_at = ?, updated_at = ? where id = ?", (when, when, row["id"])
    )
    step.record(dk.DELETED_RECORD, entity, row["id"], "soft-deleted: served with deleted=true")


def _late_arriving(step: _Step) -> None:
    """A deal won two months ago, typed in only now."""
    account = step.pick("select id, owner_id from accounts where deleted_at is null")
    template = step.pick("select name, currency, amount from opportunities")
    if account is None or template is None:
        return
    when = step.when()
    close = (step.start - timedelta(days=step.rng.randint(45, 90))).date()
    opp = {
        "id": step.next_id("opportunities", opportunity_id),
        "account_id": account["id"],
        "name": template["name"],
        "stage": "closed_won",
        "amount": template["amount"],
        "currency": template["currency"],
        "expected_close_date": close.isoformat(),
        "owner_id": account["owner_id"],
        "created_at": when,
        "updated_at": when,
        "deleted_at": None,
    }
    store.insert_rows(step.con, "opportunities", [opp])
    step.record(
        dk.LATE_ARRIVING,
        "opportunities",
        opp["id"],
        f"expected_close_date {opp['expected_close_date']} entered {when}",
    )


def _retroactive_change(step: _Step) -> None:
    """The amount of a deal closed over a month ago is corrected now."""
    cutoff = (step.start - timedelta(days=30)).date().isoformat()
    opp = step.pick(
        "select id, amount, currency, expected_close_date from opportunities "
        "where deleted_at is null and stage = ? and expected_close_date < ?",
        (CLOSED_STAGES[0], cutoff),
    )
    if opp is None:
        return
    old = Decimal(opp["amount"])
    new = money(old * Decimal("0.95"))
    when = max(step.when(), _updated_at(step, "opportunities", opp["id"]))
    step.con.execute(
        "update opportunities set amount = ?, updated_at = ? where id = ?",
        (str(new), when, opp["id"]),
    )
    step.record(
        dk.RETROACTIVE_CHANGE,
        "opportunities",
        opp["id"],
        f"amount {old} → {new} {opp['currency']} on {when} (closed {opp['expected_close_date']})",
    )


def _updated_at(step: _Step, entity: str, record_id: str) -> str:
    return step.con.execute(
        f"select updated_at from {entity} where id = ?", (record_id,)
    ).fetchone()[0]
