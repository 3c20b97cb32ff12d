"""Contracts as data, and how a source's columns are matched and drift is described."""

from __future__ import annotations

import duckdb
import pytest

from demo.install import COMPANY_DIR
from ingestion.contract import contract_entities, load_contract, parse_contract
from ingestion.validation import cast_sql, detect_drift, match_columns
from yecai.errors import YecaiError

pytestmark = pytest.mark.unit

BASE = {
    "primary_key": ["id"],
    "header_map": {"编号": "id", "个税": "tax", "个人所得税": "tax"},
    "columns": [
        {"name": "id", "type": "varchar", "nullable": False},
        {"name": "amount", "type": "decimal(18,2)"},
        {"name": "tax", "type": "decimal(18,2)"},
        {"name": "note", "type": "varchar"},
    ],
}
CONTRACT = parse_contract(BASE, "s", "e")


def test_every_contract_of_the_demo_company_loads_and_covers_its_four_sources():
    root = COMPANY_DIR / "contracts"
    for source in ("erp", "erp2", "crm", "hr"):
        for entity in contract_entities(source, root):
            contract = load_contract(source, entity, root)
            assert contract.primary_key
    assert {"employees", "org_units", "payroll"} <= set(contract_entities("hr", root))
    assert {"users", "accounts", "contacts", "opportunities"} <= set(contract_entities("crm", root))
    assert "journal_lines" in contract_entities("erp", root)


def test_the_product_ships_no_contract():
    assert not list((COMPANY_DIR.parents[1] / "ingestion").rglob("*.yml"))


def test_a_misspelt_cursor_or_key_in_a_contract_names_the_column_it_meant():
    with pytest.raises(YecaiError) as exc:
        parse_contract({**BASE, "cursor": "amont"}, "s", "e", where="contracts/s/e.yml")
    assert "cursor 'amont'" in exc.value.what and "did you mean 'amount'" in exc.value.what
    with pytest.raises(YecaiError) as exc:
        parse_contract({**BASE, "primary_key": ["idd"]}, "s", "e", where="contracts/s/e.yml")
    assert "'idd'" in exc.value.what and "did you mean 'id'" in exc.value.what


@pytest.mark.parametrize(
    "change, message",
    [
        ({"primary_key": ["nope"]}, "primary_key"),
        ({"columns": [{"name": "id", "type": "money"}]}, "type"),
        ({"on_drift": "ignore"}, "on_drift"),
        ({"header_map": {"x": "y"}}, "header_map"),
    ],
)
def test_contract_mistakes_are_errors_naming_the_file(change, message):
    with pytest.raises(YecaiError) as exc:
        parse_contract({**BASE, **change}, "s", "e", where="contracts/s/e.yml")
    assert "contracts/s/e.yml" in exc.value.what and message in exc.value.what


def test_columns_match_by_header_alias_and_ignoring_case():
    mapping = match_columns(["编号", "AMOUNT", "个税", "Note"], CONTRACT)
    assert mapping == {"id": "编号", "amount": "AMOUNT", "tax": "个税", "note": "Note"}


def test_added_column_is_reported_not_missing():
    drift = detect_drift(["id", "amount", "tax", "note", "备注"], CONTRACT, ignore=set())
    assert drift.missing == () and drift.added == ("备注",)
    assert [c.change for c in drift.changes] == ["added"]


def test_rename_known_to_the_contract_is_mapped_and_reported():
    drift = detect_drift(["编号", "amount", "个人所得税", "note"], CONTRACT, ignore=set())
    assert drift.missing == ()
    [change] = drift.changes
    assert change.change == "renamed" and "个税" in change.detail and "个人所得税" in change.detail


def test_unknown_rename_is_missing_with_a_guess():
    drift = detect_drift(["id", "amount_cny", "tax", "note"], CONTRACT, ignore=set())
    assert drift.missing == ("amount",)
    [change] = drift.changes
    assert change.change == "renamed" and "amount_cny?" in change.detail


def test_removed_column_is_reported_as_removed():
    drift = detect_drift(["id", "amount", "tax"], CONTRACT, ignore=set())
    assert [(c.change, c.columns) for c in drift.changes] == [("removed", ("note",))]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("12,345.60", "12345.60"),
        (" 7.5 ", "7.50"),
        ("1,2", None),  # not a thousands pattern: must not become 12
        ("abc", None),
        ("", None),
    ],
)
def test_decimal_cast_accepts_thousands_separators_only_in_their_shape(text, expected):
    value = duckdb.sql(f"select {cast_sql(repr(text), 'decimal(18,2)')}").fetchone()[0]
    assert (None if value is None else str(value)) == expected


@pytest.mark.parametrize("ctype", ["decimal(18,2)", "bigint", "double", "date", "timestamp"])
def test_fast_cast_path_gives_what_the_full_cast_gives(ctype):
    # cast_sql tries a plain cast first and falls back to the full one (trim, thousands,
    # offsets); the result must be the full cast's, value for value, on the awkward cases.
    from ingestion.validation import _full_cast_sql

    values = ["12", " 12", "12 ", "4e ", "4e", "1e3", "\xa012", "1,234.50", "1,2", "", "  ",
              "abc", "2025-01-01", "2025-01-01 10:00:00", " 2025-01-01 10:00:00",
              "2025-01-01 10:00:00+08:00", "2025-01-01 10:00:0Z", "2025-01-01T10:00:00Z",
              "2025-02-30 10:00:00", None]  # fmt: skip
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")
    con.execute("create table v (x varchar)")
    con.executemany("insert into v values (?)", [[v] for v in values])
    differ = con.execute(
        f"select x from v where {cast_sql('x', ctype)} is distinct from {_full_cast_sql('x', ctype)}"
    ).fetchall()
    assert differ == []
    assert con.execute(f"select count({cast_sql('x', ctype)}) from v").fetchone()[0] > 0


def test_timestamp_cast_honours_offsets_and_lands_utc():
    value = duckdb.sql(
        "set TimeZone='UTC'; select " + cast_sql("'2025-03-01 10:00:00+08:00'", "timestamp")
    ).fetchone()[0]
    assert value.isoformat() == "2025-03-01T02:00:00"


@pytest.mark.parametrize(
    "url, dialect, target",
    [
        ("sqlite:////abs/erp.sqlite", "sqlite", "/abs/erp.sqlite"),
        ("sqlite:///rel/erp.sqlite", "sqlite", "rel/erp.sqlite"),
        (
            "postgresql+psycopg://u:p%40ss@db:5433/erp",
            "postgresql",
            "host=db port=5433 user=u password=p@ss dbname=erp",
        ),
        ("mysql://root@127.0.0.1/erp", "mysql", "host=127.0.0.1 user=root database=erp"),
    ],
)
def test_database_urls_become_duckdb_attach_targets(url, dialect, target):
    from ingestion.connectors.sql import parse_sql_url, redact

    assert parse_sql_url(url) == (dialect, target)
    assert "p%40ss" not in redact(url)


def test_unsupported_url_scheme_says_which_are_supported():
    from ingestion.connectors.sql import parse_sql_url

    with pytest.raises(YecaiError) as exc:
        parse_sql_url("oracle://u@h/db")
    assert "oracle" in exc.value.what and "postgresql://" in exc.value.fix


def test_look_back_window_starts_before_the_watermark():
    from ingestion.connectors.sql import lower_bound

    assert lower_bound("2025-01-07 11:00:00", "timestamp", 3) == "2025-01-04 11:00:00"
    assert lower_bound("2025-01-07T11:00:00.123456Z", "timestamp", 0.5) == (
        "2025-01-06 23:00:00.123456"
    )
    assert lower_bound(None, "timestamp", 3) is None  # first run: read everything
    assert lower_bound("42", "bigint", 3) == "42"  # a numeric cursor has no time window


def test_text_cursor_is_compared_as_an_instant_not_as_text():
    from ingestion.connectors.sql import extract_sql

    con = duckdb.connect()
    con.execute("set TimeZone='UTC'")
    con.execute(
        "create table t as select * from (values ('a', '2025-01-05T09:00:00Z'), "
        "('b', '2025-01-05 08:00:00'), ('c', null)) v(id, ts)"
    )
    sql = extract_sql("t", "ts", "VARCHAR", "2025-01-05 08:30:00", "timestamp")
    got = sorted(r[0] for r in con.execute(sql).fetchall())
    assert got == ["a", "c"]  # a NULL cursor is read (and judged by the contract), never skipped
