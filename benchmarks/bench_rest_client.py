"""Benchmark: yecai's REST connector next to dlt's REST client (when installed), for the
decision in docs/decisions/rest-client.md.

Not a test. Each figure comes from its own fresh process, so import time and peak memory
(VmHWM) are that process's alone:

- ``import``: ``import <module>`` alone, and on top of ``ingestion.runner`` (what
  ``yecai ingest`` has loaded anyway);
- ``read``: every record of a local HTTP API (``tests/shared/rest_test_api.py``, cursor in the
  body, 500 per page) read by each client, wall and CPU seconds.

dlt is not a dependency of yecai; to compare, install it into a scratch environment
(``uv pip install dlt`` in a throw-away venv, or ``uv run --with dlt``):

    uv run python benchmarks/bench_rest_client.py --records 20000
    uv run --with dlt python benchmarks/bench_rest_client.py --records 20000
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import statistics
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
YECAI = "ingestion.connectors.rest"
DLT = "dlt.sources.helpers.rest_client"

_IMPORT = """
import json, sys, time
from pathlib import Path
def hwm():
    for line in Path('/proc/self/status').read_text().splitlines():
        if line.startswith('VmHWM:'):
            return int(line.split()[1]) / 1024
if {base!r}:
    __import__({base!r})
t0, m0, n0 = time.perf_counter(), hwm(), len(sys.modules)
__import__({module!r})
print(json.dumps({{"s": time.perf_counter() - t0, "mb": hwm() - m0, "modules": len(sys.modules) - n0}}))
"""

_READ = """
import json, os, resource, sys, time
sys.path.insert(0, {repo!r})
from tests.shared.rest_test_api import start_api
store = {{f"R{{i:07d}}": {{"id": f"R{{i:07d}}", "amount": "12.50", "currency": "CNY",
          "updated_at": f"2025-01-01T00:00:00.{{i:06d}}Z"}} for i in range({records})}}
api = start_api(store)
def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime
t0, c0 = time.perf_counter(), cpu()
n = 0
if {client!r} == "yecai":
    from ingestion.connectors.rest import fetch_records
    from ingestion.connectors.rest_settings import rest_settings
    s = rest_settings({{"records_path": "result.items", "paginator": {{"type": "cursor",
        "cursor_path": "paging.next", "cursor_param": "after", "page_size_param": "limit",
        "page_size": 500}}}}, where="bench")
    n = sum(1 for _ in fetch_records(s, api.url, "/cursor/invoices"))
else:
    from dlt.sources.helpers.rest_client import RESTClient
    from dlt.sources.helpers.rest_client.paginators import JSONResponseCursorPaginator
    client = RESTClient(base_url=api.url)
    pag = JSONResponseCursorPaginator(cursor_path="paging.next", cursor_param="after")
    for page in client.paginate("/cursor/invoices", params={{"limit": 500}}, paginator=pag,
                                data_selector="result.items"):
        n += len(page)
print(json.dumps({{"records": n, "s": time.perf_counter() - t0, "cpu": cpu() - c0}}))
api.stop()
"""


def run(code: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def median(runs: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    clients = {"yecai": YECAI}
    if importlib.util.find_spec("dlt") is not None:
        clients["dlt"] = DLT
    else:
        print("dlt not installed: only yecai's figures (see the module docstring)")
    print(f"{'client':8} {'what':28} {'median':>10}  (of {args.repeat} fresh processes)")
    for name, module in clients.items():
        for base in ("", "ingestion.runner"):
            runs = [run(_IMPORT.format(base=base, module=module)) for _ in range(args.repeat)]
            label = "import" + (" after ingestion.runner" if base else "")
            print(f"{name:8} {label:28} {median(runs, 's'):9.2f}s")
            print(f"{name:8} {'  peak RSS added':28} {median(runs, 'mb'):8.0f}MB")
            print(f"{name:8} {'  modules added':28} {median(runs, 'modules'):9.0f}")
        runs = [
            run(_READ.format(repo=str(REPO), records=args.records, client=name))
            for _ in range(args.repeat)
        ]
        assert all(r["records"] == args.records for r in runs), runs
        print(f"{name:8} {f'read {args.records} records':28} {median(runs, 's'):9.2f}s")
        print(f"{name:8} {'  CPU':28} {median(runs, 'cpu'):9.2f}s")


if __name__ == "__main__":
    main()
