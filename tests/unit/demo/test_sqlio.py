"""Targets and schema parsing (pure), and the ground truth file format."""

from __future__ import annotations

import csv
import sqlite3
from pathlib import Path

import pytest

from demo.defects import DefectLog
from demo.erp.generate import SCHEMA_PATH
from demo.erp2.generate import SCHEMA_PATH as SCHEMA2_PATH
from demo.generate import redact_url
from demo.sqlio import TargetError, parse_target
from demo.tables import schema_columns, schema_primary_keys, schema_statements

pytestmark = pytest.mark.unit


def test_parse_targets() -> None:
    pg = parse_target("postgresql://postgres@127.0.0.1:5432/yecai_demo_x")
    assert (pg.dialect, pg.user, pg.port, pg.database) == (
        "postgresql",
        "postgres",
        5432,
        "yecai_demo_x",
    )
    my = parse_target("mysql+pymysql://root:s3cret@db:3307/erp")
    assert (my.dialect, my.host, my.port, my.password) == ("mysql", "db", 3307, "s3cret")
    assert parse_target("mariadb://root@h/erp").port == 3306
    assert parse_target("/tmp/x/erp.sqlite").sqlite_path == Path("/tmp/x/erp.sqlite")
    assert parse_target("sqlite:////tmp/e.sqlite").sqlite_path == Path("/tmp/e.sqlite")
    with pytest.raises(TargetError, match="scheme"):
        parse_target("oracle://u@h/db")
    with pytest.raises(TargetError, match="names no database"):
        parse_target("postgresql://u@h:5432")


def test_redact_url_drops_password() -> None:
    assert redact_url("mysql://root:s3cret@db:3306/erp") == "mysql://root@db:3306/erp"
    assert redact_url("/tmp/erp.sqlite") == "/tmp/erp.sqlite"


@pytest.mark.parametrize("schema", [SCHEMA_PATH, SCHEMA2_PATH])
def test_schema_parser_agrees_with_sqlite(schema: Path) -> None:
    sql = schema.read_text(encoding="utf-8")
    conn = sqlite3.connect(":memory:")
    for stmt in schema_statements(sql):
        conn.execute(stmt)
    columns = schema_columns(sql)
    keys = schema_primary_keys(sql)
    for table, cols in columns.items():
        info = conn.execute(f"PRAGMA table_info({table})").fetchall()
        assert [r[1] for r in info] == cols
        assert [r[1] for r in sorted((r for r in info if r[5]), key=lambda r: r[5])] == keys[table]
        assert "updated_at" in cols and keys[table], table


def test_ground_truth_csv_round_trips(tmp_path: Path) -> None:
    log = DefectLog()
    log.record("invalid_uscc", "erp", "customers", "C000101", "tax_id 9131…, real 9131…")
    log.record("missing_key", "erp", "journal_lines", "1000-202503-000001|20")
    path = log.write_csv(tmp_path / "ground_truth.csv")
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["kind", "system", "entity", "key", "detail"]
    assert rows[2] == ["missing_key", "erp", "journal_lines", "1000-202503-000001|20", ""]
    assert DefectLog.read_csv(path).entries == log.entries
    with pytest.raises(ValueError, match="unknown defect kind"):
        log.record("typo", "erp", "x", "1")
