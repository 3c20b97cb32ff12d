"""Benchmark: what starting the ``yecai`` command costs before any command runs.

Not a test. Each figure is a fresh process (``python -c "import orchestration.cli"``), CPU
seconds from ``resource.getrusage`` of the child, median of ``--repeat``; and which of the
pipeline's heavy libraries that import loaded (none should: dagster, dagster-dbt, dbt and GX
are loaded by the commands that run the pipeline, ``tests/unit/orchestration/
test_cli_light_imports.py``).

    uv run python benchmarks/bench_cli_startup.py --repeat 5
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
HEAVY = ("dagster", "dagster_dbt", "dbt", "great_expectations", "duckdb", "pyarrow")
PROBE = f"import sys, orchestration.cli; print(' '.join(m for m in {HEAVY!r} if m in sys.modules))"


def one_start() -> tuple[float, float, str]:
    """(wall s, CPU s, heavy modules loaded) of one fresh import of the CLI."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=REPO, capture_output=True, text=True, check=True
    )
    wall = time.perf_counter() - began
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="fresh processes to time")
    args = parser.parse_args()
    runs = [one_start() for _ in range(args.repeat)]
    walls = [r[0] for r in runs]
    cpus = [r[1] for r in runs]
    print(f"load average {os.getloadavg()[0]:.1f}; {args.repeat} fresh processes")
    print(
        f"import orchestration.cli: median {statistics.median(cpus):.2f} CPU s, "
        f"{statistics.median(walls):.2f} s wall (CPU {min(cpus):.2f}–{max(cpus):.2f})"
    )
    print(f"heavy libraries loaded: {runs[-1][2] or 'none'}")


if __name__ == "__main__":
    main()
