"""What encrypting the lake's raw zone costs a reader and a writer (docs/decisions/lake-parquet-encryption.md).

    uv run python benchmarks/bench_lake_encryption.py --rows 200000 --batches 200

Prints, best of ``--repeat`` runs (the machine is shared):

- one batch file of ``--rows`` employee-like rows written (COPY, zstd) plain vs encrypted,
  and re-written once (read with its key, written with another: what ``converge`` does to
  each file when a key is set later or rotated);
- a scan (count, count distinct) of ``--batches`` small batch files: DuckDB's glob over plain
  files, ``parquet_scan`` over the same plain files (a magic read per file), over encrypted
  files (a manifest read per file), and over encrypted files with ``union_by_name`` (each
  file's columns asked once: DuckDB 1.5.5 cannot unite encrypted files by name);
- ``converge`` on an entity already in its state (a manifest read per batch).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from yecai.privacy import lake_crypto  # noqa: E402
from yecai.privacy.keys import new_key_text  # noqa: E402
from yecai.privacy.lake_crypto import copy_options, lake_keyring, parquet_scan  # noqa: E402

ROWS_SQL = """
select 'E' || lpad(i::varchar, 7, '0') as employee_id,
       '员工' || (i % 9973) as employee_name,
       '1101011990' || lpad((i % 100000000)::varchar, 8, '0') as national_id,
       '6222' || lpad(i::varchar, 15, '0') as bank_account,
       (8000 + i % 20000)::decimal(18, 2) as base_pay,
       'src' as _source_system, 'E' || i as _source_pk, 'b' as _batch_id
from range({rows}) t(i)
"""


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--batches", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-lake-"))
    home = work / "home"
    ring = lake_keyring(home, {"YECAI_LAKE_KEY": new_key_text()})
    (key,) = ring.values()
    other = next(iter(lake_keyring(home, {"YECAI_LAKE_KEY": new_key_text()}).values()))
    con = duckdb.connect()
    con.execute("set threads = 2")
    rows = ROWS_SQL.format(rows=args.rows)

    def write(path: Path, with_key) -> None:
        con.execute(
            f"copy ({rows}) to '{path}' (format parquet, compression zstd"
            f"{copy_options(con, with_key)})"
        )

    plain, sealed = work / "plain.parquet", work / "sealed.parquet"
    out = {
        "write_plain_s": best(lambda: write(plain, None), args.repeat),
        "write_encrypted_s": best(lambda: write(sealed, key), args.repeat),
    }
    both = {**ring, other.key_id: other}

    def rewrite() -> None:
        target = work / "rewritten.parquet"
        target.unlink(missing_ok=True)
        con.execute(
            f"copy (select * from {parquet_scan(con, [sealed], {key.key_id: key})}) to "
            f"'{target}' (format parquet, compression zstd{copy_options(con, other)})"
        )

    out["rewrite_one_file_s"] = best(rewrite, args.repeat)
    out["sizes_mb"] = [round(p.stat().st_size / 1e6, 2) for p in (plain, sealed)]
    del both

    # many small batches, as an entity has after months of daily loads
    small = ROWS_SQL.format(rows=max(args.rows // args.batches, 1))
    for zone, with_key in (("clear", None), ("sealed", key)):
        for b in range(args.batches):
            folder = work / zone / "src" / "people" / f"batch={b:05d}"
            folder.mkdir(parents=True)
            con.execute(
                f"copy ({small}) to '{folder / 'part-0.parquet'}' "
                f"(format parquet, compression zstd{copy_options(con, with_key)})"
            )
            manifest = {"key_id": with_key.key_id if with_key else None}
            (folder / "manifest.json").write_text(json.dumps(manifest))
    query = "select count(*), count(distinct national_id) from {}"

    def scan_glob() -> None:
        con.execute(query.format(f"read_parquet('{work}/clear/src/people/batch=*/*.parquet')"))

    def scan_listed(zone: str, **opts: str):
        def run() -> None:
            glob = f"{work}/{zone}/src/people/batch=*/*.parquet"
            con.execute(query.format(parquet_scan(con, glob, ring, **opts))).fetchall()

        return run

    out["scan_glob_clear_s"] = best(scan_glob, args.repeat)
    out["scan_parquet_scan_clear_s"] = best(scan_listed("clear"), args.repeat)
    out["scan_parquet_scan_encrypted_s"] = best(scan_listed("sealed"), args.repeat)
    lake_crypto._COLUMNS.clear()
    start = time.perf_counter()
    scan_listed("sealed", union_by_name="true")()
    out["scan_encrypted_union_by_name_first_s"] = time.perf_counter() - start
    out["scan_encrypted_union_by_name_cached_s"] = best(
        scan_listed("sealed", union_by_name="true"), args.repeat
    )

    def converge_noop() -> None:
        for manifest in sorted((work / "sealed" / "src" / "people").glob("batch=*/manifest.json")):
            if json.loads(manifest.read_text())["key_id"] != key.key_id:
                raise AssertionError(manifest)

    out["converge_noop_manifest_reads_s"] = best(converge_noop, args.repeat)
    out["rows"], out["batches"], out["load"] = args.rows, args.batches, os.getloadavg()
    print(json.dumps({k: round(v, 4) if isinstance(v, float) else v for k, v in out.items()}))


if __name__ == "__main__":
    main()
