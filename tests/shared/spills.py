"""Watch what DuckDB spills to disk while a statement runs: is a planted value there in clear?

A spill file lives only while the query that wrote it runs, so the watcher reads the spill
folder in a loop beside the statement. It counts the files it read, so a test can assert the
statement spilled at all (else a clean result proves nothing).
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import duckdb

# Rows each carrying ``value``, sorted: ~200 MB of sort state, far over a 64 MB cap.
SORTED_ROWS = "select '{value}' || i as planted, i from range(3000000) t(i) order by planted"


def spill_while(
    con: duckdb.DuckDBPyConnection, spill: Path, statement: str, planted: str, cap: bool = True
) -> dict[str, int]:
    """Run ``statement`` (with a 64 MB cap and ``spill`` as temp directory unless ``cap`` is
    False: the connection already has them); how many spill files were read, and how many
    held ``planted`` in clear."""
    if cap:
        con.execute("set memory_limit = '64MB'")
        con.execute(f"set temp_directory = '{spill}'")
    con.execute("set threads = 1")
    seen = {"files": 0, "clear": 0}
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            for path in list(spill.glob("**/*")) if spill.exists() else []:
                try:
                    held = path.read_bytes()
                except OSError:  # a folder, or removed as it was read
                    continue
                seen["files"] += 1
                seen["clear"] += planted.encode() in held
            time.sleep(0.01)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        con.execute(statement)
    finally:
        done.set()
        watcher.join()
    return seen
