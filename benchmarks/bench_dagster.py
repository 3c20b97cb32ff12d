"""Pipeline time through Dagster (`yecai run`) against the same steps called directly.

    uv run python benchmarks/bench_dagster.py [--scale 0.01] [--from 2025-01] [--to 2025-12]
                                              [--code DIR]

Generates the demo company once, copies it into two fresh installations (so both runs start
from an empty lake: no watermark advantage), serves the demo CRM, then times:

  dagster  `yecai run` — ingest every entity, dbt build, quality checks (one step per check
           group: raw, then the dbt models), publish (reusing the run's check results),
           scorecard, all recorded in the Dagster instance;
  direct   ingestion.runner.ingest → `dbt build` → quality.publish.audit_and_publish →
           quality.scorecard.write_scorecard, in one Python process.

The difference is Dagster's price: definitions loading, run/event storage, and step
overhead. Each path is timed in wall seconds and in CPU seconds (user + sys of its whole
process tree, dbt included): the machine is shared, and CPU seconds move far less with the
load than wall time does. ``--code DIR`` runs both paths against another copy of the
repository (say ``git archive`` of an older commit), to compare before and after a change
on the same machine with the same virtualenv. Both paths run every quality suite once: the direct path inside the audit, the
Dagster path in its check steps (publish reuses those results).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
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
from yecai.settings import get_paths
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
        "--profiles-dir", str(paths.dbt_project), "--project-dir", str(paths.dbt_project)]
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


def serve_crm(env: dict[str, str], home: Path, code: Path = REPO) -> subprocess.Popen:
    """Start `yecai demo crm-serve` for the demo under ``home`` on a free port, wait until it
    answers, and point ``env`` at it (YECAI_CRM_URL, YECAI_CRM_TOKEN). The caller stops it."""
    port = _free_port()
    env.update(YECAI_CRM_URL=f"http://127.0.0.1:{port}", YECAI_CRM_TOKEN="bench-token")
    crm = subprocess.Popen(
        [str(BIN / "yecai"), "demo", "crm-serve", "--port", str(port)],  # token: env
        cwd=code,
        env={**env, "YECAI_HOME": str(home)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.3)
    return crm


STEP_STATS = """
import json, sys
import dagster as dg
from orchestration.instance import get_instance
from yecai.settings import get_paths
instance = get_instance(get_paths())
record = instance.get_run_records(dg.RunsFilter(job_name="yecai_pipeline"), limit=1)[0]
run_id = record.dagster_run.run_id
stats = instance.get_run_step_stats(run_id)
steps = {s.step_key: round((s.end_time or 0) - (s.start_time or 0), 1) for s in stats}
events = instance.get_records_for_run(run_id, limit=1_000_000).records
wall = (record.end_time or 0) - (record.start_time or 0)
print(json.dumps({"events": len(events), "steps_n": len(steps), "run_wall_s": round(wall, 1),
                  "raw_steps_s": round(sum(v for k, v in steps.items() if k.startswith("raw")), 1),
                  "steps": steps}))
"""


def _cpu_seconds_of_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _run(
    cmd: list[str], env: dict[str, str], cwd: Path
) -> tuple[float, float, subprocess.CompletedProcess]:
    """Wall and CPU seconds of ``cmd`` (CPU: its whole process tree, waited children only)."""
    cpu_before = _cpu_seconds_of_children()
    started = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    return time.perf_counter() - started, _cpu_seconds_of_children() - cpu_before, done


def _loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="0.01", help="demo size (default 0.01)")
    parser.add_argument("--from", dest="first", default="2025-01", help="first period")
    parser.add_argument("--to", dest="last", default="2025-12", help="last period")
    parser.add_argument(
        "--code", type=Path, default=REPO, help="repository copy to run (default: this one)"
    )
    parser.add_argument(
        "--demo",
        type=Path,
        default=None,
        help="reuse a generated demo folder (a YECAI_HOME's demo/) instead of generating one; "
        "a before/after pair then runs on identical data",
    )
    args = parser.parse_args()
    code = args.code.resolve()

    base = Path(tempfile.mkdtemp(prefix="yecai-bench-"))
    via_dagster, direct = base / "dagster", base / "direct"
    env = {k: v for k, v in os.environ.items() if k != "YECAI_DBT_PROJECT_DIR"}
    env["YECAI_FIRST_PERIOD"] = args.first
    # The virtualenv's editable install points at this checkout; PYTHONPATH puts the copy
    # under test first, and the dbt project is found beside its code (yecai.settings).
    env["PYTHONPATH"] = str(code)
    if args.demo is not None:
        print(f"copying the demo from {args.demo} into {base}…", flush=True)
        shutil.copytree(args.demo, via_dagster / "demo")
    else:
        print(f"generating the demo (scale {args.scale}) in {via_dagster}…", flush=True)
        gen = subprocess.run(
            [str(BIN / "yecai"), "demo", "generate", "--scale", args.scale],
            cwd=code,
            env={**env, "YECAI_HOME": str(via_dagster)},
            capture_output=True,
            text=True,
        )
        if gen.returncode != 0:
            print(gen.stderr, file=sys.stderr)
            return 1
    shutil.copytree(via_dagster / "demo", direct / "demo")
    # both installations hold the demo company's configuration (sources.yml, contracts, its dbt
    # project), as `yecai demo generate` leaves it; dbt's own state is not copied
    for home in (via_dagster, direct):
        if not (home / "sources.yml").exists():
            subprocess.run(
                [
                    sys.executable,
                    "-c",
                    "import sys; from demo.install import "
                    "install_company; install_company(sys.argv[1])",
                    str(home),
                ],
                cwd=code,
                env=env,
                check=True,
            )

    crm = serve_crm(env, via_dagster, code)
    try:
        load = {"before_dagster": _loadavg()}
        dagster_seconds, dagster_cpu, dagster_done = _run(
            [str(BIN / "yecai"), "run", "--from", args.first, "--to", args.last],
            {**env, "YECAI_HOME": str(via_dagster)},
            code,
        )
        load["before_direct"] = _loadavg()
        direct_seconds, direct_cpu, direct_done = _run(
            [sys.executable, "-c", DIRECT, args.first, args.last],
            {**env, "YECAI_HOME": str(direct)},
            code,
        )
        load["after"] = _loadavg()
    finally:
        crm.terminate()
        crm.wait(timeout=30)

    stats = subprocess.run(
        [sys.executable, "-c", STEP_STATS],
        cwd=code,
        env={**env, "YECAI_HOME": str(via_dagster)},
        capture_output=True,
        text=True,
    )
    print(f"\n{'path':<10}{'wall s':>10}{'CPU s':>10}  result")
    print(
        f"{'dagster':<10}{dagster_seconds:>10.1f}{dagster_cpu:>10.1f}  "
        f"exit {dagster_done.returncode}"
    )
    detail = direct_done.stdout.strip().splitlines()[-1] if direct_done.stdout.strip() else ""
    print(
        f"{'direct':<10}{direct_seconds:>10.1f}{direct_cpu:>10.1f}  "
        f"exit {direct_done.returncode} {detail}"
    )
    print(f"load average: {load}")
    if stats.returncode == 0 and stats.stdout.strip():
        print(f"dagster run: {stats.stdout.strip().splitlines()[-1]}")
    if dagster_done.returncode == 0 and direct_done.returncode == 0:
        print(
            f"Dagster overhead: wall {dagster_seconds - direct_seconds:+.1f}s "
            f"({dagster_seconds / direct_seconds:.2f}×), CPU {dagster_cpu - direct_cpu:+.1f}s "
            f"({dagster_cpu / direct_cpu:.2f}×)"
        )
    else:
        print((dagster_done.stdout + dagster_done.stderr)[-1500:], file=sys.stderr)
        print(direct_done.stderr[-1500:], file=sys.stderr)
    print(
        json.dumps(
            {
                "dagster_s": round(dagster_seconds, 1),
                "direct_s": round(direct_seconds, 1),
                "dagster_cpu_s": round(dagster_cpu, 1),
                "direct_cpu_s": round(direct_cpu, 1),
                "load": load,
                "workdir": str(base),
            }
        )
    )
    return 0 if dagster_done.returncode == 0 and direct_done.returncode == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
