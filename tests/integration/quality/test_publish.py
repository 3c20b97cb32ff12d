"""Write–audit–publish through the real ``yecai`` CLI on hand-made warehouses.

A failed blocking check must leave the published lake on its last snapshot and exit non-zero
naming the check, and the scorecard must list it; --force needs --reason and is recorded;
every version reads back, as of its snapshot.
"""

import os
import subprocess
import sys

import pytest
import quality_fixtures as qf

from quality.publish import audit_and_publish, list_versions, read_publish_log
from quality.runner import run_layer
from yecai.errors import YecaiError
from yecai.published import connect
from yecai.settings import Paths

pytestmark = pytest.mark.integration


def _yecai(home, *args):
    env = {**os.environ, "YECAI_HOME": str(home), "USER": "auditor-test", "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "orchestration.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


def _query(paths, sql, as_of=None):
    con = connect(paths, as_of)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _snapshots(paths):
    return [v.snapshot_id for v in list_versions(paths)]


def test_write_audit_publish_end_to_end(tmp_path, monkeypatch):
    monkeypatch.setenv("YECAI_HOME", str(tmp_path))
    monkeypatch.setenv("USER", "auditor-test")
    paths = Paths(home=tmp_path)
    qf.build_good_warehouse(paths.build_db)

    # 1. a clean build publishes (library call, as Dagster would make it)
    first = audit_and_publish(paths, run_id="run-1")
    assert first.published and not first.forced and first.blocking_failures == []
    assert paths.published_catalog.exists()
    v1 = first.version
    assert _query(paths, "select count(*) from finance.gl_lines") == [(8,)]
    log = _query(
        paths, "select version, who, forced, inputs, snapshot_id from governance.publish_log"
    )
    assert log == [(v1, "auditor-test", False, ["b1", "b2"], first.snapshot_id)]
    hist = _query(paths, "select count(*) from governance.quality_results where run_id = 'run-1'")
    assert hist[0][0] == len(first.results)
    before = _snapshots(paths)

    # 2. a negative debit blocks: exit 1, the check is named, no new snapshot
    qf.execute(
        paths.build_db,
        "insert into finance.gl_lines values ('V9','E1','2024-02','1001',-9.99,0,'erp','DOC9','b1',false)",
    )
    blocked = _yecai(tmp_path, "publish")
    assert blocked.returncode == 1, blocked.stdout + blocked.stderr
    assert "debit_not_negative" in blocked.stdout and "V9" in blocked.stdout
    assert _snapshots(paths) == before
    assert _query(paths, "select count(*) from finance.gl_lines") == [(8,)]
    assert [v.version for v in list_versions(paths)] == [v1]
    assert read_publish_log(paths)[-1]["status"] == "blocked"
    assert "finance.gl_lines/debit_not_negative" in read_publish_log(paths)[-1]["failed_checks"]
    # ... and the governance scorecard lists the failed check with its failing voucher
    card = _yecai(tmp_path, "report", "quality")
    assert card.returncode == 0, card.stdout + card.stderr
    html = (paths.reports / "scorecard.html").read_text(encoding="utf-8")
    failing = html.split('id="failing"')[1].split("</section>")[0]
    assert "debit_not_negative" in failing and "V9" in failing
    assert _snapshots(paths) == before

    # 3. --force without a reason is refused (exit 2, says what to do), nothing changes
    no_reason = _yecai(tmp_path, "publish", "--force")
    assert no_reason.returncode == 2 and "--reason" in no_reason.stderr
    assert _snapshots(paths) == before

    # 4. --force with a reason publishes and records who and why
    forced = _yecai(tmp_path, "publish", "--force", "--reason", "CFO sign-off, fix in May")
    assert forced.returncode == 0, forced.stdout + forced.stderr
    versions = list_versions(paths)
    assert len(versions) == 2
    v2 = versions[-1]
    assert (v2.forced, v2.reason, v2.who) == (True, "CFO sign-off, fix in May", "auditor-test")
    assert _query(paths, "select count(*) from finance.gl_lines") == [(9,)]
    assert _query(
        paths, f"select forced, reason from governance.publish_log where version = '{v2.version}'"
    ) == [(True, "CFO sign-off, fix in May")]

    # 5. each version can be read again, as of its snapshot, its version or its time
    for as_of in (str(first.snapshot_id), v1, versions[0].published_at):
        assert _query(paths, "select count(*) from finance.gl_lines", as_of) == [(8,)]
    assert _query(paths, "select count(*) from finance.gl_lines", "latest") == [(9,)]
    with pytest.raises(YecaiError, match="no published version"):
        connect(paths, "v19990101T000000000000Z")

    # 6. yecai info --versions lists both, with who and whether forced
    info = _yecai(tmp_path, "info", "--versions", "--json")
    assert info.returncode == 0
    assert v1 in info.stdout and v2.version in info.stdout


def test_publish_without_a_build_says_what_to_do(tmp_path):
    out = _yecai(tmp_path, "publish")
    assert out.returncode == 2
    assert "nothing to publish" in out.stderr and "Traceback" not in out.stderr


def test_report_quality_writes_scorecard_and_data_docs(tmp_path):
    paths = Paths(home=tmp_path)
    qf.build_good_warehouse(paths.build_db)
    assert all(r.success for r in run_layer(paths, "marts", build_docs=False))
    out = _yecai(tmp_path, "report", "quality")
    assert out.returncode == 0, out.stderr
    html = (paths.reports / "scorecard.html").read_text(encoding="utf-8")
    assert "debit_not_negative" not in html.split('id="failing"')[1].split("</section>")[0]
    assert (paths.reports / "data_docs" / "index.html").exists()


def _history_files(paths, run_id):
    return sorted((paths.home / "quality" / "results").glob(f"run={run_id}-*.parquet"))


def test_publish_in_a_run_reuses_that_runs_check_results(tmp_path, monkeypatch):
    """Dagster's check steps already ran the suites: publish trusts their verdicts, reruns
    nothing it has, and still refuses on a blocking failure they recorded."""
    from quality.runner import planned_checks, run_checks_for_tables

    monkeypatch.setenv("USER", "auditor-test")
    paths = Paths(home=tmp_path)
    qf.build_good_warehouse(paths.build_db)
    # The check step saw a negative debit (the fixture's ledger has none without it).
    qf.execute(
        paths.build_db,
        "insert into finance.gl_lines values ('V9','E1','2024-02','1001',-9.99,0,'erp','DOC9','b1',false)",
    )
    tables = sorted({c.asset for c in planned_checks(paths)})
    checked = run_checks_for_tables(paths, tables, run_id="run-dagster")
    assert any(
        r.check == "debit_not_negative" and not r.success for r in checked["finance.gl_lines"]
    )
    files_before = _history_files(paths, "run-dagster")
    # Someone fixes the row before publish: a fresh audit would pass, the run's verdict stands.
    qf.execute(paths.build_db, "delete from finance.gl_lines where voucher_id = 'V9'")

    outcome = audit_and_publish(paths, run_id="run-dagster")
    assert not outcome.published
    # The verdicts are the check step's: the negative debit it saw, and the trial balance
    # that no longer matched the ledger then.
    assert {f"{r.asset}/{r.check}" for r in outcome.blocking_failures} == {
        "finance.gl_lines/debit_not_negative",
        "finance.trial_balance/movement_matches_gl",
    }
    assert not paths.published_catalog.exists()
    # Nothing was validated again: no new history file for the run.
    assert _history_files(paths, "run-dagster") == files_before
    assert len(outcome.results) == sum(len(rs) for rs in checked.values())

    # Outside that run (yecai publish, a new run id) every suite runs here: now it passes.
    fresh = audit_and_publish(paths, run_id="run-cli")
    assert fresh.published and fresh.blocking_failures == []
    assert _history_files(paths, "run-cli")
    assert {(r.asset, r.check) for r in fresh.results} == {
        (c.asset, c.name) for c in planned_checks(paths)
    }


def test_publish_runs_the_suites_a_partial_run_did_not_check(tmp_path):
    """A run that checked some tables (a subset job): publish checks the rest itself."""
    from quality.runner import planned_checks, run_checks_for_tables

    paths = Paths(home=tmp_path)
    qf.build_good_warehouse(paths.build_db)
    planned = {(c.asset, c.name) for c in planned_checks(paths)}
    run_checks_for_tables(paths, ["finance.gl_lines"], run_id="run-part")
    outcome = audit_and_publish(paths, run_id="run-part")
    assert outcome.published
    assert {(r.asset, r.check) for r in outcome.results} == planned
    # Each check counted once, though gl_lines was recorded before publish ran.
    assert len(outcome.results) == len(planned)
