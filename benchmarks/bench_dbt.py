"""Benchmark: the finance dbt build (full and a daily increment) next to plain DuckDB SQL.

Not a test. Generates the demo at ``--scale`` into a scratch folder, lands the ERP, the
foreign subsidiary's books and the HR exports, then times:

- ``dbt full``: ``dbt run --full-refresh`` of the finance area and everything upstream
  (staging views, canonical tables, master data, finance, business, reconciliation);
- then the ERP is advanced ``--advance-days`` business days (default 1; 0 lands nothing new,
  which measures the nightly run's floor) and landed again, and the increment is timed two
  ways on copies of the same warehouse:
- ``dbt daily, naive``: the same ``dbt run`` without ``--full-refresh`` (every table model is
  rebuilt; finance.gl_lines and finance.trial_balance rewrite only the periods that changed);
- ``dbt daily``: what a daily increment is meant to run (``daily_increment_selection``): only
  the models downstream of the raw entities that received rows, inside the finance area's
  upstream, and no views (a view reads the raw zone when queried, so new batches need no
  rebuild of it);
- ``baseline``: ``benchmarks/trial_balance_baseline.sql``, one plain DuckDB script computing the
  group ERP's trial balance straight from the raw zone.

Per run it prints wall seconds, how many models ran, the sum of their execution times (the
rest of the wall time is dbt's start-up: parsing, connecting, scheduling) and the seconds of
finance.gl_lines and finance.trial_balance; for the increment how many ledger rows it
rewrote. It checks that the baseline's trial balance equals finance.trial_balance for the
entities both cover (E01, E02), after the full build and after each increment, and that both
increments leave the same trial balance.

    uv run python benchmarks/bench_dbt.py --scale 0.1
    uv run python benchmarks/bench_dbt.py --scale 1 --advance-days 0   # see docs/benchmarks-dbt.md
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
from rich.console import Console
from rich.table import Table

REPO = Path(__file__).resolve().parent.parent
FINANCE = [
    "path:models/intermediate/finance",
    "path:models/marts/finance",
    "path:models/marts/business",
    "path:models/marts/management",
    "path:models/marts/governance/reconciliation_exceptions.sql",
    "path:models/marts/governance/reconciliation_summary.sql",
]
WATCHED = ("model.yecai.gl_lines", "model.yecai.trial_balance")
UNTOUCHED = "untouched by the increment"


@dataclass
class DbtTiming:
    """One dbt invocation: wall seconds, models run, their summed execution seconds, and the
    execution seconds of the watched models."""

    seconds: float
    models: int
    model_seconds: float
    watched: dict[str, float]


def daily_increment_selection(changed: list[tuple[str, str]]) -> list[str]:
    """dbt ``--select`` arguments for a daily increment after ``changed`` raw entities
    (source, entity) received rows: the models downstream of those sources that the finance
    area needs (intersection ``source:x.y+,+area``). Pure; pair it with ``--exclude
    config.materialized:view``. Empty when nothing changed: then only the per-period
    models run (the open month)."""
    return [f"source:{src}.{entity}+,+{area}" for src, entity in changed for area in FINANCE]


def dbt(home: Path, *args: str) -> DbtTiming:
    """Run dbt; the timing of the whole run and of its models (from run_results.json)."""
    from yecai.settings import DBT_PROJECT_DIR, get_paths

    paths = get_paths()
    env = {
        **os.environ,
        "YECAI_WAREHOUSE_PATH": str(paths.build_db),
        "YECAI_RAW_ZONE": str(paths.raw),
        "YECAI_LAKE_META": str(paths.lake_meta),
    }
    target = home / "dbt_target"
    started = time.perf_counter()
    done = subprocess.run(
        [
            str(Path(sys.executable).parent / "dbt"),
            *args,
            "--project-dir",
            str(DBT_PROJECT_DIR),
            "--profiles-dir",
            str(DBT_PROJECT_DIR),
            "--target-path",
            str(target),
            "--log-path",
            str(home / "dbt_logs"),
        ],
        env=env,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"dbt {' '.join(args)} failed:\n{(done.stdout + done.stderr)[-3000:]}")
    results = json.loads((target / "run_results.json").read_text())["results"]
    models = [r for r in results if r["unique_id"].startswith("model.")]
    return DbtTiming(
        seconds=seconds,
        models=len(models),
        model_seconds=sum(r["execution_time"] for r in models),
        watched={r["unique_id"]: r["execution_time"] for r in models if r["unique_id"] in WATCHED},
    )


def baseline(home: Path) -> tuple[float, int]:
    """Run the plain DuckDB script; seconds and rows."""
    from yecai.settings import DBT_PROJECT_DIR, get_paths

    sql = (REPO / "benchmarks" / "trial_balance_baseline.sql").read_text(encoding="utf-8")
    sql = sql.replace("{raw}", str(get_paths().raw)).replace(
        "{seeds}", str(DBT_PROJECT_DIR / "seeds")
    )
    con = duckdb.connect(str(home / "baseline.duckdb"))
    started = time.perf_counter()
    con.execute(sql)
    rows = con.execute("select count(*) from trial_balance_baseline").fetchone()[0]
    seconds = time.perf_counter() - started
    con.close()
    return seconds, rows


def compare(home: Path) -> int:
    """Rows where the baseline and finance.trial_balance disagree (E01, E02)."""
    from yecai.settings import get_paths

    con = duckdb.connect(str(home / "baseline.duckdb"))
    con.execute(f"attach '{get_paths().build_db}' as wh (read_only)")
    return con.execute(
        """
        select count(*) from (
            select entity_code, period, account_code, opening_balance, debit, credit, closing_balance
            from trial_balance_baseline
            except
            select entity_code, period, account_code, opening_balance, debit, credit, closing_balance
            from wh.finance.trial_balance where entity_code in ('E01', 'E02')
        )
        """
    ).fetchone()[0]


def ledger_rows() -> int:
    from yecai.settings import get_paths

    con = duckdb.connect(str(get_paths().build_db), read_only=True)
    try:
        return con.execute("select count(*) from finance.gl_lines").fetchone()[0]
    finally:
        con.close()


def mark_ledger() -> None:
    """Stamp every ledger row's description with a sentinel, so a row a later run rewrites is
    told from one it left alone (identical content would not show it)."""
    from yecai.settings import get_paths

    con = duckdb.connect(str(get_paths().build_db))
    try:
        con.execute("update finance.gl_lines set description = ?", [UNTOUCHED])
    finally:
        con.close()


def written() -> str:
    """How much of the ledger the last run rewrote (rows without the sentinel)."""
    from yecai.settings import get_paths

    con = duckdb.connect(str(get_paths().build_db), read_only=True)
    try:
        rows, total, periods = con.execute(
            """select count(*) filter (where description is distinct from ?), count(*),
                      count(distinct period) filter (where description is distinct from ?)
               from finance.gl_lines""",
            [UNTOUCHED, UNTOUCHED],
        ).fetchone()
    finally:
        con.close()
    return f"gl_lines rewrote {rows} of {total} rows ({periods} periods)"


def trial_balance_figures(db: Path) -> set[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return set(
            con.execute(
                """select entity_code, period, account_code, opening_balance, debit, credit,
                          closing_balance from finance.trial_balance"""
            ).fetchall()
        )
    finally:
        con.close()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", type=float, default=0.1, help="Demo scale factor.")
    parser.add_argument("--seed", type=int, default=42, help="Demo seed.")
    parser.add_argument("--keep", action="store_true", help="Keep the scratch folder and print it.")
    parser.add_argument(
        "--advance-days",
        type=int,
        default=1,
        help="Business days the ERP advances before the increment; 0 lands no new data, so the "
        "increment is the nightly run's floor (the per-period models rewriting the open month).",
    )
    parser.add_argument(
        "--home",
        type=Path,
        help="Reuse a scratch folder kept from an earlier run at the same scale (its demo "
        "generated and landed, not yet advanced): skips generation. The folder is kept.",
    )
    args = parser.parse_args()

    reuse = args.home is not None
    home = args.home.resolve() if reuse else Path(tempfile.mkdtemp(prefix="yecai_bench_dbt_"))
    args.keep = args.keep or reuse
    os.environ["YECAI_HOME"] = str(home)
    from demo.defects import DefectLog
    from demo.erp.advance import advance_erp
    from demo.generate import generate_demo
    from demo.sqlio import parse_target
    from ingestion.runner import ingest
    from yecai.settings import get_paths

    console = Console()
    paths = get_paths()
    timings: list[tuple[str, DbtTiming | None, float, str]] = []
    area = [f"+{s}" for s in FINANCE]
    try:
        if not reuse:
            with console.status("generating and landing the demo…"):
                started = time.perf_counter()
                generate_demo(paths.demo, seed=args.seed, scale=args.scale)
                console.print(f"demo generated in {time.perf_counter() - started:.0f} s")
                for source in ("erp", "erp2", "hr"):
                    ingest(paths, source=source)
        paths.build_db.parent.mkdir(parents=True, exist_ok=True)
        dbt(home, "seed")
        with console.status("dbt full build…"):
            full = dbt(home, "run", "--full-refresh", "--select", *area)
            timings.append(("dbt full", full, full.seconds, f"{ledger_rows()} ledger rows"))
        with console.status("plain DuckDB baseline…"):
            seconds, rows = baseline(home)
            timings.append(
                ("baseline", None, seconds, f"{rows} rows, {compare(home)} differ from dbt full")
            )
        changed: list[tuple[str, str]] = []
        if args.advance_days > 0:
            with console.status(f"advancing the ERP {args.advance_days} day(s) and landing it…"):
                advance_erp(parse_target(paths.demo / "erp.sqlite"), args.advance_days, DefectLog())
                landed = ingest(paths, source="erp")
                changed = sorted(
                    (r.source, r.entity) for r in landed if r.rows_landed or r.rows_deleted
                )
        console.print(f"the new batches changed {len(changed)} ERP entities: {changed}")
        mark_ledger()
        start_copy = home / "before_increment.duckdb"
        shutil.copyfile(paths.build_db, start_copy)
        with console.status("dbt daily increment, naive (every table model)…"):
            naive = dbt(home, "run", "--select", *area)
            timings.append(("dbt daily, naive", naive, naive.seconds, written()))
            naive_figures = trial_balance_figures(paths.build_db)
        shutil.copyfile(start_copy, paths.build_db)
        with console.status("dbt daily increment (changed entities' models, no views)…"):
            daily = dbt(
                home,
                "run",
                "--select",
                *(daily_increment_selection(changed) or ["tag:fiscal_period"]),
                "--exclude",
                "config.materialized:view",
            )
            same = trial_balance_figures(paths.build_db) == naive_figures
            note = f"{written()}; trial balance {'=' if same else '≠'} naive increment's"
            timings.append(("dbt daily", daily, daily.seconds, note))
        with console.status("plain DuckDB baseline after the increment…"):
            seconds, rows = baseline(home)
            timings.append(
                ("baseline", None, seconds, f"{rows} rows, {compare(home)} differ from dbt daily")
            )
    finally:
        if args.keep:
            console.print(f"scratch folder kept: {home}")
        else:
            shutil.rmtree(home, ignore_errors=True)

    table = Table(title=f"finance build at scale {args.scale}")
    for column in ("run", "wall s", "models", "models' s", "gl_lines s", "trial_balance s", "note"):
        table.add_column(column)
    for name, timing, seconds, note in timings:
        table.add_row(
            name,
            f"{seconds:.1f}",
            str(timing.models) if timing else "",
            f"{timing.model_seconds:.1f}" if timing else "",
            f"{timing.watched.get(WATCHED[0], 0):.2f}" if timing else "",
            f"{timing.watched.get(WATCHED[1], 0):.2f}" if timing else "",
            note,
        )
    console.print(table)


if __name__ == "__main__":
    main()
