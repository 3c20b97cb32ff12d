"""Pipeline time through Dagster (`yecai run`) against the same steps called directly.

    uv run python benchmarks/bench_dagster.py [--scale 0.01] [--from 2025-01] [--to 2025-12]

Generates the demo company once, copies it into two fresh installations (so both runs start
from an empty lake: no watermark advantage), serves the demo CRM, then times:

  dagster  `yecai run` — ingest every entity, dbt build, quality checks (one step per check
           group: raw, then the dbt models), publish (reusing the run's check results),
           scorecard, all recorded in the Dagster instance;
  direct   ingestion.runner.ingest → `dbt build` → quality.publish.audit_and_publish →
           quality.scorecard.write_scorecard, in one Python process.

The difference is Dagster's price: definitions loading, run/event storage, and step
overhead. Both paths run every quality suite once: the direct path inside the audit, the
Dagster path in its check steps (publish reuses those results).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent

DIRECT = """
import json, os, subprocess, sys, time
from pathlib import Path
from yecai.settings import DBT_PROJECT_DIR, get_paths
from ingestion.runner import ingest
from quality.publish import audit_and_publish
from quality.scorecard import write_scorecard
from orchestration.defs.transform.dbt_args import dbt_build_args, dbt_env

paths = get_paths()
timings = {}
t = time.perf_counter(); ingest(paths); timings["ingest"] = time.perf_counter() - t
t = time.perf_counter()
paths.warehouse.mkdir(parents=True, exist_ok=True)
env = {**os.environ, **dbt_env(paths)}
args = [str(Path(sys.executable).parent / "dbt"), *dbt_build_args((sys.argv[1], sys.argv[2])),
        "--profiles-dir", str(DBT_PROJECT_DIR), "--project-dir", str(DBT_PROJECT_DIR)]
subprocess.run(args, env=env, check=True, capture_output=True)
timings["dbt_build"] = time.perf_counter() - t
t = time.perf_counter(); outcome = audit_and_publish(paths, "bench-direct")
timings["audit_publish"] = time.perf_counter() - t
t = time.perf_counter(); write_scorecard(paths); timings["scorecard"] = time.perf_counter() - t
timings["published"] = bool(outcome.published)
print(json.dumps(timings))
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run(cmd: list[str], env: dict[str, str]) -> tuple[float, subprocess.CompletedProcess]:
    started = time.perf_counter()
    done = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True)
    return time.perf_counter() - started, done


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="0.01", help="demo size (default 0.01)")
    parser.add_argument("--from", dest="first", default="2025-01", help="first period")
    parser.add_argument("--to", dest="last", default="2025-12", help="last period")
    args = parser.parse_args()

    base = Path(tempfile.mkdtemp(prefix="yecai-bench-"))
    via_dagster, direct = base / "dagster", base / "direct"
    env = {k: v for k, v in os.environ.items() if k != "YECAI_DBT_PROJECT_DIR"}
    env["YECAI_FIRST_PERIOD"] = args.first
    print(f"generating the demo (scale {args.scale}) in {via_dagster}…", flush=True)
    gen = subprocess.run(
        [str(BIN / "yecai"), "demo", "generate", "--scale", args.scale],
        cwd=REPO,
        env={**env, "YECAI_HOME": str(via_dagster)},
        capture_output=True,
        text=True,
    )
    if gen.returncode != 0:
        print(gen.stderr, file=sys.stderr)
        return 1
    shutil.copytree(via_dagster / "demo", direct / "demo")

    port = _free_port()
    env.update(YECAI_CRM_URL=f"http://127.0.0.1:{port}", YECAI_CRM_TOKEN="bench-token")
    crm = subprocess.Popen(
        [str(BIN / "yecai"), "demo", "crm-serve", "--port", str(port), "--token", "bench-token"],
        cwd=REPO,
        env={**env, "YECAI_HOME": str(via_dagster)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.3)
        dagster_seconds, dagster_done = _run(
            [str(BIN / "yecai"), "run", "--from", args.first, "--to", args.last],
            {**env, "YECAI_HOME": str(via_dagster)},
        )
        direct_seconds, direct_done = _run(
            [sys.executable, "-c", DIRECT, args.first, args.last],
            {**env, "YECAI_HOME": str(direct)},
        )
    finally:
        crm.terminate()
        crm.wait(timeout=30)

    print(f"\n{'path':<10}{'seconds':>10}  result")
    print(f"{'dagster':<10}{dagster_seconds:>10.1f}  exit {dagster_done.returncode}")
    detail = direct_done.stdout.strip().splitlines()[-1] if direct_done.stdout.strip() else ""
    print(f"{'direct':<10}{direct_seconds:>10.1f}  exit {direct_done.returncode} {detail}")
    if dagster_done.returncode == 0 and direct_done.returncode == 0:
        print(
            f"Dagster overhead: {dagster_seconds - direct_seconds:+.1f}s "
            f"({dagster_seconds / direct_seconds:.2f}×)"
        )
    else:
        print((dagster_done.stdout + dagster_done.stderr)[-1500:], file=sys.stderr)
        print(direct_done.stderr[-1500:], file=sys.stderr)
    print(
        json.dumps(
            {
                "dagster_s": round(dagster_seconds, 1),
                "direct_s": round(direct_seconds, 1),
                "workdir": str(base),
            }
        )
    )
    return 0 if dagster_done.returncode == 0 and direct_done.returncode == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
