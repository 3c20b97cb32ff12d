"""Benchmark: ERP ingestion (yecai) next to a plain DuckDB copy of the same tables to Parquet.

Not a test. Generates the demo at ``--scale`` into a scratch folder, then runs, each in its
own fresh process so peak memory is that run's alone:

- ``yecai``:    ``ingestion.runner.ingest(source="erp")`` — contract casts, quarantine,
                 row hashes, manifests, batch records — a first full load;
- ``yecai rerun``: the same again, incremental (every row re-read in the look-back window
                 or skipped by watermark; nothing new lands);
- ``baseline``: one DuckDB, ATTACH the SQLite file, ``COPY table TO parquet`` for each table.

Prints rows, seconds, rows/s and peak RSS (MB) per run.

    uv run python benchmarks/bench_ingest.py --scale 0.1
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM). Unlike ru_maxrss, it is not inherited
    from the parent across fork + exec, so the demo generator's memory doesn't count."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker_yecai(home: Path) -> dict:
    from ingestion.runner import ingest
    from yecai.settings import Paths

    paths = Paths(home=home)
    start = time.perf_counter()
    results = ingest(paths, source="erp")
    seconds = time.perf_counter() - start
    failed = [f"{r.entity}: {r.message}" for r in results if r.status == "failed"]
    if failed:
        raise SystemExit("ingest failed: " + "; ".join(failed))
    rows = sum(r.rows_read + r.rows_unchanged for r in results)
    return {"rows": rows, "seconds": seconds, "peak_mb": peak_rss_mb()}


def worker_baseline(home: Path) -> dict:
    import duckdb
    import duckdb_extensions

    out = home / "baseline"
    out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    con = duckdb.connect(config={"allow_unsigned_extensions": True})
    con.execute("set threads = 2")
    duckdb_extensions.import_extension("sqlite", con=con)
    con.execute("load sqlite")
    con.execute("set sqlite_all_varchar = true")
    erp = os.environ["YECAI_ERP_URL"].removeprefix("sqlite:///")
    con.execute(f"attach '{erp}' as src (type sqlite, read_only)")
    tables = [
        r[0]
        for r in con.execute(
            "select table_name from duckdb_tables() where database_name = 'src'"
        ).fetchall()
        if r[0] != "demo_clock"
    ]
    rows = 0
    for table in tables:
        rows += con.execute(f"select count(*) from src.{table}").fetchone()[0]
        con.execute(f"copy src.{table} to '{out / table}.parquet' (format parquet)")
    seconds = time.perf_counter() - start
    return {"rows": rows, "seconds": seconds, "peak_mb": peak_rss_mb()}


def run_worker(kind: str, home: Path, erp: Path, extra_env: dict | None = None) -> dict:
    env = {
        **os.environ,
        "YECAI_HOME": str(home),
        "YECAI_ERP_URL": f"sqlite:///{erp}",
        **(extra_env or {}),
    }
    proc = subprocess.run(
        [sys.executable, __file__, "--worker", kind, "--home", str(home)],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise SystemExit(f"{kind} failed:\n{proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", type=float, default=0.1, help="demo scale factor (default 0.1)")
    parser.add_argument("--seed", type=int, default=42, help="demo seed (default 42)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    parser.add_argument(
        "--small-memory",
        default="256MB",
        help="DuckDB memory cap for the extra bounded-memory run (default 256MB)",
    )
    parser.add_argument("--worker", choices=["yecai", "baseline"], help=argparse.SUPPRESS)
    parser.add_argument("--home", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        result = worker_yecai(args.home) if args.worker == "yecai" else worker_baseline(args.home)
        print(json.dumps(result))
        return

    from demo.generate import generate_demo

    scratch = Path(tempfile.mkdtemp(prefix="yecai-bench-"))
    try:
        print(f"generating the demo at scale {args.scale} in {scratch} ...", flush=True)
        generate_demo(scratch / "demo", seed=args.seed, scale=args.scale)
        erp = scratch / "demo" / "erp.sqlite"
        small = {"YECAI_INGEST_MEMORY_LIMIT": args.small_memory}
        runs = [
            ("baseline: DuckDB COPY to Parquet", run_worker("baseline", scratch, erp)),
            ("yecai ingest erp (first, full)", run_worker("yecai", scratch, erp)),
            ("yecai ingest erp (rerun, no change)", run_worker("yecai", scratch, erp)),
            (
                f"yecai first load, memory {args.small_memory}",
                run_worker("yecai", scratch / "small", erp, small),
            ),
        ]
        print(f"\nERP at scale {args.scale} (seed {args.seed}), {os.cpu_count()} CPUs")
        print(f"{'run':<42}{'rows read':>10}{'seconds':>10}{'rows/s':>12}{'peak MB':>10}")
        for name, r in runs:
            rate = r["rows"] / r["seconds"] if r["seconds"] else 0
            print(
                f"{name:<42}{r['rows']:>10}{r['seconds']:>10.2f}{rate:>12.0f}{r['peak_mb']:>10.0f}"
            )
    finally:
        if not args.keep:
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
