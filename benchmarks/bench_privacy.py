"""What privacy costs: keyed HMAC tokens and encryption at rest in DuckDB 1.5.

    uv run python benchmarks/bench_privacy.py --rows 1000000

Prints, for ``--rows`` synthetic employee-like rows (id, name, national ID, bank account,
birth date, salary):

- tokens: the select list's SQL HMAC (``yecai.privacy.tokens``) vs a vectorised Python (Arrow)
  UDF computing the same HMAC, on the national-ID column;
- DuckDB database: CREATE TABLE AS into a plain vs an encrypted (``ENCRYPTION_KEY``) file,
  then a full scan (sum of salary, count distinct national ID) of each;
- Parquet: COPY to a plain vs a modular-encrypted file, then the same scan;
- DuckLake: CREATE TABLE AS into a plain vs an ENCRYPTED DuckLake with an encrypted catalog,
  then the same scan (when the ducklake extension is installed).

Each figure is the best of ``--repeat`` runs (the machine is shared); file sizes in MB.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from yecai.privacy.encryption import (  # noqa: E402
    attach_encrypted,
    ducklake_attach,
    enable_encryption,
    encrypted_parquet_source,
    register_parquet_key,
)
from yecai.privacy.keys import Key, key_id_of  # noqa: E402
from yecai.privacy.tokens import install_token_key, token_sql  # noqa: E402

ROWS_SQL = """
select 'E' || lpad(cast(i as varchar), 8, '0') as employee_id,
       '员工' || cast(i % 9973 as varchar) as employee_name,
       '110101' || cast(1960 + i % 40 as varchar) || '0101' || lpad(cast(i % 1000 as varchar), 3, '0') || 'X'
         as national_id,
       '6222' || lpad(cast(i as varchar), 15, '0') as bank_account,
       date '1960-01-01' + cast(i % 15000 as integer) as birth_date,
       cast(3000 + (i % 50000) as decimal(18, 2)) as base_salary
from range({rows}) t(i)
"""
SCAN = "select sum(base_salary), count(distinct national_id) from {source}"


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def mb(path: Path) -> float:
    if path.is_dir():
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6
    return path.stat().st_size / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    n, repeat = args.rows, args.repeat
    material = os.urandom(32)
    key = Key("warehouse", key_id_of("warehouse", material), "bench", material)
    work = Path(tempfile.mkdtemp(prefix="yecai-bench-privacy-"))
    print(f"# {datetime.now(UTC):%Y-%m-%d %H:%M} UTC · rows {n:,} · best of {repeat}")
    print(f"# load average before: {os.getloadavg()}")
    print(f"# duckdb {duckdb.__version__} · {work}")

    con = duckdb.connect()
    enable_encryption(con)
    con.execute("set threads = 2")
    con.execute(f"create table src as {ROWS_SQL.format(rows=n)}")

    # tokens ---------------------------------------------------------------------------
    install_token_key(con, material, key.key_id)
    sql_tokens = token_sql('"national_id"', "national_id")
    t_sql = best(
        lambda: con.execute(
            f"create or replace temp table t1 as select {sql_tokens} as tok from src"
        ),
        repeat,
    )

    def udf(col: pa.Array) -> pa.Array:
        return pa.array(
            [
                "tok_"
                + hmac.new(
                    material, f"national_id\x1f{v.upper()}".encode(), hashlib.sha256
                ).hexdigest()[:32]
                if v is not None
                else None
                for v in col.to_pylist()
            ]
        )

    con.create_function("py_token", udf, ["VARCHAR"], "VARCHAR", type="arrow")
    t_udf = best(
        lambda: con.execute(
            "create or replace temp table t2 as select py_token(trim(national_id)) as tok from src"
        ),
        repeat,
    )
    same = con.execute(
        f"select count(*) from src where {sql_tokens} = py_token(trim(national_id))"
    ).fetchone()[0]
    print("\n| what | seconds | rows/s | MB |\n|---|---:|---:|---:|")
    print(f"| token: SQL HMAC (yecai.privacy.tokens) | {t_sql:.2f} | {n / t_sql:,.0f} | |")
    print(f"| token: Python Arrow UDF, same HMAC | {t_udf:.2f} | {n / t_udf:,.0f} | |")
    assert same == n, f"SQL and Python tokens differ on {n - same} rows"

    # DuckDB databases -----------------------------------------------------------------
    for label, encrypted in (("plain", False), ("encrypted", True)):
        path = work / f"{label}.duckdb"

        def write(path=path, encrypted=encrypted) -> None:
            path.unlink(missing_ok=True)
            c = duckdb.connect()
            c.execute("set threads = 2")
            if encrypted:
                attach_encrypted(c, path, key, alias="db")
            else:
                c.execute(f"attach '{path}' as db")
            c.execute("attach ':memory:' as m")
            c.register("src_arrow", con.execute("select * from src").arrow())
            c.execute("create table db.employees as select * from src_arrow")
            c.close()

        def scan(path=path, encrypted=encrypted) -> None:
            c = duckdb.connect()
            c.execute("set threads = 2")
            if encrypted:
                attach_encrypted(c, path, key, alias="db", read_only=True)
            else:
                c.execute(f"attach '{path}' as db (read_only)")
            c.execute(SCAN.format(source="db.employees")).fetchall()
            c.close()

        tw, ts = best(write, repeat), best(scan, repeat)
        print(f"| DuckDB {label}: write | {tw:.2f} | {n / tw:,.0f} | {mb(path):.1f} |")
        print(f"| DuckDB {label}: scan | {ts:.2f} | {n / ts:,.0f} | |")

    # Parquet ---------------------------------------------------------------------------
    name = register_parquet_key(con, key)
    for label, option, source in (
        ("plain", "", "read_parquet('{p}')"),
        ("encrypted", f", encryption_config {{footer_key: '{name}'}}", None),
    ):
        path = work / f"{label}.parquet"

        def write(path=path, option=option) -> None:
            con.execute(f"copy src to '{path}' (format parquet{option})")

        tw = best(write, repeat)
        src = source.format(p=path) if source else encrypted_parquet_source(str(path), name)
        ts = best(lambda src=src: con.execute(SCAN.format(source=src)).fetchall(), repeat)
        print(f"| Parquet {label}: write | {tw:.2f} | {n / tw:,.0f} | {mb(path):.1f} |")
        print(f"| Parquet {label}: scan | {ts:.2f} | {n / ts:,.0f} | |")

    # DuckLake --------------------------------------------------------------------------
    try:
        con.execute("load ducklake")
    except duckdb.Error as exc:
        print(f"\n(DuckLake skipped: {str(exc).splitlines()[0]})")
        return
    for label, encrypted in (("plain", False), ("encrypted", True)):
        folder = work / f"lake_{label}"

        def attach(c, folder=folder, encrypted=encrypted, read_only=False) -> None:
            if encrypted:
                sql, params = ducklake_attach(
                    folder / "catalog.ducklake", folder / "data", "lake", key, read_only
                )
                c.execute(sql, params)
            else:
                ro = ", read_only" if read_only else ""
                c.execute(
                    f"attach 'ducklake:{folder / 'catalog.ducklake'}' as lake "
                    f"(data_path '{folder / 'data'}'{ro})"
                )

        def write(folder=folder, attach=attach) -> None:
            import shutil

            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            c = duckdb.connect()
            c.execute("set threads = 2")
            enable_encryption(c)
            c.execute("load ducklake")
            attach(c)
            c.register("src_arrow", con.execute("select * from src").arrow())
            c.execute("create table lake.employees as select * from src_arrow")
            c.close()

        def scan(attach=attach) -> None:
            c = duckdb.connect()
            c.execute("set threads = 2")
            enable_encryption(c)
            c.execute("load ducklake")
            attach(c, read_only=True)
            c.execute(SCAN.format(source="lake.employees")).fetchall()
            c.close()

        tw, ts = best(write, repeat), best(scan, repeat)
        print(f"| DuckLake {label}: write | {tw:.2f} | {n / tw:,.0f} | {mb(folder):.1f} |")
        print(f"| DuckLake {label}: scan | {ts:.2f} | {n / ts:,.0f} | |")
    print(f"\n# load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
