"""advance() changes exactly what it records: new rows, changed rows, deleted rows."""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest

from demo import defects as D
from demo.defects import DefectConfig, DefectLog
from demo.erp.advance import advance_erp, next_sequences
from demo.erp.generate import SCHEMA_PATH, generate_erp, write_erp
from demo.sqlio import parse_target
from demo.tables import schema_columns, schema_primary_keys
from demo.world import build_world

pytestmark = pytest.mark.unit


def _snapshot(path: Path) -> dict[tuple[str, str], str]:
    """(table, primary key) → updated_at of every row."""
    sql = SCHEMA_PATH.read_text(encoding="utf-8")
    keys = schema_primary_keys(sql)
    out = {}
    with sqlite3.connect(path) as conn:
        for table in schema_columns(sql):
            if table == "demo_clock":
                continue
            for row in conn.execute(f"SELECT {', '.join(keys[table])}, updated_at FROM {table}"):
                out[(table, "|".join(str(v) for v in row[:-1]))] = row[-1]
    return out


@pytest.fixture()
def erp_file(tmp_path: Path) -> Path:
    world = build_world(42, 0.01)
    build = generate_erp(world, DefectLog(), DefectConfig())
    path = tmp_path / "erp.sqlite"
    write_erp(build.tables, parse_target(path))
    return path


def test_advance_changes_exactly_what_it_records(erp_file: Path) -> None:
    before = _snapshot(erp_file)
    log = DefectLog()
    result = advance_erp(parse_target(erp_file), 40, log, DefectConfig())
    after = _snapshot(erp_file)

    new = set(after) - set(before)
    gone = set(before) - set(after)
    changed = {k for k in set(before) & set(after) if before[k] != after[k]}
    recorded = defaultdict(set)
    for d in log.entries:
        recorded[d.kind].add((d.entity, d.key))

    assert new and new == recorded[D.NEW_RECORD]
    assert gone and gone == recorded[D.DELETED_RECORD]
    assert changed and changed == recorded[D.CHANGED_RECORD]
    assert result.to_date.isoformat() == "2026-02-09"
    with sqlite3.connect(erp_file) as conn:
        assert conn.execute("SELECT demo_date, advance_count FROM demo_clock").fetchone() == (
            "2026-02-09",
            1,
        )
        # New rows are stamped inside the window, even when their business date is earlier.
        assert all(after[k] >= "2026-01-01" for k in new)
        # January closed: payroll vouchers exist for it, and the new books still balance.
        assert (
            conn.execute(
                "SELECT COUNT(*) FROM journal_vouchers WHERE source_doc_type = 'PAYROLL' "
                "AND source_doc_no LIKE '%|2026-01'"
            ).fetchone()[0]
            > 0
        )
        new_vouchers = {k.split("|")[0] for t, k in new if t == "journal_vouchers"}
        unbalanced = {d.key for d in log.of_kind(D.UNBALANCED_VOUCHER)}
        for voucher_no in new_vouchers - unbalanced:
            (diff,) = conn.execute(
                "SELECT SUM(debit) - SUM(credit) FROM journal_lines WHERE voucher_no = ?",
                (voucher_no,),
            ).fetchone()
            assert abs(Decimal(str(diff))) < Decimal("0.005"), voucher_no


def test_two_advances_continue_numbering(erp_file: Path) -> None:
    advance_erp(parse_target(erp_file), 3, DefectLog(), DefectConfig())
    advance_erp(
        parse_target(erp_file), 3, DefectLog(), DefectConfig()
    )  # would raise on a duplicate key
    with sqlite3.connect(erp_file) as conn:
        assert conn.execute("SELECT demo_date, advance_count FROM demo_clock").fetchone() == (
            "2026-01-06",
            2,
        )


def test_next_sequences_picks_the_highest_number_per_prefix() -> None:
    seq, vseq = next_sequences(
        {"sales_orders": ["SO2500000009", "SO2500000010", "SO2600000002"]},
        ["1000-202512-000041", "1000-202512-000007", "2000-202601-000003"],
    )
    assert seq == {"SO25": 10, "SO26": 2}
    assert vseq == {("1000", "202512"): 41, ("2000", "202601"): 3}
