"""A secret given to any logger of a yecai run comes out redacted: in what the process prints,
in the Dagster event log (the messages, the step's and the run's failure) and in the compute
logs, and so in the failure the alert sensor reads."""

import logging
import os
import subprocess
import sys

import dagster as dg
import pytest

from yecai.settings import REPO_ROOT, Paths

pytestmark = pytest.mark.integration

ACCESS_TOKEN = "at-5e3f9a7c1b2d4e6f"
BEARER = "eyJhbGciOiJIUzI1NiJ9.c2VjcmV0.sig9x"
URL = f"https://crm.example.com/api/v1/orders?cursor=42&access_token={ACCESS_TOKEN}"


def _leaky_defs() -> dg.Definitions:
    @dg.asset
    def leaky(context: dg.AssetExecutionContext) -> None:
        context.log.info(f"GET {URL}")
        context.log.warning("retrying with Authorization: Bearer %s", BEARER)
        logging.getLogger("yecai.ingestion.rest").warning("page failed: %s", URL)
        raise RuntimeError(f"401 Unauthorized for url: {URL} (sent 'Bearer {BEARER}')")

    return dg.Definitions(assets=[leaky], jobs=[dg.define_asset_job("leaky_job")])


def _files_text(folder) -> str:
    return "".join(
        p.read_bytes().decode("utf-8", "replace") for p in folder.rglob("*") if p.is_file()
    )


def test_a_run_logs_no_secret_anywhere(tmp_path, monkeypatch, capfd, caplog):
    import orchestration.definitions  # noqa: F401  (the code location: run workers import it)
    from orchestration.instance import get_instance
    from orchestration.runner import run_job

    monkeypatch.delenv("YECAI_DAGSTER_PG_URL", raising=False)
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))  # run_job points it here; restored after
    paths = Paths(home=tmp_path)
    with caplog.at_level(logging.DEBUG):
        outcome = run_job(paths, "leaky_job", definitions=_leaky_defs(), log_level="DEBUG")
    assert not outcome.success
    # what the CLI prints for the failed step is redacted too, and still says what happened
    assert "401 Unauthorized" in outcome.steps_failed["leaky"]

    printed = capfd.readouterr()
    instance = get_instance(paths)
    records = instance.all_logs(outcome.run_id)
    stored = "\n".join(f"{r.user_message} {r.error_info} {r.dagster_event}" for r in records)
    places = {
        "printed": printed.out + printed.err,
        "python log": "\n".join(r.getMessage() for r in caplog.records),
        "event log": stored,
        "step summary": str(outcome.steps_failed),
        "Dagster storage and compute logs": _files_text(paths.dagster_home),
    }
    for place, text in places.items():
        assert text, f"{place}: nothing captured, nothing tested"
        assert ACCESS_TOKEN not in text, place
        assert BEARER not in text, place
    # the lines were there, redacted, not dropped
    assert "access_token=***" in places["event log"]
    assert "page failed" in places["python log"]
    compute_logs = _files_text(paths.dagster_home / "logs")
    assert "crm.example.com" in compute_logs


def test_the_cli_and_the_code_location_install_redaction(tmp_path):
    """The processes that log: the ``yecai`` command (its runs run in it) and every process that
    loads the code location (run workers, the code server evaluating sensors)."""
    probe = (
        "import logging, sys\n"
        "{load}\n"
        "print(getattr(logging.getLogRecordFactory(), 'yecai_redacting', False))\n"
    )
    cli = "from orchestration import cli\nsys.argv = ['yecai', '--help']\ntry:\n    cli.main()\n"
    cli += "except SystemExit:\n    pass"
    for load in (cli, "import orchestration.definitions"):
        done = subprocess.run(
            [sys.executable, "-c", probe.format(load=load)],
            cwd=REPO_ROOT,
            env={**os.environ, "YECAI_HOME": str(tmp_path / "home")},
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.stdout.strip().endswith("True"), done.stdout + done.stderr
