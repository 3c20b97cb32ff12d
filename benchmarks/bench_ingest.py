"""Benchmark: ERP ingestion (yecai) next to a plain DuckDB copy of the same tables to Parquet.

Not a test. Generates the demo at ``--scale`` into a scratch folder, then runs, each in its
own fresh process so peak memory is that run's alone:

- ``yecai``:    ``ingestion.runner.ingest(source="erp")`` — contract casts, quarantine,
                 row hashes, manifests, batch records — a first full load;
- ``yecai rerun``: the same again, incremental, nothing changed: each table's database
                 fingerprint (ingestion/source_state.py) says so and the table is not read;
- ``rescan``:   that rerun with the fingerprints forgotten, i.e. as before them: every row
                 re-read in the look-back window, the key set read for deletes;
- ``baseline``: one DuckDB, ATTACH the SQLite file, ``COPY table TO parquet`` for each table.

Prints rows, seconds, CPU seconds, rows/s and peak RSS (MB) per run.

    uv run python benchmarks/bench_ingest.py --scale 0.1
    uv run python benchmarks/bench_ingest.py --scale 10 --erp /tmp/s10/demo/erp.sqlite
    uv run python benchmarks/bench_ingest.py --scale 1 --replicate 10 --runs baseline,first
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


def cpu_seconds() -> float:
    """CPU time this process used (user + system, all threads). On a machine shared with
    other jobs wall time swings with their load; CPU time shows the work itself."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def worker_yecai(home: Path) -> dict:
    from demo.install import install_company
    from ingestion.runner import ingest
    from yecai.settings import Paths

    paths = Paths(home=home)
    install_company(home)  # the demo company's sources.yml and contracts (YECAI_ERP_URL wins)
    if os.environ.get("YECAI_BENCH_FORGET_FINGERPRINTS"):
        # the rerun as before source fingerprints: every table's look-back and key set read
        shutil.rmtree(paths.lake_meta / "source_state", ignore_errors=True)
    cpu0 = cpu_seconds()
    start = time.perf_counter()
    results = ingest(paths, source="erp")
    seconds = time.perf_counter() - start
    failed = [f"{r.entity}: {r.message}" for r in results if r.status == "failed"]
    if failed:
        raise SystemExit("ingest failed: " + "; ".join(failed))
    rows = sum(r.rows_read + r.rows_unchanged for r in results)
    return {"rows": rows, "seconds": seconds, "cpu": cpu_seconds() - cpu0, "peak_mb": peak_rss_mb()}


def worker_baseline(home: Path) -> dict:
    import duckdb
    import duckdb_extensions

    out = home / "baseline"
    out.mkdir(parents=True, exist_ok=True)
    cpu0 = cpu_seconds()
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
    return {"rows": rows, "seconds": seconds, "cpu": cpu_seconds() - cpu0, "peak_mb": peak_rss_mb()}


def replicate_erp(src: Path, dst: Path, copies: int) -> None:
    """An ERP ``copies`` times the size of ``src``: every table repeated, copy k > 0 with its
    first text key column suffixed ``~r<k>`` so keys stay unique (blank keys stay blank, so
    the demo's defects are repeated as defects). Used for scale 10 volumes without waiting
    for the demo generator; contracts in ingestion/contracts/erp name the key columns."""
    import duckdb
    import duckdb_extensions
    import yaml

    from ingestion.duck import ident

    dst.unlink(missing_ok=True)
    con = duckdb.connect(config={"allow_unsigned_extensions": True})
    duckdb_extensions.import_extension("sqlite", con=con)
    con.execute("load sqlite")
    con.execute("set sqlite_all_varchar = true")
    con.execute(f"attach '{src}' as s (type sqlite, read_only)")
    con.execute(f"attach '{dst}' as d (type sqlite)")
    tables = con.execute(
        "select table_name from duckdb_tables() where database_name = 's'"
    ).fetchall()
    for (table,) in tables:
        contract = REPO / "ingestion" / "contracts" / "erp" / f"{table}.yml"
        if not contract.is_file():  # demo_clock: not ingested, copied once
            con.execute(f'create table d."{table}" as select * from s."{table}"')
            continue
        spec = yaml.safe_load(contract.read_text(encoding="utf-8"))
        types = {c["name"]: c["type"] for c in spec["columns"]}
        key = next(k for k in spec["primary_key"] if types[k] == "varchar")
        cols = [r[0] for r in con.execute(f'describe s."{table}"').fetchall()]
        key_col = next(c for c in cols if c.lower() == key.lower())
        copies_sql = []
        for k in range(copies):
            select = ", ".join(
                f"case when {k} = 0 or nullif(trim({ident(c)}), '') is null then {ident(c)} "
                f"else {ident(c)} || '~r{k}' end as {ident(c)}"
                if c == key_col
                else ident(c)
                for c in cols
            )
            copies_sql.append(f'select {select} from s."{table}"')
        con.execute(f'create table d."{table}" as ' + " union all ".join(copies_sql))
    con.close()


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
        "--erp",
        type=Path,
        help="use this existing demo ERP SQLite file instead of generating one "
        "(scale 10 takes 10+ minutes to generate; --scale is then only a label)",
    )
    parser.add_argument(
        "--small-memory",
        default="256MB",
        help="DuckDB memory cap for the extra bounded-memory run (default 256MB)",
    )
    parser.add_argument(
        "--replicate",
        type=int,
        default=1,
        help="repeat every ERP table this many times with distinct keys (e.g. scale 1 "
        "x 10 for scale 10 volumes; default 1 = the ERP as generated)",
    )
    parser.add_argument(
        "--runs",
        default="baseline,first,rerun,rescan,small",
        help="which runs, comma-separated (default all: baseline,first,rerun,rescan,small)",
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
        if args.erp:
            if not args.erp.is_file():
                raise SystemExit(f"--erp {args.erp}: no such file; generate the demo first")
            erp = args.erp
        else:
            print(f"generating the demo at scale {args.scale} in {scratch} ...", flush=True)
            generate_demo(scratch / "demo", seed=args.seed, scale=args.scale)
            erp = scratch / "demo" / "erp.sqlite"
        if args.replicate > 1:
            print(f"replicating the ERP {args.replicate}x ...", flush=True)
            bigger = scratch / f"erp_x{args.replicate}.sqlite"
            replicate_erp(erp, bigger, args.replicate)
            erp = bigger
        small = {"YECAI_INGEST_MEMORY_LIMIT": args.small_memory}
        plan = {
            "baseline": ("baseline: DuckDB COPY to Parquet", "baseline", scratch, None),
            "first": ("yecai ingest erp (first, full)", "yecai", scratch, None),
            "rerun": ("yecai ingest erp (rerun, no change)", "yecai", scratch, None),
            "rescan": (
                "rerun, no change, fingerprints forgotten",
                "yecai",
                scratch,
                {"YECAI_BENCH_FORGET_FINGERPRINTS": "1"},
            ),
            "small": (
                f"yecai first load, memory {args.small_memory}",
                "yecai",
                scratch / "small",
                small,
            ),
        }
        chosen = [r.strip() for r in args.runs.split(",")]
        unknown = [r for r in chosen if r not in plan]
        if unknown or ({"rerun", "rescan"} & set(chosen) and "first" not in chosen):
            raise SystemExit(
                f"--runs {args.runs!r}: use a comma-separated subset of {', '.join(plan)} "
                "(rerun and rescan need first)"
            )
        runs = []
        for key in plan:  # always in plan order: a rerun follows its first load
            if key in chosen:
                name, kind, home, env = plan[key]
                print(f"running {name} ...", flush=True)
                runs.append((name, run_worker(kind, home, erp, env)))
        copies = f" x {args.replicate} copies" if args.replicate > 1 else ""
        print(f"\nERP at scale {args.scale}{copies} (seed {args.seed}), {os.cpu_count()} CPUs")
        print(
            f"{'run':<42}{'rows read':>10}{'seconds':>10}{'CPU s':>8}{'rows/s':>12}{'peak MB':>10}"
        )
        for name, r in runs:
            rate = r["rows"] / r["seconds"] if r["seconds"] else 0
            print(
                f"{name:<42}{r['rows']:>10}{r['seconds']:>10.2f}{r['cpu']:>8.1f}{rate:>12.0f}"
                f"{r['peak_mb']:>10.0f}"
            )
    finally:
        if not args.keep:
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
