"""Benchmark: the dbt build (full and a daily increment) next to plain DuckDB SQL.

Not a test. Generates the demo at ``--scale`` into a scratch folder, lands the ERP, the
foreign subsidiary's books and the HR exports, then times:

- ``dbt full``: ``dbt run --full-refresh`` of the whole project, what the Dagster pipeline builds
  (staging views, canonical model, master data, finance, business, management, governance);
- ``dbt full, trial balance only``: ``dbt run --full-refresh --select +trial_balance``: the
  trial balance and what it needs, the fair comparison with the plain script;
- ``baseline``: ``benchmarks/trial_balance_baseline.sql``, one plain DuckDB script computing the
  group ERP's trial balance straight from the raw zone;
- then the ERP is advanced ``--advance-days`` business days (default 1; 0 lands nothing new,
  which measures the nightly run's floor) and landed again, and the increment is timed two
  ways on copies of the same warehouse:
- ``dbt daily, naive``: ``dbt run`` of every model without ``--full-refresh`` (table models are
  rebuilt; the incremental ones rewrite what changed);
- ``dbt daily``: what the Dagster daily run executes, ``yecai.increment``: the models downstream
  of the raw entities that received rows plus the per-period models, views excluded;
- ``dbt full, after the advance``: a full rebuild on the advanced raw zone, which the daily
  increment's tables must equal row for row.

Per run it prints wall and CPU seconds, how many models ran, the sum of their execution times
(the rest of the wall time is dbt's start-up: parsing, connecting, scheduling), the seconds of
finance.gl_lines and finance.trial_balance, and the slowest models. For the increment it
prints how many ledger rows it rewrote. It checks that the baseline's trial balance equals
finance.trial_balance for the entities both cover (E01, E02) after the full build and after
the increment, and that the daily increment leaves the same tables as the naive one and as a
full rebuild (the incremental canonical and finance models and the finance marts and
reconciliation on top of them, compared row for row).

    uv run python benchmarks/bench_dbt.py --scale 0.1
    uv run python benchmarks/bench_dbt.py --scale 1 --keep
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

from yecai.increment import INCREMENT_EXCLUDE, daily_increment_selection

REPO = Path(__file__).resolve().parent.parent
# Tables the daily increment must leave exactly as the naive one (a full rebuild of every
# table model) and a full rebuild do: the incremental models and the finance marts on top.
COMPARED = (
    "canonical.journal_voucher",
    "canonical.journal_line",
    "canonical.sales_order_line",
    "canonical.delivery",
    "canonical.customer_invoice",
    "canonical.inventory_movement",
    "finance.gl_lines",
    "finance.trial_balance",
    "finance.int_finance__posting_basis",
    "finance.int_finance__derived_entries",
    "finance.int_finance__document_reconciliation",
    "governance.reconciliation_exceptions",
    "governance.reconciliation_summary",
    "finance.cash_flow_statement",
    "finance.ar_aging",
    "finance.ap_aging",
)
WATCHED = ("model.yecai.gl_lines", "model.yecai.trial_balance")
UNTOUCHED = "untouched by the increment"


@dataclass
class DbtTiming:
    """One dbt invocation: wall and CPU seconds, models run, their summed execution seconds,
    the execution seconds of the watched models and the slowest models."""

    seconds: float
    cpu_seconds: float
    models: int
    model_seconds: float
    watched: dict[str, float]
    slowest: list[tuple[str, float]]


def dbt(home: Path, *args: str) -> DbtTiming:
    """Run dbt; the timing of the whole run and of its models (from run_results.json)."""
    from orchestration.defs.transform.dbt_args import dbt_env
    from orchestration.defs.transform.project_files import ensure_packages
    from yecai.settings import get_paths

    paths = get_paths()
    # dbt runs in the company's project (the demo's, installed in the home) with the
    # environment the pipeline gives it (the source registry, the home's paths)
    env = {**os.environ, **dbt_env(paths)}
    ensure_packages(paths.dbt_project, env)
    target = home / "dbt_target"
    started = time.perf_counter()
    cpu_before = os.times()
    done = subprocess.run(
        [
            str(Path(sys.executable).parent / "dbt"),
            *args,
            "--project-dir",
            str(paths.dbt_project),
            "--profiles-dir",
            str(paths.dbt_project),
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
    cpu_after = os.times()
    cpu = (cpu_after.children_user - cpu_before.children_user) + (
        cpu_after.children_system - cpu_before.children_system
    )
    if done.returncode != 0:
        raise SystemExit(f"dbt {' '.join(args)} failed:\n{(done.stdout + done.stderr)[-3000:]}")
    results = json.loads((target / "run_results.json").read_text())["results"]
    models = [r for r in results if r["unique_id"].startswith("model.")]
    slowest = sorted(models, key=lambda r: -r["execution_time"])[:8]
    return DbtTiming(
        seconds=seconds,
        cpu_seconds=cpu,
        models=len(models),
        model_seconds=sum(r["execution_time"] for r in models),
        watched={r["unique_id"]: r["execution_time"] for r in models if r["unique_id"] in WATCHED},
        slowest=[(r["unique_id"].split(".")[-1], r["execution_time"]) for r in slowest],
    )


def baseline(home: Path) -> tuple[float, int]:
    """Run the plain DuckDB script; seconds and rows."""
    from yecai.settings import get_paths

    sql = (REPO / "benchmarks" / "trial_balance_baseline.sql").read_text(encoding="utf-8")
    # mappings are the company's (the demo's, installed in the home); chart and layouts the product's
    sql = (
        sql.replace("{raw}", str(get_paths().raw))
        .replace("{product_seeds}", str(REPO / "dbt_project" / "seeds"))
        .replace("{seeds}", str(get_paths().dbt_project / "seeds"))
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


def differing_rows(db: Path, other: Path) -> dict[str, int]:
    """Per compared table, rows in one warehouse and not the other (either way, duplicates
    counted). The ledger's description column is left out: the benchmark stamps it to see
    which rows an increment rewrote."""
    con = duckdb.connect()
    con.execute(f"attach '{db}' as a (read_only)")
    con.execute(f"attach '{other}' as b (read_only)")
    out = {}
    try:
        for table in COMPARED:
            cols = "* exclude (description)" if table == "finance.gl_lines" else "*"
            out[table] = con.execute(
                f"""select (select count(*) from (select {cols} from a.{table}
                                                   except all select {cols} from b.{table}))
                         + (select count(*) from (select {cols} from b.{table}
                                                   except all select {cols} from a.{table}))"""
            ).fetchone()[0]
    finally:
        con.close()
    return out


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
    parser.add_argument(
        "--skip",
        nargs="*",
        default=[],
        metavar="MODEL",
        help="Models to leave out of every run (dbt --exclude), e.g. another area's model that "
        "does not build on this demo yet.",
    )
    args = parser.parse_args()

    reuse = args.home is not None
    home = args.home.resolve() if reuse else Path(tempfile.mkdtemp(prefix="yecai_bench_dbt_"))
    args.keep = args.keep or reuse
    os.environ["YECAI_HOME"] = str(home)
    from demo.defects import DefectLog
    from demo.erp.advance import advance_erp
    from demo.generate import generate_demo
    from demo.install import install_company
    from demo.sqlio import parse_target
    from ingestion.runner import ingest
    from yecai.settings import get_paths

    # wide enough for the table when the output goes to a log file
    console = Console(width=None if sys.stdout.isatty() else 160)
    paths = get_paths()
    timings: list[tuple[str, DbtTiming | None, float, str]] = []
    skip = ["--exclude", *args.skip] if args.skip else []
    try:
        if not reuse:
            with console.status("generating and landing the demo…"):
                started = time.perf_counter()
                generate_demo(paths.demo, seed=args.seed, scale=args.scale)
                install_company(paths.home)
                console.print(f"demo generated in {time.perf_counter() - started:.0f} s")
                for source in ("erp", "erp2", "hr"):
                    ingest(paths, source=source)
        paths.build_db.parent.mkdir(parents=True, exist_ok=True)
        dbt(home, "seed")
        with console.status("dbt full build…"):
            full = dbt(home, "run", "--full-refresh", *skip)
            timings.append(("dbt full", full, full.seconds, f"{ledger_rows()} ledger rows"))
        with console.status("dbt full build of the trial balance and its upstream…"):
            only_tb = dbt(home, "run", "--full-refresh", "--select", "+trial_balance")
            timings.append(("dbt full, trial balance only", only_tb, only_tb.seconds, ""))
        with console.status("plain DuckDB baseline…"):
            seconds, rows = baseline(home)
            timings.append(
                ("baseline", None, seconds, f"{rows} rows, {compare(home)} differ from dbt full")
            )
        changed: list[tuple[str, str]] = []
        if args.advance_days > 0:
            with console.status(f"advancing the ERP {args.advance_days} day(s) and landing it…"):
                started = time.perf_counter()
                advance_erp(parse_target(paths.demo / "erp.sqlite"), args.advance_days, DefectLog())
                landed = ingest(paths, source="erp")
                changed = sorted(
                    (r.source, r.entity) for r in landed if r.rows_landed or r.rows_deleted
                )
                console.print(f"advanced and landed in {time.perf_counter() - started:.0f} s")
        console.print(f"the new batches changed {len(changed)} ERP entities: {changed}")
        mark_ledger()
        start_copy = home / "before_increment.duckdb"
        naive_copy = home / "naive_increment.duckdb"
        shutil.copyfile(paths.build_db, start_copy)
        with console.status("dbt daily increment, naive (every model)…"):
            naive = dbt(home, "run", *skip)
            timings.append(("dbt daily, naive", naive, naive.seconds, written()))
        shutil.copyfile(paths.build_db, naive_copy)
        shutil.copyfile(start_copy, paths.build_db)
        selection = daily_increment_selection(changed)
        console.print(f"daily increment: --select {' '.join(selection)}")
        with console.status("dbt daily increment (yecai.increment's selection)…"):
            daily = dbt(
                home, "run", "--select", *selection, "--exclude", *INCREMENT_EXCLUDE, *args.skip
            )
            differ = {t: n for t, n in differing_rows(paths.build_db, naive_copy).items() if n}
            same = "same tables as naive" if not differ else f"DIFFERS from naive: {differ}"
            timings.append(("dbt daily", daily, daily.seconds, f"{written()}; {same}"))
        with console.status("plain DuckDB baseline after the increment…"):
            seconds, rows = baseline(home)
            timings.append(
                ("baseline", None, seconds, f"{rows} rows, {compare(home)} differ from dbt daily")
            )
        daily_copy = home / "daily_increment.duckdb"
        shutil.copyfile(paths.build_db, daily_copy)
        with console.status(
            "dbt full build on the advanced raw zone (what the increment must equal)…"
        ):
            again = dbt(home, "run", "--full-refresh", *skip)
            differ = {t: n for t, n in differing_rows(daily_copy, paths.build_db).items() if n}
            same = "same tables as dbt daily" if not differ else f"DIFFERS from dbt daily: {differ}"
            timings.append(("dbt full, after the advance", again, again.seconds, same))
    finally:
        if args.keep:
            console.print(f"scratch folder kept: {home}")
        else:
            shutil.rmtree(home, ignore_errors=True)

    table = Table(title=f"finance build at scale {args.scale}")
    columns = ("run", "wall s", "cpu s", "models", "models' s", "gl_lines s", "trial_balance s")
    for column in (*columns, "note"):
        table.add_column(column)
    for name, timing, seconds, note in timings:
        table.add_row(
            name,
            f"{seconds:.1f}",
            f"{timing.cpu_seconds:.1f}" if timing else "",
            str(timing.models) if timing else "",
            f"{timing.model_seconds:.1f}" if timing else "",
            f"{timing.watched.get(WATCHED[0], 0):.2f}" if timing else "",
            f"{timing.watched.get(WATCHED[1], 0):.2f}" if timing else "",
            note,
        )
    console.print(table)
    console.print(f"load average at the end: {Path('/proc/loadavg').read_text().strip()}")
    for name, timing, _, _ in timings:
        if timing:
            slowest = ", ".join(f"{model} {sec:.1f}" for model, sec in timing.slowest)
            console.print(f"slowest models, {name}: {slowest}")


if __name__ == "__main__":
    main()
