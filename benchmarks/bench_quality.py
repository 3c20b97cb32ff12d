"""How long the quality gates take, compared with the pipeline they guard.

    uv run python benchmarks/bench_quality.py --synthetic-vouchers 200000
    uv run python benchmarks/bench_quality.py --pipeline-seconds 95      # audit $YECAI_HOME's build
    uv run python benchmarks/bench_quality.py --measure-dbt              # time `dbt build` too

With ``--synthetic-vouchers`` a warehouse of that many balanced two-line vouchers (and
its trial balance) is generated in a temporary YECAI_HOME, so the numbers do not depend
on the demo; otherwise the build warehouse of YECAI_HOME is audited.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from quality.runner import run_layer  # noqa: E402
from yecai.settings import Paths, get_paths  # noqa: E402

SYNTHETIC_SQL = """
create schema finance; create schema governance; create schema master;
create table finance.gl_lines as
with v as (select i, 'E' || (i % 3 + 1) as entity_code,
                  '2024-' || lpad(cast(i % 12 + 1 as varchar), 2, '0') as period,
                  cast((i % 9973) + 1 as decimal(18, 2)) as amount from range({n}) t(i))
select 'V' || i as voucher_id, entity_code, period, '1001' as account_code, amount as debit,
       cast(0 as decimal(18, 2)) as credit, 'erp' as source_system, 'D' || i as source_document_id,
       'b1' as batch_id from v
union all
select 'V' || i, entity_code, period, '6001', cast(0 as decimal(18, 2)), amount, 'erp', 'D' || i,
       'b1' from v;
create table finance.trial_balance as
with m as (select entity_code, period, account_code, sum(debit) as debit, sum(credit) as credit
           from finance.gl_lines group by all),
b as (select *, sum(debit - credit) over (partition by entity_code, account_code order by period)
             as closing_balance from m)
select entity_code, period, account_code,
       cast(closing_balance - debit + credit as decimal(18, 2)) as opening_balance,
       cast(debit as decimal(18, 2)) as debit, cast(credit as decimal(18, 2)) as credit,
       cast(closing_balance as decimal(18, 2)) as closing_balance from b;
create table governance.ingestion_batches as select 'b1' as batch_id, 'erp' as source,
  'vouchers' as entity, now() as started_at, now() as finished_at, 'succeeded' as status,
  {rows} as rows_read, {rows} as rows_landed, 0 as rows_quarantined, null as watermark;
"""


def synthetic_home(vouchers: int) -> Paths:
    paths = Paths(home=Path(tempfile.mkdtemp(prefix="yecai-bench-")))
    paths.warehouse.mkdir(parents=True)
    con = duckdb.connect(str(paths.build_db))
    con.execute(SYNTHETIC_SQL.format(n=vouchers, rows=2 * vouchers))
    con.close()
    return paths


def time_dbt(paths: Paths) -> float:
    from orchestration.defs.transform.dbt_args import dbt_env

    env = {**os.environ, **dbt_env(paths)}
    start = time.perf_counter()
    subprocess.run(
        [
            "dbt",
            "build",
            "--project-dir",
            str(paths.dbt_project),
            "--profiles-dir",
            str(paths.dbt_project),
        ],
        check=True,
        env=env,
    )
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--synthetic-vouchers", type=int, help="generate a warehouse of N vouchers")
    ap.add_argument("--pipeline-seconds", type=float, help="pipeline time to compare against")
    ap.add_argument("--measure-dbt", action="store_true", help="time `dbt build` first")
    args = ap.parse_args()

    paths = synthetic_home(args.synthetic_vouchers) if args.synthetic_vouchers else get_paths()
    pipeline = args.pipeline_seconds
    if args.measure_dbt:
        pipeline = time_dbt(paths)

    timings = {}
    counts = {}
    for layer in ("raw", "canonical", "marts"):
        start = time.perf_counter()
        results = run_layer(paths, layer, build_docs=False)
        timings[layer] = time.perf_counter() - start
        counts[layer] = len(results)
    total = sum(timings.values())
    print(f"warehouse: {paths.build_db}")
    for layer, secs in timings.items():
        print(f"  {layer:<10} {counts[layer]:>4} checks  {secs:8.2f} s")
    print(f"  {'all':<10} {sum(counts.values()):>4} checks  {total:8.2f} s")
    if pipeline:
        print(f"pipeline: {pipeline:.2f} s; quality gates add {100 * total / pipeline:.0f}%")
    if args.synthetic_vouchers:
        shutil.rmtree(paths.home, ignore_errors=True)


if __name__ == "__main__":
    main()
