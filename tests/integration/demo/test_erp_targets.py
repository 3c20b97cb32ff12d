"""The same seed loads the same ERP into SQLite, PostgreSQL and MariaDB (real servers)."""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import psycopg
import pymysql
import pytest

from demo.defects import DefectConfig, DefectLog
from demo.erp.advance import OPEN_PAYABLES, OPEN_RECEIVABLES, advance_erp
from demo.erp.generate import SCHEMA_PATH, generate_erp, write_erp
from demo.sqlio import connect, parse_target, read_table, table_counts
from demo.tables import schema_columns, schema_primary_keys
from demo.world import build_world
from tests.shared.databases import PG_ADMIN_URL, checkout_database, mysql_url, pg_url

pytestmark = pytest.mark.integration

DB_NAME = checkout_database("yecai_demo_it")
PG_URL = pg_url(DB_NAME)
MY_URL = mysql_url(DB_NAME)
CHECKED = [
    "customers",
    "chart_of_accounts",
    "customer_invoices",
    "journal_vouchers",
    "journal_lines",
    "exchange_rates",
]


def _norm(value: object) -> str:
    """One text form per value whatever the driver returned (SQLite gives floats and strings)."""
    if value is None:
        return "∅"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (float, Decimal)):
        return format(Decimal(str(value)).normalize(), "f")
    text = str(value)
    try:
        return (
            format(Decimal(text).normalize(), "f")
            if text.replace(".", "", 1).lstrip("-").isdigit()
            else text
        )
    except ArithmeticError:
        return text


def _checksum(url_or_path: str, table: str) -> str:
    sql = SCHEMA_PATH.read_text(encoding="utf-8")
    conn = connect(parse_target(url_or_path))
    try:
        rows = read_table(conn, table, schema_columns(sql)[table], schema_primary_keys(sql)[table])
    finally:
        conn.close()
    h = hashlib.sha256()
    for row in rows:
        h.update("\x1f".join(_norm(v) for v in row).encode())
    return h.hexdigest()


def _open_items(url_or_path: str, query: str) -> list[tuple[str, ...]]:
    conn = connect(parse_target(url_or_path))
    try:
        cur = conn.cursor()
        cur.execute(query)
        return [tuple(_norm(v) for v in row) for row in cur.fetchall()]
    finally:
        conn.close()


def _drop_databases() -> None:
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as pg:
        pg.execute(f"DROP DATABASE IF EXISTS {DB_NAME}")
    my = pymysql.connect(host="127.0.0.1", user="root", password="")
    with my.cursor() as cur:
        cur.execute(f"DROP DATABASE IF EXISTS {DB_NAME}")
    my.close()


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    _drop_databases()
    world = build_world(42, 0.01)
    tables = generate_erp(world, DefectLog(), DefectConfig()).tables
    sqlite_path = tmp_path_factory.mktemp("erp") / "erp.sqlite"
    for target in (str(sqlite_path), PG_URL, MY_URL):
        write_erp(tables, parse_target(target))
    yield sqlite_path
    _drop_databases()


@pytest.mark.parametrize("url", [PG_URL, MY_URL], ids=["postgresql", "mariadb"])
def test_same_rows_as_sqlite(loaded: Path, url: str) -> None:
    sql = SCHEMA_PATH.read_text(encoding="utf-8")
    expected = table_counts(parse_target(str(loaded)), sql)
    assert expected["journal_lines"] > 1000
    assert table_counts(parse_target(url), sql) == expected
    for table in CHECKED:
        assert _checksum(url, table) == _checksum(str(loaded), table), table


@pytest.mark.parametrize("url", [PG_URL, MY_URL], ids=["postgresql", "mariadb"])
def test_money_keeps_cents_and_books_balance_in_the_server(loaded: Path, url: str) -> None:
    conn = connect(parse_target(url))
    try:
        cur = conn.cursor()
        cur.execute("SELECT SUM(debit), SUM(credit) FROM journal_lines")
        debit, credit = cur.fetchone()
        assert isinstance(debit, Decimal) and debit.as_tuple().exponent == -2
        cur.execute(
            "SELECT voucher_no FROM journal_lines GROUP BY voucher_no HAVING SUM(debit) <> SUM(credit)"
        )
        off = {r[0] for r in cur.fetchall()}
    finally:
        conn.close()
    log = DefectLog()
    generate_erp(build_world(42, 0.01), log, DefectConfig())
    assert off == log.keys("unbalanced_voucher", "erp", "journal_vouchers")


@pytest.mark.parametrize("url", [PG_URL, MY_URL], ids=["postgresql", "mariadb"])
def test_advance_works_in_the_server(loaded: Path, url: str) -> None:
    # Before advancing: the open-item queries (joins on derived tables) find the same invoices
    # and booked amounts in the server as in SQLite, which is never advanced here.
    for query in (OPEN_RECEIVABLES, OPEN_PAYABLES):
        found = {target: _open_items(target, query) for target in (str(loaded), url)}
        assert found[url] and found[url] == found[str(loaded)]
    log = DefectLog()
    result = advance_erp(parse_target(url), 5, log, DefectConfig())
    assert result.inserted["sales_orders"] > 0
    conn = connect(parse_target(url))
    try:
        cur = conn.cursor()
        cur.execute("SELECT demo_date FROM demo_clock")
        assert cur.fetchone()[0] == date(2026, 1, 5)
        cur.execute("SELECT COUNT(*) FROM sales_orders WHERE order_date > '2025-12-31'")
        assert cur.fetchone()[0] == result.inserted["sales_orders"] - len(
            log.keys("late_arriving", "erp", "sales_orders")
        )
    finally:
        conn.close()
