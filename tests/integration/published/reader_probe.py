"""A reader in its own process: connect, read two tables a publish changes together, repeat.

Run as ``python reader_probe.py <stop-file> <report.json>`` with YECAI_HOME (and the catalog
variables) in the environment; stops when the stop file appears (or after 300 s), then
writes what it saw: generations per read, and every mixed read or error.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from yecai.published import connect, current_snapshot

stop, report = Path(sys.argv[1]), Path(sys.argv[2])
seen: list[list[int]] = []
problems: list[str] = []
deadline = time.monotonic() + 300
while not stop.exists() and time.monotonic() < deadline:
    try:
        con = connect()
        try:
            snapshot = current_snapshot(con)
            a = con.execute("select distinct generation from finance.a").fetchall()
            b = con.execute("select distinct generation from finance.b").fetchall()
            n = con.execute("select count(*) from finance.a").fetchone()[0]
        finally:
            con.close()
        if len(a) != 1 or a != b or n == 0:
            problems.append(f"snapshot {snapshot}: a={a} b={b} rows={n}")
        else:
            seen.append([snapshot, a[0][0]])
    except Exception as exc:  # every failure is what the test is looking for
        problems.append(f"{type(exc).__name__}: {exc}")
report.write_text(json.dumps({"seen": seen, "problems": problems}))
