"""`yecai contract draft` from real sources — SQLite, PostgreSQL, MariaDB catalogues, CSV and
XLSX exports, a REST API's first page — and then ingesting with the drafted contract."""

from __future__ import annotations

from decimal import Decimal

import duckdb
import pytest
from openpyxl import Workbook

from demo.sqlio import _ensure_database, opened, parse_target
from ingestion.config import load_config
from ingestion.contract import load_contract
from ingestion.contract_sources import draft_contracts
from ingestion.runner import ingest
from tests.orchestration.demo_helpers import yecai
from tests.shared.company_config import contracts_root, write_company
from tests.shared.databases import checkout_database, mysql_url, pg_url
from tests.shared.rest_test_api import start_api
from yecai.errors import YecaiError
from yecai.settings import Paths

pytestmark = pytest.mark.integration

DB = checkout_database("yecai_contract_draft")
BACKENDS = {"sqlite": None, "postgresql": pg_url(DB), "mariadb": mysql_url(DB)}

DDL = [
    "drop table if exists sales_orders",
    "drop table if exists audit_log",
    """create table sales_orders (
        order_no varchar(20) not null,
        line_no integer not null,
        customer varchar(100),
        amount decimal(18,2) not null,
        fx_rate decimal(18,8),
        qty numeric(12,3),
        order_date date not null,
        updated_at timestamp not null,
        primary key (order_no, line_no)
    )""",
    "create table audit_log (event varchar(50), logged_at timestamp)",
]
ORDERS = [
    (
        "SO-1",
        1,
        "Acme",
        "1234567890123.45",
        "7.12345678",
        "2.500",
        "2025-03-01",
        "2025-03-01 10:00:00",
    ),
    ("SO-1", 2, None, "0.10", None, "1.000", "2025-03-01", "2025-03-02 11:30:00"),
    ("SO-2", 1, "Zenith", "99.99", "1.00000000", None, "2025-03-05", "2025-03-05 09:15:00"),
]


def make_database(kind: str, tmp_path) -> str:
    url = BACKENDS[kind] or f"sqlite:///{tmp_path / 'acme.sqlite'}"
    target = parse_target(url if kind != "sqlite" else str(tmp_path / "acme.sqlite"))
    _ensure_database(target)
    mark = "?" if kind == "sqlite" else "%s"
    with opened(target) as con:
        cur = con.cursor()
        for statement in DDL:
            cur.execute(statement)
        cur.executemany(f"insert into sales_orders values ({', '.join([mark] * 8)})", ORDERS)
        cur.execute(
            f"insert into audit_log values ({mark}, {mark})", ("login", "2025-03-01 08:00:00")
        )
    return url


@pytest.fixture
def home(tmp_path, monkeypatch):
    paths = Paths(home=tmp_path / "home")
    monkeypatch.setenv("YECAI_HOME", str(paths.home))
    return paths


@pytest.mark.parametrize("kind", sorted(BACKENDS))
def test_draft_from_a_sql_catalogue_then_ingest_with_it(home, tmp_path, monkeypatch, kind):
    monkeypatch.setenv("ACME_ERP_URL", make_database(kind, tmp_path))
    write_company(
        home,
        {
            "acme_erp": {
                "kind": "sql",
                "url_env": "ACME_ERP_URL",
                "entities": {"sales_orders": {}, "audit_log": {}},
            }
        },
    )
    outcomes = draft_contracts(load_config(home), "acme_erp")
    assert [o.written for o in outcomes] == [True, True]
    root = contracts_root(home)
    assert {o.path for o in outcomes} == {
        root / "acme_erp" / "sales_orders.yml",
        root / "acme_erp" / "audit_log.yml",
    }
    contract = load_contract("acme_erp", "sales_orders", root)
    types = {c.name: c.type for c in contract.columns}
    assert types == {
        "order_no": "varchar",
        "line_no": "bigint",
        "customer": "varchar",
        "amount": "decimal(18,2)",  # money: decimal with scale 2
        "fx_rate": "decimal(18,8)",
        "qty": "decimal(12,3)",
        "order_date": "date",
        "updated_at": "timestamp",
    }
    assert contract.primary_key == ("order_no", "line_no")
    required = {c.name for c in contract.columns if not c.nullable}
    assert required == {"order_no", "line_no", "amount", "order_date", "updated_at"}
    text = (root / "acme_erp" / "sales_orders.yml").read_text()
    assert "# cursor candidates (last-change times): updated_at" in text

    # No declared key: a TODO the loader refuses until a person names it.
    with pytest.raises(YecaiError, match="primary_key is still TODO"):
        load_contract("acme_erp", "audit_log", root)

    [landed] = ingest(home, source="acme_erp", entity="sales_orders")
    assert landed.status == "succeeded", landed.message
    assert landed.rows_read == len(ORDERS) == landed.rows_landed
    glob = home.raw / "acme_erp" / "sales_orders" / "batch=*" / "*.parquet"
    amounts = duckdb.sql(f"select amount from '{glob}' order by amount").fetchall()
    assert [a for (a,) in amounts] == [
        Decimal("0.10"),
        Decimal("99.99"),
        Decimal("1234567890123.45"),
    ]
    [refused] = ingest(home, source="acme_erp", entity="audit_log")
    assert refused.status == "failed" and "primary_key is still TODO" in refused.message

    # An existing contract is kept unless --force.
    (root / "acme_erp" / "sales_orders.yml").write_text(text + "# reviewed by hand\n")
    [kept] = draft_contracts(load_config(home), "acme_erp", "sales_orders")
    assert not kept.written and "reviewed by hand" in kept.path.read_text()
    [forced] = draft_contracts(load_config(home), "acme_erp", "sales_orders", force=True)
    assert forced.written and "reviewed by hand" not in forced.path.read_text()


HEADER = ["Employee No", "Full Name", "Hire Date", "Monthly Salary", "Last Modified"]
ROWS = [
    ["E0042", "张三", "2021-04-01", "12,345.60", "2025-03-01 09:00:00"],
    ["E0043", "李四", "2022-10-15", "8800.00", "2025-03-02 10:00:00"],
    ["E0044", "王五", "2024-01-02", "9100.5", "2025-03-03 11:00:00"],
]


@pytest.mark.parametrize("encoding", ["gbk", "utf-8-sig", "utf-8"])
def test_draft_from_a_csv_export_in_each_encoding_then_ingest(
    home, tmp_path, monkeypatch, encoding
):
    drop = tmp_path / "drop"
    drop.mkdir()
    lines = [",".join(HEADER)] + [",".join(f'"{v}"' for v in r) for r in ROWS]
    (drop / "staff_2025-03.csv").write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    write_company(home, {"people": {"kind": "files", "path": str(drop), "entities": {"staff": {}}}})
    [outcome] = draft_contracts(load_config(home), "people")
    assert outcome.written
    text = outcome.path.read_text()
    assert 'file_pattern: "staff_*.csv"' in text
    assert "Employee No: employee_no" in text  # the export's header kept in header_map
    with pytest.raises(YecaiError, match="primary_key is still TODO"):
        load_contract("people", "staff", contracts_root(home))
    assert "candidates unique and never blank in the sample: employee_no" in text
    assert "# cursor candidates (last-change times): last_modified" in text
    filled = text.replace("primary_key: TODO", "primary_key: [employee_no]  #")
    outcome.path.write_text(filled)
    contract = load_contract("people", "staff", contracts_root(home))
    types = {c.name: c.type for c in contract.columns}
    assert types == {
        "employee_no": "varchar",  # leading letters and zeros: a code, text
        "full_name": "varchar",
        "hire_date": "date",
        "monthly_salary": "decimal(18,2)",  # at most 2 decimals, thousands separators read
        "last_modified": "timestamp",
    }
    [landed] = ingest(home, source="people", entity="staff")
    assert landed.status == "succeeded", landed.message
    assert landed.rows_read == 3 == landed.rows_landed + landed.rows_quarantined
    assert landed.rows_quarantined == 0
    glob = home.raw / "people" / "staff" / "batch=*" / "*.parquet"
    got = duckdb.sql(f"select full_name, monthly_salary from '{glob}' order by 1").fetchall()
    assert ("张三", Decimal("12345.60")) in got


def test_draft_from_an_xlsx_with_a_title_row_and_chinese_headers(home, tmp_path):
    drop = tmp_path / "drop"
    drop.mkdir()
    wb = Workbook()
    ws = wb.active
    ws.append(["2025年3月 部门表"])  # a title row above the header
    ws.append(["部门编码", "部门名称", "成立日期", "预算"])
    ws.append(["D01", "财务部", "2020-01-01", 150000.25])
    ws.append(["D02", "销售部", "2021-06-30", 98000])
    wb.save(drop / "departments_2025-03.xlsx")
    write_company(
        home, {"people": {"kind": "files", "path": str(drop), "entities": {"departments": {}}}}
    )
    [outcome] = draft_contracts(load_config(home), "people", "departments")
    text = outcome.path.read_text()
    assert 'file_pattern: "departments_*.xlsx"' in text
    # Chinese headers: placeholder names a person renames, the header kept in header_map
    assert '"部门编码": column_1' in text and "give it an English name" in text
    outcome.path.write_text(text.replace("primary_key: TODO", "primary_key: [column_1]  #"))
    contract = load_contract("people", "departments", contracts_root(home))
    assert [c.type for c in contract.columns] == ["varchar", "varchar", "date", "decimal(18,2)"]
    [landed] = ingest(home, source="people", entity="departments")
    assert landed.status == "succeeded" and landed.rows_landed == 2, landed.message


def test_draft_from_a_rest_sample_page_then_ingest(home, monkeypatch):
    store = {
        f"P-{i}": {
            "id": f"P-{i}",
            "title": f"Widget {i}",
            "unitPrice": f"{i}.50",
            "weightKg": 0.125 * i,
            "active": i % 2 == 0,
            "releasedOn": "2024-05-01",
            "updatedAt": f"2025-01-0{i}T10:00:00.000000Z",
            "deleted": False,
        }
        for i in range(1, 8)
    }
    api = start_api(store)
    try:
        monkeypatch.setenv("PIM_URL", api.url)
        write_company(
            home,
            {
                "pim": {
                    "kind": "rest",
                    "url_env": "PIM_URL",
                    "rest": {
                        "records_path": "records",
                        "paginator": {
                            "type": "offset",
                            "offset_param": "offset",
                            "page_size_param": "limit",
                            "page_size": 5,
                        },
                        "deleted_field": "deleted",
                    },
                    "entities": {"products": {"endpoint": "/offset/invoices"}},
                }
            },
        )
        [outcome] = draft_contracts(load_config(home), "pim")
        assert len(api.requests) == 1  # a sample: the first page only
        text = outcome.path.read_text()
        assert "unitPrice: unit_price" in text and "updatedAt: updated_at" in text
        assert "candidates unique and never blank in the sample: id, title" in text
        outcome.path.write_text(text.replace("primary_key: TODO", "primary_key: [id]  #"))
        contract = load_contract("pim", "products", contracts_root(home))
        types = {c.name: c.type for c in contract.columns}
        assert types == {
            "id": "varchar",
            "title": "varchar",
            "unit_price": "decimal(18,2)",
            "weight_kg": "decimal(18,8)",
            "active": "boolean",
            "released_on": "date",
            "updated_at": "timestamp",
        }
        [landed] = ingest(home, source="pim")
    finally:
        api.stop()
    assert landed.status == "succeeded", landed.message
    assert landed.rows_read == 7 == landed.rows_landed


def test_cli_drafts_and_refuses_to_overwrite(home, tmp_path, monkeypatch):
    monkeypatch.setenv("ACME_ERP_URL", make_database("sqlite", tmp_path))
    write_company(
        home,
        {"acme_erp": {"kind": "sql", "url_env": "ACME_ERP_URL", "entities": {"sales_orders": {}}}},
    )
    first = yecai("contract", "draft", "--source", "acme_erp")
    assert first.returncode == 0, first.stderr
    assert "wrote" in first.stdout and "sales_orders.yml" in first.stdout
    second = yecai("contract", "draft", "--source", "acme_erp", "--entity", "sales_orders")
    assert second.returncode == 0 and "kept" in second.stdout and "--force" in second.stdout
    unknown = yecai("contract", "draft", "--source", "acme_erp", "--entity", "nope")
    assert unknown.returncode == 2 and "has no entity 'nope'" in unknown.stderr
    assert "Traceback" not in unknown.stderr
