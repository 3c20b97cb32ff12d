"""A company small enough to start, kill and restart ``yecai run`` in a test.

One files source (``erp``, entity ``customers``, CSV drops) and the dbt project in
``killable_fixture/``: a staging view, a Python model that can be told to announce itself
(``YECAI_FIXTURE_MARKER``) and then wait (``YECAI_FIXTURE_SLEEP``) so dbt is caught in the
middle of a build, and the tables every publish audits, empty. A ``yecai run`` of it lands, checks, builds and publishes
in well under a minute.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from orchestration.commands.init_cmd import scaffold_company
from tests.orchestration.demo_helpers import YECAI
from yecai.settings import REPO_ROOT

KILLABLE_DBT = Path(__file__).parent / "killable_fixture"

SOURCES = """
sources:
  erp:
    kind: files
    path: drops/erp
    entities: [customers]
"""
CONTRACT = """description: "customers"
primary_key: [customer_id]
cursor: null
on_drift: quarantine
file_pattern: "customers_*"
columns:
  - {name: customer_id, type: varchar, nullable: false}
  - {name: name, type: varchar, nullable: false}
"""


def use_killable_company(tmp_path: Path, monkeypatch, **env: str) -> Path:
    """A home holding the killable company, made current for ``yecai`` (plus ``env``)."""
    home = tmp_path / "home"
    make_company(home)
    monkeypatch.setenv("YECAI_HOME", str(home))
    monkeypatch.setenv("DAGSTER_HOME", str(home / "dagster"))
    monkeypatch.setenv("YECAI_DBT_PROJECT_DIR", str(KILLABLE_DBT))
    monkeypatch.setenv("YECAI_FIRST_PERIOD", "2025-01")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("YECAI_DAGSTER_PG_URL", raising=False)
    return home


def make_company(home: Path) -> None:
    scaffold_company(home)
    sources = (home / "sources.yml").read_text(encoding="utf-8").replace("sources: {}\n", "")
    (home / "sources.yml").write_text(sources + SOURCES, encoding="utf-8")
    (home / "contracts" / "erp").mkdir(parents=True)
    (home / "contracts" / "erp" / "customers.yml").write_text(CONTRACT, encoding="utf-8")
    (home / "drops" / "erp").mkdir(parents=True)


def drop_customers(home: Path, name: str, rows: list[tuple[str, str]]) -> None:
    lines = ["customer_id,name", *(f"{key},{value}" for key, value in rows)]
    (home / "drops" / "erp" / name).write_text("\n".join(lines) + "\n", encoding="utf-8")


def start_run(*args: str) -> subprocess.Popen:
    """``yecai run -v`` in the background, its output readable line by line (``-v``: each
    step's start is printed as "▶ <step>", which the tests wait for and report)."""
    return subprocess.Popen(
        [str(YECAI), "run", "-v", "--no-scorecard", *args],
        cwd=REPO_ROOT,
        env=dict(os.environ),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # like a shell job: its own process group
    )


def read_until(proc: subprocess.Popen, marker: str, seen: list[str]) -> bool:
    """Read the run's output until a line holds ``marker`` (False if it ended first)."""
    for line in proc.stdout:
        seen.append(line)
        if marker in line:
            return True
    return False


def start_ticks(pid: int) -> str | None:
    """When ``pid`` started (to tell a reused pid apart); None once it is gone or has exited
    (a zombie holds no memory, file or lock: it only waits for its parent to reap it)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()
    return None if fields[0] in ("Z", "X") else fields[19]


def parent_of(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    return int(stat.rsplit(")", 1)[1].split()[1])


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def descendants(root: int) -> dict[int, str]:
    """Every live process below ``root``: pid → start time (to tell a reused pid apart)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            parent = parent_of(int(entry))
            if parent is not None:
                children.setdefault(parent, []).append(int(entry))
    found: dict[int, str] = {}
    todo = list(children.get(root, []))
    while todo:
        pid = todo.pop()
        ticks = start_ticks(pid)
        if ticks is not None:
            found[pid] = ticks
            todo += children.get(pid, [])
    return found


def wait_for_file(path: Path, proc: subprocess.Popen, timeout: float = 180) -> None:
    """Wait until ``path`` exists (the fixture's slow model writes it when it starts)."""
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert proc.poll() is None, f"the run ended before {path.name} was written"
        assert time.monotonic() < deadline, f"{path.name} not written in {timeout}s"
        time.sleep(0.1)


def kill_hard(proc: subprocess.Popen) -> dict[int, str]:
    """``kill -9`` the run's own process only (as an operator would); returns what was
    running below it at that moment."""
    below = descendants(proc.pid)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    return below


def last_step(proc: subprocess.Popen) -> str:
    """The step a finished (killed) run had last started, from its output."""
    started = [line.strip() for line in proc.stdout if line.startswith("▶")]
    proc.stdout.close()
    return started[-1] if started else "before the first step"


def survivors(processes: dict[int, str], grace: float = 5.0) -> list[str]:
    """Those of ``processes`` still alive after ``grace`` seconds, with their command lines."""
    deadline = time.monotonic() + grace
    alive = processes
    while True:
        alive = {pid: t for pid, t in alive.items() if start_ticks(pid) == t}
        if not alive or time.monotonic() > deadline:
            return [f"{pid}: {command_line(pid)[:200]}" for pid in alive]
        time.sleep(0.2)


READ_PUBLISHED = """
import json, sys
from yecai.published import connect
print(json.dumps(connect().sql(sys.argv[1]).fetchall()))
"""


def published_rows(sql: str) -> list[tuple]:
    """Rows of ``sql`` over the current published snapshot, as an analyst reads it, in a
    fresh process: loading DuckDB's lake extensions into the test process has crashed it."""
    done = subprocess.run(
        [sys.executable, "-c", READ_PUBLISHED, sql],
        cwd=REPO_ROOT,
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, (done.returncode, done.stdout[-1000:], done.stderr[-3000:])
    return [tuple(row) for row in json.loads(done.stdout)]
