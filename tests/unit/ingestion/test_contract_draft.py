"""Drafting contracts: type mapping, inference from samples, names, and the YAML it writes."""

from __future__ import annotations

from decimal import Decimal

import pytest
import yaml

from ingestion.contract import parse_contract
from ingestion.contract_draft import (
    ColumnDraft,
    Draft,
    column_name,
    cursor_candidates,
    file_pattern,
    json_type,
    key_candidates,
    render,
    sql_type,
    text_type,
)
from yecai.errors import YecaiError

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    "native, expected",
    [
        ("DECIMAL(18,2)", "decimal(18,2)"),
        ("numeric(12,2)", "decimal(18,2)"),  # scale 2 is money, whatever the precision
        ("numeric(18,8)", "decimal(18,8)"),
        ("decimal(10,0)", "bigint"),
        ("NUMERIC", "decimal(38,10)"),
        ("money", "decimal(18,2)"),
        ("integer", "bigint"),
        ("int(11)", "bigint"),
        ("bigint unsigned", "bigint"),
        ("smallint", "bigint"),
        ("tinyint(1)", "boolean"),
        ("boolean", "boolean"),
        ("double precision", "double"),
        ("real", "double"),
        ("date", "date"),
        ("timestamp without time zone", "timestamp"),
        ("timestamp with time zone", "timestamp"),
        ("datetime(6)", "timestamp"),
        ("character varying(40)", "varchar"),
        ("TEXT", "varchar"),
        ("", "varchar"),
        ("uuid", "varchar"),
    ],
)
def test_declared_sql_types_map_to_contract_types(native, expected):
    assert sql_type(native)[0] == expected


def test_unclear_types_carry_a_note_for_a_person():
    assert "no scale" in sql_type("numeric")[1]
    assert "money" in sql_type("float")[1]


@pytest.mark.parametrize(
    "values, expected",
    [
        (["2025-03-01", None, "2024-12-31"], "date"),
        (["2025-03-01 10:00:00", "2025-03-01T10:00:00.5Z"], "timestamp"),
        (["1", "42", "-7"], "bigint"),
        (["0042", "0043"], "varchar"),  # a code with leading zeros stays text
        (["12.50", "3", "1,234.56"], "decimal(18,2)"),
        (["0.12345678", "1.5"], "decimal(18,8)"),
        (["A1", "2"], "varchar"),
        ([None, " "], "varchar"),
    ],
)
def test_sample_text_gets_the_narrowest_type_that_fits_every_value(values, expected):
    assert text_type(values)[0] == expected


@pytest.mark.parametrize(
    "values, expected",
    [
        ([True, False, None], "boolean"),
        ([1, 2], "bigint"),
        ([Decimal("1.25"), 3], "decimal(18,2)"),
        ([0.125], "decimal(18,8)"),
        (["2025-01-01"], "date"),
        ([{"a": 1}], "varchar"),
        ([None], "varchar"),
    ],
)
def test_json_fields_get_a_type(values, expected):
    assert json_type(values)[0] == expected


@pytest.mark.parametrize(
    "header, expected",
    [
        ("Employee No", ("employee_no", True)),
        ("unitPrice", ("unit_price", True)),
        ("Straße", ("strasse", True)),
        ("2024 Budget", ("c_2024_budget", True)),
        ("工号", ("column_3", False)),
    ],
)
def test_column_names_from_headers(header, expected):
    assert column_name(header, 3) == expected


def test_file_patterns_make_dates_and_numbers_wild():
    assert file_pattern("payroll_2025-03.csv") == "payroll_*.csv"
    assert file_pattern("staff.xlsx") == "staff.xlsx"
    assert file_pattern("export_20250301_v2.csv") == "export_*_v*.csv"


def test_cursor_and_key_candidates():
    cols = [
        ColumnDraft("id", "varchar"),
        ColumnDraft("updated_at", "timestamp"),
        ColumnDraft("LastModified", "timestamp"),
        ColumnDraft("created_at", "timestamp"),
        ColumnDraft("modified_by", "varchar"),
    ]
    assert cursor_candidates(cols) == ["updated_at", "LastModified"]
    assert key_candidates(["a", "b", "c"], [[1, "x", None], [2, "x", "y"]]) == ["a"]


def test_a_draft_is_a_contract_once_its_key_is_named():
    draft = Draft(
        source="acme",
        entity="orders",
        origin="a test",
        columns=[
            ColumnDraft("order_no", "varchar", nullable=False, source_name="Order No"),
            ColumnDraft("amount", "decimal(18,2)", note="money?"),
            ColumnDraft("null", "varchar"),
            ColumnDraft("updated_at", "timestamp"),
        ],
        key_candidates=["order_no"],
        file_pattern="orders_*.csv",
    )
    text = render(draft)
    data = yaml.safe_load(text)
    with pytest.raises(YecaiError, match="primary_key is still TODO"):
        parse_contract(data, "acme", "orders")
    data["primary_key"] = ["order_no"]
    contract = parse_contract(data, "acme", "orders")
    assert [c.name for c in contract.columns] == ["order_no", "amount", "null", "updated_at"]
    assert contract.header_map == {"Order No": "order_no"}
    assert contract.file_pattern == "orders_*.csv" and contract.cursor is None
    assert "# cursor: updated_at" in text and "candidates" in text and "money?" in text
    draft.primary_key = ["order_no"]
    assert parse_contract(yaml.safe_load(render(draft)), "acme", "orders").primary_key == (
        "order_no",
    )
