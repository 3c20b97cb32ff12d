"""Write–audit–publish: audit build.duckdb, then publish it as a new version, atomically.

dbt writes ``build.duckdb`` (write). ``audit_and_publish`` audits it with every suite:
inside a pipeline run it reuses the results the run's Dagster check steps recorded under the
same run id and runs only the suites of tables the run did not check; outside a run
(``yecai publish``) it runs them all (audit). Only when no blocking check fails — or a
person forces it with a reason — is it published: checkpointed, copied to
``versions/<version>.duckdb`` and swapped into ``published.duckdb`` with ``os.replace``, so
an analyst's reader opens either the old file or the new one, never half of one. Every
attempt, published or blocked, is logged.
"""

from __future__ import annotations

import getpass
import glob
import json
import os
import shutil
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
from filelock import FileLock

from quality.params import QualityParams
from quality.results import (
    CheckResult,
    has_history,
    history_glob,
    query_results,
    results_dir,
)
from quality.versions import (
    VersionInfo,
    list_versions,
    new_version,
    publish_log_path,
    read_publish_log,
    version_path,
)
from yecai.errors import YecaiError
from yecai.settings import Paths

__all__ = [
    "PublishOutcome",
    "VersionInfo",
    "audit_and_publish",
    "list_versions",
    "publish_log_path",
    "read_publish_log",
    "version_path",
]


@dataclass(frozen=True)
class PublishOutcome:
    published: bool
    run_id: str
    version: str | None
    forced: bool
    reason: str | None
    results: list[CheckResult] = field(default_factory=list)
    blocking_failures: list[CheckResult] = field(default_factory=list)
    version_file: Path | None = None

    def message(self) -> str:
        if self.published and self.forced:
            return (
                f"published version {self.version} DESPITE {len(self.blocking_failures)} blocking "
                f"failure(s), forced: {self.reason}"
            )
        if self.published:
            warnings = sum(not r.success for r in self.results)
            return (
                f"published version {self.version}: {len(self.results)} checks, no blocking "
                f"failure, {warnings} warning(s)"
            )
        lines = [
            f"not published: {len(self.blocking_failures)} blocking check(s) failed; "
            "analysts stay on the last good version"
        ]
        lines += [f"  - {r.summary()}" for r in self.blocking_failures]
        return "\n".join(lines)


def _append_log(paths: Paths, entry: dict) -> None:
    path = publish_log_path(paths)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(entry, ensure_ascii=False) + "\n")
        fh.flush()
        os.fsync(fh.fileno())


def _who() -> str:
    try:
        return os.environ.get("USER") or getpass.getuser()
    except Exception:  # no user database entry (containers): still record something
        return "unknown"


def _checkpoint(db: Path) -> None:
    """Fold the WAL into the file so a plain copy is a complete database."""
    try:
        con = duckdb.connect(str(db))
    except duckdb.Error as exc:
        raise YecaiError(
            f"cannot open {db} to checkpoint it before publishing: {exc}",
            "wait for the running dbt build or audit to finish, then run `yecai publish` again",
        ) from exc
    try:
        con.execute("checkpoint")
    finally:
        con.close()


def _input_batches(paths: Paths, db: Path) -> list[str]:
    """The batch ids behind this build: governance.ingestion_batches, else the batch records."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        exists = con.execute(
            "select count(*) from information_schema.tables "
            "where table_schema = 'governance' and table_name = 'ingestion_batches'"
        ).fetchone()[0]
        if exists:
            return [
                r[0]
                for r in con.execute(
                    "select batch_id from governance.ingestion_batches order by batch_id"
                ).fetchall()
            ]
    finally:
        con.close()
    return sorted(p.stem for p in (paths.lake_meta / "batches").glob("*.json"))


LOG_COLUMNS = (
    "version varchar, run_id varchar, status varchar, published_at timestamptz, who varchar, "
    "forced boolean, reason varchar, inputs varchar[], failed_checks varchar[], "
    "checks_run integer"
)


def _materialize_governance(db: Path, paths: Paths, log: list[dict]) -> None:
    """Put the quality history and the publish log into the copy about to be published."""
    con = duckdb.connect(str(db))
    try:
        con.execute("create schema if not exists governance")
        if has_history(paths):
            con.execute(
                "create or replace table governance.quality_results as select * from "
                f"read_parquet('{history_glob(paths)}', union_by_name = true)"
            )
        con.execute(f"create or replace table governance.publish_log ({LOG_COLUMNS})")
        for e in log:
            con.execute(
                "insert into governance.publish_log values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    e.get("version"),
                    e["run_id"],
                    e["status"],
                    e["published_at"],
                    e["who"],
                    e["forced"],
                    e.get("reason"),
                    e.get("inputs", []),
                    e.get("failed_checks", []),
                    e.get("checks_run", 0),
                ],
            )
        con.execute("checkpoint")
    finally:
        con.close()


def _atomic_copy(src: Path, dest: Path) -> None:
    """Copy to a temporary name beside ``dest``, then rename over it (atomic on one filesystem)."""
    tmp = dest.with_name(f".{dest.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        shutil.copyfile(src, tmp)
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)


def read_run_history(paths: Paths, run_id: str) -> list[CheckResult]:
    """The recorded results of one run only, read from that run's history files.

    ``append_history`` names each file ``run=<run_id>-…``, so the rest of the (ever-growing)
    history is never opened.
    """
    files = sorted(results_dir(paths).glob(f"run={glob.escape(run_id)}-*.parquet"))
    if not files:
        return []
    return query_results(
        "select * from read_parquet(?, union_by_name = true) where run_id = ?",
        [[str(f) for f in files], run_id],
    )


def missing_tables(planned: list[tuple[str, str]], recorded: list[CheckResult]) -> list[str]:
    """Tables with a planned (asset, check) that ``recorded`` has no result for (pure)."""
    have = {(r.asset, r.check) for r in recorded}
    return sorted({asset for asset, check in planned if (asset, check) not in have})


def latest_per_check(results: list[CheckResult]) -> list[CheckResult]:
    """The most recent result of each (asset, check): a retried check counts once (pure)."""
    latest: dict[tuple[str, str], CheckResult] = {}
    for r in sorted(results, key=lambda r: r.checked_at):
        latest[(r.asset, r.check)] = r
    return list(latest.values())


def _audit(
    paths: Paths, build: Path, run_id: str, params: QualityParams | None
) -> list[CheckResult]:
    """Every planned check's result for this run: reused when the run already checked a
    table (Dagster's asset checks ran the suites minutes ago), run now otherwise.

    Outside a pipeline run (``yecai publish``) the run id has no history, so every suite
    runs here, as it always did. Data Docs are rebuilt once either way.
    """
    from quality.gx_context import build_data_docs  # GX is heavy: load it only when auditing
    from quality.runner import planned_checks, run_checks_for_tables

    planned = [(c.asset, c.name) for c in planned_checks(paths, build, params)]
    recorded = latest_per_check(read_run_history(paths, run_id))
    planned_set = set(planned)
    reused = [r for r in recorded if (r.asset, r.check) in planned_set]
    todo = missing_tables(planned, reused)
    fresh: list[CheckResult] = []
    if todo:
        by_table = run_checks_for_tables(paths, todo, build, run_id, params)
        fresh = [r for rs in by_table.values() for r in rs]
    build_data_docs(paths)
    done = {(r.asset, r.check) for r in fresh}
    return [r for r in reused if (r.asset, r.check) not in done] + fresh


def audit_and_publish(
    paths: Paths,
    run_id: str,
    force_reason: str | None = None,
    params: QualityParams | None = None,
) -> PublishOutcome:
    """Audit build_db with every suite; publish it unless a blocking check failed.

    Results this ``run_id`` already recorded are reused (see ``_audit``); a blocking failure
    among them refuses the publish exactly like one found now.

    ``force_reason`` publishes despite blocking failures and is recorded with who forced it.
    Returns the outcome either way; raises YecaiError only when there is nothing to audit
    or the files cannot be opened.
    """
    if force_reason is not None and not force_reason.strip():
        raise YecaiError("--force needs a reason", 'say why: yecai publish --force --reason "…"')
    build = paths.build_db
    if not build.exists():
        raise YecaiError(
            f"nothing to publish: {build} does not exist",
            "build the warehouse first (yecai pipeline run), then publish",
        )
    paths.warehouse.mkdir(parents=True, exist_ok=True)
    with FileLock(str(paths.warehouse / ".publish.lock"), timeout=600):
        _checkpoint(build)
        results = _audit(paths, build, run_id, params)
        blocking = [r for r in results if r.blocking_failure]
        forced = bool(blocking) and force_reason is not None
        entry = {
            "version": None,
            "run_id": run_id,
            "status": "blocked",
            "published_at": datetime.now(UTC).isoformat(),
            "who": _who(),
            "forced": forced,
            "reason": force_reason.strip() if force_reason else None,
            "inputs": _input_batches(paths, build),
            "failed_checks": [f"{r.asset}/{r.check}" for r in blocking],
            "checks_run": len(results),
        }
        if blocking and not forced:
            _append_log(paths, entry)
            return PublishOutcome(False, run_id, None, False, None, results, blocking)

        paths.versions.mkdir(parents=True, exist_ok=True)
        existing = {p.stem for p in paths.versions.glob("*.duckdb")}
        version = new_version(existing)
        entry.update(version=version, status="published")
        target = paths.versions / f"{version}.duckdb"
        staging = paths.versions / f".{version}.duckdb.tmp"
        try:
            shutil.copyfile(build, staging)
            _materialize_governance(staging, paths, [*read_publish_log(paths), entry])
            os.replace(staging, target)
        finally:
            staging.unlink(missing_ok=True)
        # A WAL left by someone who opened the published file read-write would be replayed
        # onto the new file; published.duckdb is read-only by contract, so drop it.
        Path(str(paths.published_db) + ".wal").unlink(missing_ok=True)
        _atomic_copy(target, paths.published_db)
        _append_log(paths, entry)
        return PublishOutcome(
            True, run_id, version, forced, entry["reason"], results, blocking, target
        )
