"""Benchmark: the finance dbt build (full and a daily increment) next to plain DuckDB SQL.

Not a test. Generates the demo at ``--scale`` into a scratch folder, lands the ERP, the
foreign subsidiary's books and the HR exports, then times:

- ``dbt full``: ``dbt run --full-refresh`` of the finance area and everything upstream
  (staging views, canonical tables, master data, finance, business, reconciliation);
- ``dbt daily``: the ERP advanced by one business day, landed again, and the same ``dbt run``
  without ``--full-refresh`` (finance.gl_lines is incremental by period);
- ``baseline``: ``benchmarks/trial_balance_baseline.sql``, one plain DuckDB script computing the
  group ERP's trial balance straight from the raw zone.

Per run it prints seconds and, from dbt's run_results.json, the seconds of finance.gl_lines
and finance.trial_balance, and for the increment how many ledger rows it rewrote; it checks
that the baseline's trial balance equals finance.trial_balance for the entities both cover
(E01, E02). At small scales dbt's fixed cost per model (about a second) hides the difference
between a full and an incremental gl_lines; the rows rewritten show the work saved.

    uv run python benchmarks/bench_dbt.py --scale 0.1
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


def dbt(home: Path, *args: str) -> tuple[float, dict[str, float]]:
    """Run dbt; seconds of the whole run and of the watched models (from run_results.json)."""
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
    results = json.loads((target / "run_results.json").read_text())
    nodes = {
        r["unique_id"]: r["execution_time"] for r in results["results"] if r["unique_id"] in WATCHED
    }
    return seconds, nodes


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


def ledger_state() -> tuple[str, str]:
    """The newest batch and the latest period finance.gl_lines holds."""
    from yecai.settings import get_paths

    con = duckdb.connect(str(get_paths().build_db), read_only=True)
    try:
        return con.execute("select max(batch_id), max(period) from finance.gl_lines").fetchone()
    finally:
        con.close()


def rewritten(before: tuple[str, str]) -> str:
    """How much of the ledger the increment rewrote: the periods gl_lines' incremental filter
    selects (newer batches, the latest period) and their rows, out of all rows."""
    from yecai.settings import get_paths

    batch, period = before
    con = duckdb.connect(str(get_paths().build_db), read_only=True)
    try:
        touched = {
            r[0]
            for r in con.execute(
                """select distinct strftime(voucher_date, '%Y-%m') from canonical.journal_line where batch_id > ?
               union select distinct strftime(voucher_date, '%Y-%m') from canonical.journal_voucher where batch_id > ?""",
                [batch, batch],
            ).fetchall()
        } | {period}
        rows, total = con.execute(
            f"select count(*) filter (where period in ({', '.join('?' * len(touched))})), count(*) from finance.gl_lines",
            sorted(touched),
        ).fetchone()
    finally:
        con.close()
    return f"gl_lines rewrote {rows} of {total} rows ({len(touched)} periods)"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", type=float, default=0.1, help="Demo scale factor.")
    parser.add_argument("--seed", type=int, default=42, help="Demo seed.")
    parser.add_argument("--keep", action="store_true", help="Keep the scratch folder and print it.")
    args = parser.parse_args()

    home = Path(tempfile.mkdtemp(prefix="yecai_bench_dbt_"))
    os.environ["YECAI_HOME"] = str(home)
    from demo.defects import DefectLog
    from demo.erp.advance import advance_erp
    from demo.generate import generate_demo
    from demo.sqlio import parse_target
    from ingestion.runner import ingest
    from yecai.settings import get_paths

    console = Console()
    paths = get_paths()
    timings: list[tuple[str, float, dict[str, float], str]] = []
    try:
        with console.status("generating and landing the demo…"):
            generate_demo(paths.demo, seed=args.seed, scale=args.scale)
            for source in ("erp", "erp2", "hr"):
                ingest(paths, source=source)
            paths.build_db.parent.mkdir(parents=True, exist_ok=True)
            dbt(home, "seed")
        with console.status("dbt full build…"):
            seconds, nodes = dbt(
                home, "run", "--full-refresh", "--select", *[f"+{s}" for s in FINANCE]
            )
            timings.append(("dbt full", seconds, nodes, ""))
        with console.status("advancing the ERP one day and landing it…"):
            advance_erp(parse_target(paths.demo / "erp.sqlite"), 1, DefectLog())
            ingest(paths, source="erp")
        with console.status("dbt daily increment…"):
            before = ledger_state()
            seconds, nodes = dbt(home, "run", "--select", *[f"+{s}" for s in FINANCE])
            timings.append(("dbt daily", seconds, nodes, rewritten(before)))
        with console.status("plain DuckDB baseline…"):
            seconds, rows = baseline(home)
            differing = compare(home)
            timings.append(("baseline", seconds, {}, f"{rows} rows, {differing} differ from dbt"))
    finally:
        if args.keep:
            console.print(f"scratch folder kept: {home}")
        else:
            shutil.rmtree(home, ignore_errors=True)

    table = Table(title=f"finance build at scale {args.scale}")
    for column in ("run", "seconds", "gl_lines s", "trial_balance s", "note"):
        table.add_column(column)
    for name, seconds, nodes, note in timings:
        table.add_row(
            name,
            f"{seconds:.1f}",
            f"{nodes.get(WATCHED[0], 0):.2f}" if nodes else "",
            f"{nodes.get(WATCHED[1], 0):.2f}" if nodes else "",
            note,
        )
    console.print(table)


if __name__ == "__main__":
    main()
