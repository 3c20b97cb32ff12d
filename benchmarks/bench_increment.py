"""Benchmark: one daily increment end to end, by stage, next to a full run and a plain script.

    uv run python benchmarks/bench_increment.py --demo <a generated demo folder> --label 1
    uv run python benchmarks/bench_increment.py --scale 0.1          # generates one first

Not a test. Copies the demo into a fresh installation, serves its CRM, then times each phase
as its own process (wall, CPU of the whole process tree, peak RSS of the tree summed over its
processes, sampled every 0.2 s):

  full       `yecai run --full`: the first load and a build of everything
  no change  `yecai run` again at once: what an increment costs when nothing changed (the
             fixed part: start-ups, definitions, per-table checks that find nothing)
  advance    `yecai demo advance --days 1`: one business day in every demo system
  increment  `yecai run`: the daily increment (ingest → dbt → checks → publish → scorecard)
  script     benchmarks/trial_balance_baseline.sql: gl_lines, trial balance, balance sheet
             and income statement of E01/E02 straight from the raw zone; its tables are then
             compared row for row with the published marts (columns named in MARTS below)

Each Dagster phase is split by stage from the instance's own records: start-up and
definitions (the phase's wall time outside any run), every step of the ingest run (one per
source), the check steps, the dbt step split into dbt's start-up and parse vs the models
(dbt's run_results.json: elapsed time and the sum of the models' own times), publish, and
the scorecard run. "per-row" is read from two comparisons: no change vs one day at one
scale (the fixed cost of an increment), and the same phase at two scales.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from decimal import Decimal
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_dagster import BIN, REPO, _cpu_seconds_of_children, _loadavg, serve_crm  # noqa: E402
from bench_dbt import baseline  # noqa: E402

# mart → (baseline table, compared columns, rows of the mart compared). E03 and GROUP are
# outside the script (the second ERP in SGD and the consolidation).
MARTS = {
    "finance.gl_lines": (
        "gl_lines_baseline",
        "voucher_no, line_no, entity_code, period, is_opening_balance, account_code, debit, credit",
        "entity_code in ('E01', 'E02')",
    ),
    "finance.trial_balance": (
        "trial_balance_baseline",
        "entity_code, period, account_code, opening_balance, debit, credit, closing_balance",
        "entity_code in ('E01', 'E02')",
    ),
    "finance.balance_sheet": (
        "balance_sheet_baseline",
        "entity_code, period, line_code, amount, comparative_amount",
        "entity_code in ('E01', 'E02')",
    ),
    "finance.income_statement": (
        "income_statement_baseline",
        "entity_code, period, line_code, amount, comparative_amount",
        "entity_code in ('E01', 'E02')",
    ),
}

RUN_PROFILE = """
import json, sys
from datetime import UTC, datetime
import dagster as dg
from orchestration.instance import get_instance
from yecai.settings import get_paths
instance = get_instance(get_paths())
since = datetime.fromtimestamp(float(sys.argv[1]), UTC)
out = []
for rec in reversed(instance.get_run_records(dg.RunsFilter(created_after=since))):
    run = rec.dagster_run
    steps = {s.step_key: round(s.end_time - s.start_time, 2)
             for s in instance.get_run_step_stats(run.run_id) if s.end_time and s.start_time}
    out.append({"job": run.job_name, "run_id": run.run_id, "status": str(run.status),
                "start": rec.start_time, "end": rec.end_time,
                "wall": round(rec.end_time - rec.start_time, 2)
                        if rec.end_time and rec.start_time else 0.0,  # 0 while still running
                "steps": steps})
print(json.dumps(out))
"""


class TreeMemory:
    """Peak memory of a process and all its descendants, sampled from /proc.

    Two sums: RSS (what `top` shows; a page shared by several processes counts once in each)
    and PSS (each shared page split between the processes sharing it: what the tree really
    holds). At the PSS peak it also keeps what each process held, named by its command, so a
    report says which process to cap.
    """

    def __init__(self, pid: int, every: float = 0.5) -> None:
        self.pid, self.every = pid, every
        self.peak_kb = self.peak_pss_kb = 0
        self.at_peak: list[tuple[str, int]] = []
        self.per_process_peak: dict[str, int] = {}
        # (seconds since start, tree PSS kB, biggest process, its kB): one per 5 s, the max
        self.timeline: list[tuple[float, int, str, int]] = []
        self._started = time.time()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _tree(self) -> set[int]:
        parents: dict[int, int] = {}
        for entry in os.scandir("/proc"):
            if entry.name.isdigit():
                try:
                    stat = Path(f"/proc/{entry.name}/stat").read_text()
                    parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
                except (OSError, IndexError, ValueError):
                    continue
        tree, frontier = {self.pid}, [self.pid]
        while frontier:
            parent = frontier.pop()
            for pid, ppid in parents.items():
                if ppid == parent and pid not in tree:
                    tree.add(pid)
                    frontier.append(pid)
        return tree

    @staticmethod
    def _process(pid: int) -> tuple[str, int, int] | None:
        """(command, RSS kB, PSS kB) of one process, or None once it has gone."""
        try:
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
            argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            return None
        fields = dict(
            (line.split(":")[0], int(line.split()[1]))
            for line in rollup.splitlines()
            if line.startswith(("Rss:", "Pss:"))
        )
        return command_name(argv), fields.get("Rss", 0), fields.get("Pss", 0)

    def _sample(self) -> None:
        while not self._stop.is_set():
            processes = [p for p in map(self._process, self._tree()) if p is not None]
            self.peak_kb = max(self.peak_kb, sum(p[1] for p in processes))
            pss = sum(p[2] for p in processes)
            if pss > self.peak_pss_kb:
                self.peak_pss_kb = pss
                self.at_peak = sorted(((n, k) for n, _, k in processes), key=lambda x: -x[1])
            for name, _, kb in processes:
                self.per_process_peak[name] = max(self.per_process_peak.get(name, 0), kb)
            self._note(pss, processes)
            self._stop.wait(self.every)

    def _note(self, pss: int, processes: list[tuple[str, int, int]]) -> None:
        at = time.time() - self._started
        top = max(processes, key=lambda p: p[2], default=("?", 0, 0))
        point = (round(at // 5 * 5), pss, top[0], top[2])
        if self.timeline and self.timeline[-1][0] == point[0]:
            if pss > self.timeline[-1][1]:
                self.timeline[-1] = point
        else:
            self.timeline.append(point)

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.peak_kb / 1024


def command_name(argv: list[bytes]) -> str:
    """A short name for a process from its argv: `dbt build`, `dagster api execute_step`."""
    words = [Path(a.decode(errors="replace")).name for a in argv if a]
    if words and words[0].startswith("python") and len(words) > 1:
        words = words[2:] if words[1] == "-m" else words[1:]
    return " ".join(w for w in words[:4] if not w.startswith(("-", "{")))[:60] or "?"


def timed(cmd: list[str], env: dict[str, str]) -> dict:
    """Run ``cmd``; wall and CPU seconds (whole tree), peak tree RSS (MB), load before/after."""
    load_before = _loadavg()
    cpu_before = _cpu_seconds_of_children()
    started = time.time()
    proc = subprocess.Popen(
        cmd, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    memory = TreeMemory(proc.pid)
    output = proc.communicate()[0].decode(errors="replace")
    peak = memory.stop()
    result = {
        "cmd": " ".join(Path(c).name if i == 0 else c for i, c in enumerate(cmd)),
        "started": started,
        "wall": round(time.time() - started, 1),
        "cpu": round(_cpu_seconds_of_children() - cpu_before, 1),
        "peak_mb": round(peak),
        "peak_pss_mb": round(memory.peak_pss_kb / 1024),
        "at_peak_mb": [(n, round(kb / 1024)) for n, kb in memory.at_peak if kb >= 20 * 1024],
        "timeline_mb": [
            (t, round(kb / 1024), n, round(k / 1024)) for t, kb, n, k in memory.timeline
        ],
        "process_peaks_mb": {
            n: round(kb / 1024) for n, kb in memory.per_process_peak.items() if kb >= 50 * 1024
        },
        "load": f"{load_before} → {_loadavg()}",
        "exit": proc.returncode,
    }
    if proc.returncode != 0:
        print(output[-3000:], file=sys.stderr)
    return result


def dbt_split(run_id: str) -> dict | None:
    """dbt's own timing of the dbt step of ``run_id``: execution (elapsed) and model seconds."""
    found = sorted(
        (REPO / "dbt_project").glob(f"target/dbt_models-{run_id[:7]}-*/run_results.json"),
        key=lambda p: p.stat().st_mtime,
    )
    if not found:
        return None
    results = json.loads(found[-1].read_text())
    models = [r for r in results["results"] if r["unique_id"].startswith("model.")]
    return {
        "elapsed": round(results["elapsed_time"], 1),
        "models": len(models),
        "model_seconds": round(sum(r["execution_time"] for r in models), 1),
    }


def runs_since(started: float, env: dict[str, str]) -> list[dict]:
    """The Dagster runs created after ``started`` (epoch seconds), oldest first, with steps."""
    done = subprocess.run(
        [sys.executable, "-c", RUN_PROFILE, str(started)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def stages(phase: dict, env: dict[str, str]) -> list[tuple[str, float]]:
    """(stage, wall seconds) of one `yecai run` phase, from the Dagster instance."""
    runs = runs_since(phase["started"], env)
    out: list[tuple[str, float]] = []
    in_runs = 0.0
    for run in runs:
        in_runs += run["wall"]
        outside_steps = run["wall"] - sum(run["steps"].values())
        for step, seconds in run["steps"].items():
            if step == "dbt_models":
                split = dbt_split(run["run_id"])
                if split:
                    startup = max(0.0, seconds - split["elapsed"])
                    out.append(("dbt: start-up and parse", round(startup, 1)))
                    label = f"dbt: {split['models']} models ({split['model_seconds']} model-s)"
                    out.append((label, split["elapsed"]))
                    continue
            out.append((f"{run['job']}: {step}", seconds))
        out.append((f"{run['job']}: run overhead (outside steps)", round(outside_steps, 1)))
    out.insert(
        0, ("start-up, definitions, planning (outside runs)", round(phase["wall"] - in_runs, 1))
    )
    return out


def compare_marts(script_db: Path, warehouse: Path) -> dict[str, tuple[int, int]]:
    """Per mart: (rows compared, rows differing either way) between the script and the marts."""
    con = duckdb.connect(str(script_db), read_only=True)
    con.execute(f"attach '{warehouse}' as wh (read_only)")
    out = {}
    try:
        for mart, (table, cols, where) in MARTS.items():
            mart_rows = f"select {cols} from wh.{mart} where {where}"
            mine = f"select {cols} from {table}"
            rows = con.execute(f"select count(*) from ({mart_rows})").fetchone()[0]
            differ = con.execute(
                f"select (select count(*) from ({mine} except all {mart_rows}))"
                f" + (select count(*) from ({mart_rows} except all {mine}))"
            ).fetchone()[0]
            out[mart] = (rows, differ)
    finally:
        con.close()
    return out


def published_revenue(home: Path, entity: str, period: str) -> Decimal | None:
    """营业收入 (IS01) in the published income statement, or None before the first publish."""
    from yecai import published
    from yecai.errors import YecaiError
    from yecai.settings import Paths

    try:
        con = published.connect(Paths(home=home))
    except (duckdb.Error, YecaiError):
        return None
    try:
        row = con.execute(
            "select amount from finance.income_statement "
            "where entity_code = ? and period = ? and line_code = 'IS01'",
            [entity, period],
        ).fetchone()
    finally:
        con.close()
    return row[0] if row else None


def near_real_time(home: Path, env: dict[str, str], events: int, interval: float) -> dict:
    """``yecai run --watch``; ``events`` times: commit one sale in the ERP and time until its
    revenue is in the published income statement. Stages from the runs each event started."""
    from demo.defects import DefectLog
    from demo.erp.sale import record_sale
    from demo.sqlio import parse_target

    log_path = home / "watch.log"
    out = log_path.open("w")
    cmd = [str(BIN / "yecai"), "run", "--watch", "--interval", str(interval)]
    watcher = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)

    def increments() -> int:
        return log_path.read_text().count("increment succeeded") + log_path.read_text().count(
            "increment failed"
        )

    def wait(condition, what: str, timeout: float = 3600, every: float = 0.2) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline or watcher.poll() is not None:
                raise SystemExit(f"near-real-time: {what} not seen\n{log_path.read_text()[-3000:]}")
            time.sleep(every)

    erp = parse_target(home / "demo" / "erp.sqlite")
    results = []
    try:
        wait(lambda: increments() >= 1, "the catch-up increment")
        for n in range(events):
            done_before = increments()
            sale = record_sale(erp, DefectLog())
            committed = time.time()
            before = published_revenue(home, sale.entity_code, sale.period) or Decimal(0)
            wait(
                lambda s=sale, b=before: (
                    published_revenue(home, s.entity_code, s.period) == b + s.net_amount
                ),
                f"event {n + 1} published",
                # each look opens the published lake (about a CPU second): looking every 0.2 s
                # took a core from the pipeline it was timing
                every=1.0,
            )
            latency = time.time() - committed
            wait(lambda d=done_before: increments() > d, f"event {n + 1}'s increment to end")
            runs = runs_since(committed, env)
            first_start = min((r["start"] or committed for r in runs), default=committed)
            results.append(
                {
                    "latency": round(latency, 1),
                    "until_first_run": round(first_start - committed, 1),
                    "runs": {r["job"]: r["wall"] for r in runs},
                    "steps": {k: v for r in runs for k, v in r["steps"].items()},
                }
            )
            print(f"  event {n + 1}: {latency:.1f} s", flush=True)
    finally:
        # SIGTERM, not SIGINT: a benchmark started in the background (nohup, `&`) hands its
        # children an ignored SIGINT, and the watch would never stop
        watcher.send_signal(signal.SIGTERM)
        watcher.wait(timeout=600)
        out.close()
    idle = [line for line in log_path.read_text().splitlines() if "idle polls" in line]
    latencies = sorted(r["latency"] for r in results)
    return {
        "events": results,
        "median": latencies[len(latencies) // 2] if latencies else None,
        "idle": idle[-1] if idle else "",
    }


def copy_demo(source: Path, target: Path) -> None:
    """Copy a generated demo; demo.json names its files by absolute path, so point it at the
    copy (else `demo advance` would move the original's ERP forward)."""
    shutil.copytree(source, target)
    manifest = target / "demo.json"
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(text.replace(str(source.resolve()), str(target)), encoding="utf-8")


def run_script(home: Path) -> dict:
    """The hand-written script (bench_dbt.baseline) in this process, timed, CPU included."""
    os.environ["YECAI_HOME"] = str(home)
    cpu0 = time.process_time()
    seconds, rows = baseline(home)
    return {"wall": round(seconds, 1), "cpu": round(time.process_time() - cpu0, 1), "rows": rows}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--demo", type=Path, help="a generated demo folder to copy")
    parser.add_argument(
        "--home",
        type=Path,
        help="run the phases in this existing installation (kept) instead of a fresh copy: "
        "e.g. --phases nrt on a home whose first run is done",
    )
    parser.add_argument("--scale", default="0.1", help="generate at this scale without --demo")
    parser.add_argument("--label", help="scale label for the report (default --scale)")
    parser.add_argument("--keep", action="store_true", help="keep the installation")
    parser.add_argument(
        "--phases",
        default="full,nochange,advance,increment,script",
        help="comma-separated subset of full,nochange,advance,increment,script,nrt "
        "(nrt: one ERP sale → published revenue through `yecai run --watch`, --events times)",
    )
    parser.add_argument("--events", type=int, default=5, help="near-real-time events (default 5)")
    parser.add_argument("--interval", type=float, default=2.0, help="watch poll interval (s)")
    args = parser.parse_args()
    phases = args.phases.split(",")
    home = (
        args.home.resolve()
        if args.home
        else Path(tempfile.mkdtemp(prefix="yecai-bench-increment-"))
    )
    env = {k: v for k, v in os.environ.items() if k != "YECAI_DBT_PROJECT_DIR"}
    env["YECAI_HOME"] = str(home)
    report: dict = {"load_at_start": _loadavg(), "home": str(home)}
    try:
        if args.home:
            pass
        elif args.demo:
            from demo.install import install_company

            copy_demo(args.demo, home / "demo")
            install_company(home)  # what `yecai demo generate` does after generating
        else:
            report["generate"] = timed(
                [str(BIN / "yecai"), "demo", "generate", "--scale", args.scale], env
            )
            if report["generate"]["exit"] != 0:
                raise SystemExit("yecai demo generate failed")
        crm = serve_crm(env, home)
        yecai = str(BIN / "yecai")
        try:
            plan = {
                "full": [yecai, "run", "--full"],
                "nochange": [yecai, "run"],
                "advance": [yecai, "demo", "advance", "--days", "1"],
                "increment": [yecai, "run"],
            }
            for name, cmd in plan.items():
                if name in phases:
                    print(f"{name}: {' '.join(cmd[1:])} …", flush=True)
                    report[name] = timed(cmd, env)
                    if cmd[1] == "run":
                        report[name]["stages"] = stages(report[name], env)
                    save(report)  # a phase that fails, or a later one, keeps these figures
                    if report[name]["exit"] != 0:
                        raise SystemExit(
                            f"{report[name]['cmd']} failed (exit {report[name]['exit']})"
                        )
            if "nrt" in phases:
                print("near-real-time events …", flush=True)
                report["nrt"] = near_real_time(home, env, args.events, args.interval)
        finally:
            crm.terminate()
            crm.wait(timeout=30)
        if "script" in phases:
            print("script …", flush=True)
            report["script"] = run_script(home)
            from yecai.settings import Paths

            # the audited build warehouse: what the last publish committed, relation for relation
            built = Paths(home=home).build_db
            report["script"]["compared"] = compare_marts(home / "baseline.duckdb", built)
        print_report(report, args.label or args.scale)
        save(report)
    finally:
        if not (args.keep or args.home):
            shutil.rmtree(home, ignore_errors=True)
    return 0


def save(report: dict) -> None:
    """The report so far, as JSON, to the temp folder (bench_increment_last.json)."""
    (Path(tempfile.gettempdir()) / "bench_increment_last.json").write_text(
        json.dumps(report, indent=1, default=str)
    )


def print_report(report: dict, label: str) -> None:
    print(f"\nscale {label}, {os.cpu_count()} CPUs, load at start {report['load_at_start']}")
    print(f"{'phase':<12}{'wall s':>9}{'CPU s':>9}{'peak MB':>9}  load (1/5/15 min) before → after")
    for name in ("generate", "full", "nochange", "advance", "increment"):
        if name in report:
            r = report[name]
            print(f"{name:<12}{r['wall']:>9}{r['cpu']:>9}{r['peak_mb']:>9}  {r['load']}")
    for name in ("generate", "full", "nochange", "advance", "increment"):
        if name in report and "peak_pss_mb" in report[name]:
            r = report[name]
            held = ", ".join(f"{n} {mb}" for n, mb in r["at_peak_mb"])
            print(f"  {name}: peak PSS {r['peak_pss_mb']} MB, then held by (MB): {held}")
    if "script" in report:
        s = report["script"]
        print(f"{'script':<12}{s['wall']:>9}{s['cpu']:>9}{'':>9}  (in the benchmark's process)")
    for name in ("full", "nochange", "increment"):
        if name in report and "stages" in report[name]:
            print(f"\n{name}: wall seconds by stage")
            for stage, seconds in report[name]["stages"]:
                print(f"  {stage:<62}{seconds:>8}")
    if "nrt" in report:
        nrt = report["nrt"]
        print(f"\nnear-real-time: median {nrt['median']} s over {len(nrt['events'])} events")
        for n, event in enumerate(nrt["events"], start=1):
            print(
                f"  event {n}: {event['latency']} s; first run started after "
                f"{event['until_first_run']} s; runs {event['runs']}; steps {event['steps']}"
            )
        print(f"  idle: {nrt['idle']}")
    if "script" in report:
        print("\nhand-written script vs the published marts (E01, E02):")
        for mart, (rows, differ) in report["script"]["compared"].items():
            print(f"  {mart:<28} {rows:>9} rows compared, {differ} differ")


if __name__ == "__main__":
    raise SystemExit(main())
