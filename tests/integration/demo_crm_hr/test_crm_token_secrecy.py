"""The demo CRM's token is in no command line (``ps``) and in no log line of the server.

The real ``yecai demo crm-serve`` runs as a process; its command line is read from /proc
and everything it prints (what ``scripts/demo.sh`` sends to ``crm-server.log``) is kept.
"""

from __future__ import annotations

import http.client
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from demo.crm.generate import generate_crm
from demo.defects import DefectConfig, DefectLog
from demo.world import build_world
from tests.orchestration.demo_helpers import free_port

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[3]
YECAI = Path(sys.executable).parent / "yecai"
TOKEN = "crm-t0ken-9d7e3a"


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    home = tmp_path_factory.mktemp("crm-home")
    (home / "demo").mkdir()
    generate_crm(
        build_world(seed=21, scale=0.01), home / "demo" / "crm.sqlite", DefectLog(), DefectConfig()
    )
    return home


def _serve(home: Path, *args: str, env_token: str | None = TOKEN) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = dict(os.environ, YECAI_HOME=str(home), COLUMNS="200")
    env.pop("YECAI_CRM_TOKEN", None)
    if env_token:
        env["YECAI_CRM_TOKEN"] = env_token
    proc = subprocess.Popen(
        [str(YECAI), "demo", "crm-serve", "--port", str(port), *args],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(150):
        if proc.poll() is not None:
            break
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            time.sleep(0.1)
    return proc, url


def _stop(proc: subprocess.Popen) -> str:
    proc.terminate()
    out, _ = proc.communicate(timeout=20)
    return out


def test_token_from_the_environment_is_neither_in_ps_nor_in_the_log(home):
    proc, url = _serve(home)
    try:
        cmdline = Path(f"/proc/{proc.pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        ok = httpx.get(f"{url}/api/v1/users", headers={"Authorization": f"Bearer {TOKEN}"})
        bad = httpx.get(f"{url}/api/v1/users", headers={"Authorization": "Bearer nope"})
    finally:
        log = _stop(proc)
    assert ok.status_code == 200 and bad.status_code == 401
    assert "crm-serve" in cmdline and TOKEN not in cmdline
    assert "GET /api/v1/users" in log  # the request log is there …
    assert "$YECAI_CRM_TOKEN" in log  # … the hint names the variable …
    assert TOKEN not in log  # … and the token appears nowhere


def test_token_file_must_be_private(home, tmp_path):
    loose = tmp_path / "loose.token"
    loose.write_text(TOKEN)
    loose.chmod(0o644)
    proc, _ = _serve(home, "--token-file", str(loose), env_token=None)
    out = _stop(proc) if proc.poll() is None else proc.communicate(timeout=20)[0]
    assert proc.returncode == 2 and "chmod 600" in out and TOKEN not in out

    private = tmp_path / "private.token"
    private.write_text(TOKEN + "\n")
    private.chmod(0o600)
    proc, url = _serve(home, "--token-file", str(private), env_token=None)
    try:
        ok = httpx.get(f"{url}/api/v1/users", headers={"Authorization": f"Bearer {TOKEN}"})
    finally:
        log = _stop(proc)
    assert ok.status_code == 200 and TOKEN not in log


def test_request_lines_print_as_text_not_markup(home):
    proc, url = _serve(home)
    try:
        # http.client sends the path as written (httpx would percent-encode the brackets)
        conn = http.client.HTTPConnection(url.removeprefix("http://"), timeout=5)
        conn.request("GET", "/api/v1/[link=https://evil.example]x[/link]")
        conn.getresponse().read()
        conn.close()
    finally:
        log = _stop(proc)
    assert "[link=https://evil.example]x[/link]" in log


def test_demo_script_passes_no_token_on_the_command_line():
    script = (REPO / "scripts" / "demo.sh").read_text()
    crm_line = next(line for line in script.splitlines() if "crm-serve" in line and "run" in line)
    assert "--token" not in crm_line and "umask 077" in script
