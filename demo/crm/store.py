"""The CRM's own store: one SQLite file with accounts, contacts, opportunities and users.

Every record has ``created_at`` / ``updated_at`` (the store's UTC timestamp text, see
``paging.format_timestamp``) and ``deleted_at``: the CRM soft-deletes, so a delete is an
update that the API still serves with ``"deleted": true``.
Money is stored as decimal text ("1234.50") with its currency, never as a float.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from demo.crm.paging import Position
from demo.errors import DemoError

# Entities the API serves, in the order a client should load them.
ENTITIES: tuple[str, ...] = ("users", "accounts", "contacts", "opportunities")

SCHEMA = """
create table if not exists crm_meta (
    key   text primary key,
    value text not null
);
create table if not exists users (
    id          text primary key,      -- CRM owner id, e.g. 'U-0007'
    login       text not null,
    full_name   text not null,
    email       text,
    employee_no text,                  -- HR 工号 as the CRM admin typed it (may be blank)
    created_at  text not null,
    updated_at  text not null,
    deleted_at  text
);
create table if not exists accounts (
    id          text primary key,      -- e.g. 'ACC-00042'
    name        text not null,         -- company name spelled the CRM's way
    uscc        text,                  -- unified social credit code, if the rep entered one
    industry    text,
    city        text,
    owner_id    text,
    created_at  text not null,
    updated_at  text not null,
    deleted_at  text
);
create table if not exists contacts (
    id          text primary key,      -- e.g. 'CON-00042'
    account_id  text,
    full_name   text not null,
    title       text,
    phone       text,
    email       text,
    created_at  text not null,
    updated_at  text not null,
    deleted_at  text
);
create table if not exists opportunities (
    id                  text primary key,  -- e.g. 'OPP-00042'
    account_id          text,              -- may be missing (a defect)
    name                text not null,
    stage               text not null,
    amount              text not null,     -- decimal text, 2 places
    currency            text not null,
    expected_close_date text,
    owner_id            text,
    created_at          text not null,
    updated_at          text not null,
    deleted_at          text
);
create index if not exists ix_users_sync on users (updated_at, id);
create index if not exists ix_accounts_sync on accounts (updated_at, id);
create index if not exists ix_contacts_sync on contacts (updated_at, id);
create index if not exists ix_opportunities_sync on opportunities (updated_at, id);
"""


def connect(db_path: Path, *, must_exist: bool = True) -> sqlite3.Connection:
    """Open the store. With ``must_exist`` a missing file is a user error, not a new empty DB."""
    if must_exist and not Path(db_path).is_file():
        raise DemoError(
            f"CRM store {db_path} does not exist",
            "generate the demo first (`yecai demo generate`), or pass the right --db path",
        )
    con = sqlite3.connect(db_path, check_same_thread=False, timeout=30)
    con.row_factory = sqlite3.Row
    return con


def create_schema(con: sqlite3.Connection) -> None:
    con.executescript(SCHEMA)


@contextmanager
def open_store(db_path: Path, *, must_exist: bool = True) -> Iterator[sqlite3.Connection]:
    con = connect(db_path, must_exist=must_exist)
    try:
        with con:
            yield con
    finally:
        con.close()


def table_columns(con: sqlite3.Connection, entity: str) -> list[str]:
    _check_entity(entity)
    return [row[1] for row in con.execute(f"pragma table_info({entity})")]


def insert_rows(con: sqlite3.Connection, entity: str, rows: Sequence[dict[str, Any]]) -> None:
    if not rows:
        return
    _check_entity(entity)
    columns = list(rows[0].keys())
    placeholders = ", ".join("?" for _ in columns)
    con.executemany(
        f"insert into {entity} ({', '.join(columns)}) values ({placeholders})",
        [tuple(row[c] for c in columns) for row in rows],
    )


def get_meta(con: sqlite3.Connection, key: str) -> str | None:
    row = con.execute("select value from crm_meta where key = ?", (key,)).fetchone()
    return None if row is None else row[0]


def set_meta(con: sqlite3.Connection, key: str, value: str) -> None:
    con.execute(
        "insert into crm_meta (key, value) values (?, ?) "
        "on conflict (key) do update set value = excluded.value",
        (key, value),
    )


def fetch_page(
    con: sqlite3.Connection,
    entity: str,
    *,
    updated_since: str | None,
    after: Position | None,
    limit: int,
) -> tuple[list[dict[str, Any]], bool]:
    """One page in ``(updated_at, id)`` order, and whether more records follow it."""
    _check_entity(entity)
    where: list[str] = []
    params: list[Any] = []
    if updated_since is not None:
        where.append("updated_at >= ?")
        params.append(updated_since)
    if after is not None:
        where.append("(updated_at > ? or (updated_at = ? and id > ?))")
        params.extend([after.updated_at, after.updated_at, after.record_id])
    clause = f"where {' and '.join(where)}" if where else ""
    rows = con.execute(
        f"select * from {entity} {clause} order by updated_at, id limit ?",
        [*params, limit + 1],
    ).fetchall()
    records = [dict(row) for row in rows[:limit]]
    return records, len(rows) > limit


def to_api_record(record: dict[str, Any]) -> dict[str, Any]:
    """Store row → API JSON object: soft delete shown as ``deleted`` (bool) + ``deleted_at``."""
    out = dict(record)
    out["deleted"] = record.get("deleted_at") is not None
    return out


def _check_entity(entity: str) -> None:
    # Table names cannot be bound as parameters; only these known names reach SQL.
    if entity not in ENTITIES:
        raise DemoError(f"unknown CRM entity {entity!r}", f"use one of {', '.join(ENTITIES)}")
