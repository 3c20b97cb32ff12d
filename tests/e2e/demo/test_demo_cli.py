"""`yecai demo generate` and `yecai demo advance` as a user runs them."""

from __future__ import annotations

import csv
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from demo.uscc import is_valid_uscc

pytestmark = pytest.mark.e2e


def _yecai(home: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "YECAI_HOME": str(home), "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "orchestration.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=Path(__file__).resolve().parents[3],
    )


def _ground_truth(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_generate_then_advance(tmp_path: Path) -> None:
    home = tmp_path / "home"
    run = _yecai(home, "demo", "generate", "--seed", "7", "--scale", "0.01")
    assert run.returncode == 0, run.stderr
    assert (
        "journal_lines" in run.stdout and "injected defects" in run.stdout and "total" in run.stdout
    )
    demo = home / "demo"
    for name in ("erp.sqlite", "erp2.sqlite", "crm.sqlite", "ground_truth.csv", "demo.json"):
        assert (demo / name).exists(), name
    assert any((demo / "hr_drop").iterdir())
    assert json.loads((demo / "demo.json").read_text(encoding="utf-8"))["seed"] == 7

    truth = _ground_truth(demo / "ground_truth.csv")
    assert {row["system"] for row in truth} >= {"erp", "erp2", "crm", "hr"}
    with sqlite3.connect(demo / "erp.sqlite") as conn:
        tax_ids = dict(conn.execute("SELECT customer_no, tax_id FROM customers"))
        (seed,) = conn.execute("SELECT seed FROM demo_clock").fetchone()
    assert seed == 7
    for row in truth:
        if (
            row["system"] == "erp"
            and row["kind"] == "invalid_uscc"
            and row["entity"] == "customers"
        ):
            assert not is_valid_uscc(tax_ids[row["key"]])

    before = len(truth)
    run = _yecai(home, "demo", "advance", "--days", "3")
    assert run.returncode == 0, run.stderr
    assert "2025-12-31 → 2026-01-03" in run.stdout
    after = _ground_truth(demo / "ground_truth.csv")
    assert len(after) > before
    assert any(r["kind"] == "new_record" and r["system"] == "erp" for r in after[before:])
    with sqlite3.connect(demo / "erp.sqlite") as conn:
        assert conn.execute("SELECT demo_date FROM demo_clock").fetchone() == ("2026-01-03",)


def test_advance_without_a_demo_says_what_to_do(tmp_path: Path) -> None:
    run = _yecai(tmp_path / "empty", "demo", "advance", "--days", "2")
    assert run.returncode == 2
    assert "yecai demo generate" in run.stderr and "Traceback" not in run.stderr


def test_bad_erp_url_is_a_clear_error(tmp_path: Path) -> None:
    run = _yecai(tmp_path / "h", "demo", "generate", "--erp-url", "oracle://scott@db/erp")
    assert run.returncode == 2
    assert (
        "--erp-url" in run.stderr
        and "postgresql://" in run.stderr
        and "Traceback" not in run.stderr
    )
