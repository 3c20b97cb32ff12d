"""The ERP written while it is generated (flat memory at scale 10) is the same ERP."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from demo.defects import DefectConfig, DefectLog
from demo.erp.generate import SCHEMA_PATH, generate_erp, write_erp
from demo.sqlio import parse_target
from demo.tables import TableSet
from demo.world import build_world

pytestmark = pytest.mark.unit


def _rows(path: Path) -> dict[str, list[tuple]]:
    """Every table's rows in insertion (rowid) order."""
    with sqlite3.connect(path) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {t: conn.execute(f"SELECT * FROM {t} ORDER BY rowid").fetchall() for t in tables}


def test_tableset_hands_full_batches_to_its_sink_in_order() -> None:
    received: list[tuple[str, list[tuple]]] = []
    tables = TableSet(SCHEMA_PATH, sink=lambda t, rows: received.append((t, rows)), flush_rows=3)
    cols = tables.columns["warehouses"]
    for i in range(7):
        tables.add("warehouses", **{c: f"{c}{i}" for c in cols})
    tables.add("cost_centers", **dict.fromkeys(tables.columns["cost_centers"], "x"))

    assert [(t, len(rows)) for t, rows in received] == [("warehouses", 3), ("warehouses", 3)]
    assert tables.counts()["warehouses"] == 7 and tables.counts()["cost_centers"] == 1
    tables.flush()
    sent = [row for t, rows in received if t == "warehouses" for row in rows]
    assert [row[0] for row in sent] == [f"{cols[0]}{i}" for i in range(7)]
    assert [t for t, _ in received[2:]] == ["warehouses", "cost_centers"]  # schema order
    assert all(not rows for rows in tables.rows.values())
    assert tables.counts()["warehouses"] == 7  # counts survive the flush


def test_flush_without_a_sink_is_an_error() -> None:
    with pytest.raises(ValueError, match="no sink"):
        TableSet(SCHEMA_PATH).flush()


def test_streamed_erp_equals_the_one_written_at_once(tmp_path: Path) -> None:
    world = build_world(42, 0.01)
    at_once_log, streamed_log = DefectLog(), DefectLog()
    at_once = generate_erp(world, at_once_log, DefectConfig())
    write_erp(at_once.tables, parse_target(tmp_path / "at_once.sqlite"))
    # Small batches, so tables are written many times, interleaved, while generation runs.
    streamed = generate_erp(
        world, streamed_log, DefectConfig(), parse_target(tmp_path / "streamed.sqlite"), 500
    )

    expected = _rows(tmp_path / "at_once.sqlite")
    assert len(expected["journal_lines"]) > 5 * 500
    assert _rows(tmp_path / "streamed.sqlite") == expected
    assert streamed.tables.counts() == {t: len(r) for t, r in expected.items()}
    assert all(not rows for rows in streamed.tables.rows.values())  # nothing held back
    assert streamed_log.entries == at_once_log.entries
    assert streamed.customer_numbers == at_once.customer_numbers
