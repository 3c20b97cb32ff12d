"""Publish cost: today's whole-file copy against DuckLake (SQLite / PostgreSQL catalog) and Iceberg.

Give it the build warehouses of consecutive days (``build.duckdb`` copied after each daily
``yecai run``, e.g. the scale 1 demo, then ``yecai demo advance --days 1`` and ``yecai run``
again) and it publishes each in turn with every approach, printing per publish: wall time,
peak memory of the publishing process, bytes the publish added to the home, storage after N
publishes, and the time a reader takes for three analyst queries on the last one.

    uv run python benchmarks/bench_publish.py --builds day0.duckdb day1.duckdb day2.duckdb \
        [--postgres postgresql://postgres@127.0.0.1:5432/bench_lake \
         --postgres-reader postgresql://reader@127.0.0.1:5432/bench_lake] [--work /tmp/bench]

Approaches:
  copy      today's publish until this change: the build file copied into versions/ and over
            published.duckdb (two copies the first time, one more per publish)
  ducklake  quality.lake_writer.publish_snapshot: one snapshot per publish, only changed
            relations / periods written (SQLite catalog under the home)
  ducklake-pg  the same with the catalog in PostgreSQL (--postgres)
  iceberg   DuckDB's `COPY … (format iceberg)` of each changed relation to its own table folder:
            no catalog here, so no multi-table commit and no history across COPYs (each
            publish writes a new table folder per changed relation)
The audit (GX) is the same for every approach and is not timed here.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

import duckdb

QUERIES = {
    "trial balance by entity×period": (
        "select entity_code, period, sum(closing_balance) from finance.trial_balance group by all"
    ),
    "drill-down of one line (E01 2025-06 BS01)": (
        "select count(*), sum(debit) from finance.statement_drilldown "
        "where entity_code = 'E01' and period = '2025-06' and line_code = 'BS01'"
    ),
    "gl_lines count + debit total": "select count(*), sum(debit) from finance.gl_lines",
}


def tree_bytes(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.exists() else 0


def run_child(args: list[str], env: dict | None = None) -> tuple[float, int]:
    """Run this script as a child; wall seconds and its peak RSS in MB (os.wait4)."""
    started = time.monotonic()
    proc = subprocess.Popen([sys.executable, __file__, *args], env=env or dict(os.environ))
    _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"child {args} failed")
    return time.monotonic() - started, usage.ru_maxrss // 1024


# --- children: one publish each, so peak memory is the publish's own ----------------------


def child_copy(home: Path, build: Path, version: str) -> None:
    """The publish this change replaced: checkpoint, copy into versions/, copy over published."""
    con = duckdb.connect(str(build))
    con.execute("checkpoint")
    con.close()
    versions = home / "versions"
    versions.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(build, versions / f"{version}.duckdb")
    tmp = home / ".published.tmp"
    shutil.copyfile(versions / f"{version}.duckdb", tmp)
    os.replace(tmp, home / "published.duckdb")


def child_ducklake(home: Path, build: Path, version: str) -> None:
    from quality.lake_writer import publish_snapshot
    from yecai.settings import Paths

    commit = {"kind": "publish", "version": version, "who": "bench", "forced": False}
    publish_snapshot(Paths(home=home), build, lambda _n: [], commit)


def child_iceberg(home: Path, build: Path, version: str) -> None:
    """Each relation whose fingerprint changed since the previous publish → a new Iceberg table."""
    import json

    import duckdb_extensions

    from quality.published_relations import fingerprint, read_relations

    con = duckdb.connect()
    for name in ("avro", "iceberg"):
        duckdb_extensions.import_extension(name, con=con)
        con.execute(f"load {name}")
    con.execute(f"attach '{build}' as build (read_only)")
    state = home / "fingerprints.json"
    old = json.loads(state.read_text()) if state.exists() else {}
    new, current = (
        {},
        json.loads((home / "current.json").read_text()) if (home / "current.json").exists() else {},
    )
    for rel in read_relations(con, "build"):
        fp = fingerprint(con, rel).to_json()
        new[rel.key] = fp
        if old.get(rel.key) == fp:
            continue
        target = home / "tables" / rel.key / version
        target.parent.mkdir(parents=True, exist_ok=True)
        con.execute(f"copy ({rel.select_sql()}) to '{target}' (format iceberg)")
        current[rel.key] = str(target)
    state.write_text(json.dumps(new))
    (home / "current.json").write_text(json.dumps(current))


# --- readers -------------------------------------------------------------------------------


def time_queries(connect) -> dict[str, float]:
    started = time.monotonic()
    con = connect()
    out = {"connect": time.monotonic() - started}
    for label, sql in QUERIES.items():
        best = None
        for _ in range(3):
            t = time.monotonic()
            con.execute(sql).fetchall()
            elapsed = time.monotonic() - t
            best = elapsed if best is None else min(best, elapsed)
        out[label] = best
    con.close()
    return out


def copy_reader(published: Path) -> duckdb.DuckDBPyConnection:
    """The copied file, attached under the name its views were bound to (`build`)."""
    con = duckdb.connect()
    con.execute(f"attach '{published}' as build (read_only)")
    con.execute("use build")
    return con


def iceberg_reader(home: Path):
    import json

    import duckdb_extensions

    current = json.loads((home / "current.json").read_text())

    def connect():
        con = duckdb.connect()
        for name in ("avro", "iceberg"):
            duckdb_extensions.import_extension(name, con=con)
            con.execute(f"load {name}")
        for key, path in current.items():
            schema, name = key.split(".", 1)
            con.execute(f'create schema if not exists "{schema}"')
            con.execute(
                f'create view "{schema}"."{name}" as select * from iceberg_scan(\'{path}\')'
            )
        return con

    return connect


# --- main ----------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--builds", nargs="+", type=Path, required=True)
    parser.add_argument("--work", type=Path, default=None)
    parser.add_argument("--postgres", default=None, help="an empty PostgreSQL database URL")
    parser.add_argument(
        "--postgres-reader",
        default=None,
        help="the same database as a SELECT-only role (readers refuse a superuser)",
    )
    parser.add_argument("--skip", nargs="*", default=[], help="approaches to leave out")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="bench_publish_"))
    print(f"# bench_publish {datetime.now(UTC).isoformat(timespec='seconds')}")
    print(f"# load: {os.getloadavg()}  cores: {os.cpu_count()}  builds: {len(args.builds)}")
    for b in args.builds:
        print(f"#   {b}  {b.stat().st_size / 1e6:.0f} MB")
    approaches = ["copy", "ducklake", "iceberg"] + (["ducklake-pg"] if args.postgres else [])
    approaches = [a for a in approaches if a not in args.skip]
    summary = {}
    for approach in approaches:
        home = work / approach
        shutil.rmtree(home, ignore_errors=True)
        home.mkdir(parents=True)
        env = {**os.environ, "YECAI_HOME": str(home)}
        env.pop("YECAI_LAKE_CATALOG_URL", None)
        if approach == "ducklake-pg":
            env["YECAI_LAKE_CATALOG_URL"] = args.postgres
        kind = {"copy": "copy", "iceberg": "iceberg"}.get(approach, "ducklake")
        rows = []
        for n, build in enumerate(args.builds):
            before = tree_bytes(home)
            seconds, peak = run_child(
                ["--child", kind, str(home), str(build), f"v{n:04d}"], env=env
            )
            after = tree_bytes(home)
            rows.append((n, seconds, peak, after - before, after))
            print(
                f"{approach:12s} publish {n}: {seconds:6.1f} s  peak {peak:5d} MB  "
                f"added {(after - before) / 1e6:8.1f} MB  home {after / 1e6:8.1f} MB",
                flush=True,
            )
        if kind == "copy":
            reader = partial(copy_reader, home / "published.duckdb")
        elif kind == "iceberg":
            reader = iceberg_reader(home)
        else:
            os.environ.update({k: v for k, v in env.items() if k.startswith("YECAI_")})
            os.environ.pop("YECAI_LAKE_CATALOG_URL", None)
            os.environ.pop("YECAI_LAKE_READER_CATALOG_URL", None)
            if approach == "ducklake-pg":
                os.environ["YECAI_LAKE_CATALOG_URL"] = args.postgres
                if args.postgres_reader:
                    os.environ["YECAI_LAKE_READER_CATALOG_URL"] = args.postgres_reader
            from yecai.published import connect

            reader = connect
        timings = time_queries(reader)
        for label, seconds in timings.items():
            print(f"{approach:12s} reader {label}: {seconds * 1000:8.1f} ms")
        summary[approach] = rows
    print(
        "\n| approach | first publish | daily publish (mean after the first) | bytes added per daily publish | home after all |"
    )
    print("|---|---|---|---|---|")
    for approach, rows in summary.items():
        daily = rows[1:] or rows
        mean_s = sum(r[1] for r in daily) / len(daily)
        mean_b = sum(r[3] for r in daily) / len(daily)
        print(
            f"| {approach} | {rows[0][1]:.1f} s, {rows[0][3] / 1e6:.0f} MB | {mean_s:.1f} s | "
            f"{mean_b / 1e6:.1f} MB | {rows[-1][4] / 1e6:.0f} MB |"
        )


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        kind, home, build, version = sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4]), sys.argv[5]
        {"copy": child_copy, "ducklake": child_ducklake, "iceberg": child_iceberg}[kind](
            home, build, version
        )
    else:
        main()
