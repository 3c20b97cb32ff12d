"""The SQL check-digit rules agree with the demo's own identifiers (its ground truth)."""

import random

import duckdb
import pytest

from demo.uscc import (
    corrupt_uscc,
    is_valid_national_id,
    make_uscc,
    national_id_check_char,
)
from quality.sql_rules import national_id_is_valid_sql, uscc_is_valid_sql

pytestmark = pytest.mark.unit


def _evaluate(expr_for, values):
    con = duckdb.connect()
    con.execute("create table t (c varchar)")
    con.executemany("insert into t values (?)", [[v] for v in values])
    rows = con.execute(f"select c, {expr_for('c')} from t").fetchall()
    con.close()
    return {c: v for c, v in rows}


def test_uscc_sql_accepts_demo_codes_and_rejects_corrupted_ones():
    rng = random.Random(7)
    good = [make_uscc(rng, "110105") for _ in range(50)] + ["91350100M000100Y43"]
    bad = [corrupt_uscc(rng, c) for c in good[:50]] + ["91350100M000100Y44", "9135", "I" * 18]
    verdict = _evaluate(uscc_is_valid_sql, good + bad)
    assert all(verdict[c] is True for c in good)
    assert all(not verdict[c] for c in bad)


def test_uscc_sql_leaves_null_to_completeness_checks():
    assert _evaluate(uscc_is_valid_sql, [None]) == {None: None}


def test_national_id_sql_matches_gb_11643():
    rng = random.Random(3)
    bodies = ["".join(rng.choice("0123456789") for _ in range(17)) for _ in range(50)]
    good = [b + national_id_check_char(b) for b in bodies] + ["11010519491231002X"]
    bad = [b + ("0" if national_id_check_char(b) != "0" else "1") for b in bodies[:20]]
    bad += ["110105194912310021", "1101051949123100", "ABCDEFGHIJKLMNOPQR"]
    verdict = _evaluate(national_id_is_valid_sql, good + bad)
    assert all(verdict[c] is True for c in good)
    assert all(not verdict[c] for c in bad)
    assert all(is_valid_national_id(c) for c in good)  # the ground truth agrees with itself
