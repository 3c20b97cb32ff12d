"""Helpers the orchestration tests share: the yecai CLI, a free port, the demo's CRM served.

Imported as ``tests.orchestration.demo_helpers`` (``tests`` is a namespace package on the
path through the editable install), so the e2e and integration folders use one copy.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import httpx

from yecai.settings import REPO_ROOT

YECAI = Path(sys.executable).parent / "yecai"


def free_port() -> int:
    """A TCP port nothing listens on right now (the OS picks it)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def yecai(*args: str, timeout: int = 1800) -> subprocess.CompletedProcess:
    """Run the ``yecai`` command in this process's environment; output captured as text."""
    return subprocess.run(
        [str(YECAI), *args],
        cwd=REPO_ROOT,
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@contextmanager
def serve_demo_crm(env: dict, token: str) -> Iterator[None]:
    """Serve the demo CRM of env's YECAI_HOME on a free port until the block ends.

    Sets YECAI_CRM_URL / YECAI_CRM_TOKEN in ``env`` (the environment the caller passes to the
    commands that extract from it) and waits until the server answers its health check.
    """
    port = free_port()
    env.update(YECAI_CRM_URL=f"http://127.0.0.1:{port}", YECAI_CRM_TOKEN=token)
    crm = subprocess.Popen(
        # the token reaches the server through the environment, never its command line
        [str(YECAI), "demo", "crm-serve", "--port", str(port)],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(120):
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        yield
    finally:
        crm.terminate()
        crm.wait(timeout=30)


def published_revenue(home: Path, entity: str, period: str):
    """营业收入 (IS01) of ``entity`` in ``period`` in the published income statement (a
    Decimal), or None while it cannot be read (nothing published yet)."""
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
    except duckdb.Error:
        return None
    finally:
        con.close()
    return row[0] if row else None
