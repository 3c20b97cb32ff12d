"""Write–audit–publish: audit build.duckdb, then publish it as one lakehouse snapshot.

dbt writes ``build.duckdb`` (write). ``audit_and_publish`` audits it with every suite:
inside a pipeline run it reuses the results the run's Dagster check steps recorded under the
same run id and runs only the suites of tables the run did not check; outside a run
(``yecai publish``) it runs them all (audit). Only when no blocking check fails — or a
person forces it with a reason — is it published: the analyst-facing relations that changed
are written into the published DuckLake in one transaction (``quality.lake_writer``), so an
analyst's reader sees the previous snapshot or the new one, never a mix. Every attempt,
published or blocked, is logged; a retention policy (``publish.yml``), when configured, is
applied after each publish (``quality.versions.prune``).
"""

from __future__ import annotations

import glob
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

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
    publish_lock,
    publish_log_path,
    read_publish_log,
    who,
)
from yecai import build_warehouse
from yecai.errors import YecaiError
from yecai.settings import Paths

__all__ = [
    "PublishOutcome",
    "VersionInfo",
    "audit_and_publish",
    "audit_build",
    "list_versions",
    "publish_log_path",
    "read_publish_log",
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
    snapshot_id: int | None = None  # the DuckLake snapshot analysts read (`--as-of` it)
    relations_written: int = 0  # relations whose rows or descriptions changed
    role_copies: str = ""  # what was written per role (yecai.privacy.role_copies)

    def message(self) -> str:
        if self.published and self.forced:
            return (
                f"published version {self.version} (snapshot {self.snapshot_id}) DESPITE "
                f"{len(self.blocking_failures)} blocking failure(s), forced: {self.reason}"
            )
        if self.published:
            warnings = sum(not r.success for r in self.results)
            return (
                f"published version {self.version} (snapshot {self.snapshot_id}, "
                f"{self.relations_written} relation(s) changed): {len(self.results)} checks, "
                f"no blocking failure, {warnings} warning(s)"
            ) + (f"\n{self.role_copies}" if self.role_copies else "")
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


def _checkpoint(db: Path) -> None:
    """Fold the WAL into the file so a plain copy is a complete database."""
    try:
        con = build_warehouse.connect(db, read_only=False)
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
    con = build_warehouse.connect(db)
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
    "checks_run integer, snapshot_id bigint"
)
LOG_COMMENT = (
    "Every publish attempt, published or blocked by a failed blocking check: who, when, "
    "whether it was forced and why, the batches behind it and the DuckLake snapshot it made."
)
RESULTS_COMMENT = (
    "The history of every quality check result (GX suites and invariants), one row per check "
    "per run; the governance scorecard is drawn from it."
)


def governance_tables(paths: Paths, log: list[dict]) -> list[str]:
    """SQL that makes governance.quality_results and governance.publish_log in ``yecai_made``
    (see ``quality.lake_writer.publish_snapshot``): the history and the log, as analysts see
    them in every snapshot."""
    made = "yecai_made.governance"
    statements = [f"create schema {made}"]
    if has_history(paths):
        statements.append(
            f"create table {made}.quality_results as select * from "
            f"read_parquet({_literal(history_glob(paths))}, union_by_name = true)"
        )
        statements.append(f"comment on table {made}.quality_results is {_literal(RESULTS_COMMENT)}")
    values = ", ".join(_log_row(e) for e in log) or None
    statements.append(f"create table {made}.publish_log ({LOG_COLUMNS})")
    if values:
        statements.append(f"insert into {made}.publish_log values {values}")
    statements.append(f"comment on table {made}.publish_log is {_literal(LOG_COMMENT)}")
    return statements


def _literal(value) -> str:
    """A SQL literal for a log value (pure)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_literal(v) for v in value) + "]::varchar[]"
    return "'" + str(value).replace("'", "''") + "'"


def _log_row(e: dict) -> str:
    values = [
        e.get("version"),
        e["run_id"],
        e["status"],
        e["published_at"],
        e["who"],
        bool(e.get("forced")),
        e.get("reason"),
        list(e.get("inputs", [])),
        list(e.get("failed_checks", [])),
        int(e.get("checks_run", 0)),
        e.get("snapshot_id"),
    ]
    return "(" + ", ".join(_literal(v) for v in values) + ")"


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


def latest_per_check(results: list[CheckResult]) -> list[CheckResult]:
    """The most recent result of each (asset, check): a retried check counts once (pure)."""
    latest: dict[tuple[str, str], CheckResult] = {}
    for r in sorted(results, key=lambda r: r.checked_at):
        latest[(r.asset, r.check)] = r
    return list(latest.values())


def audit_build(
    paths: Paths, build: Path, run_id: str, params: QualityParams | None
) -> list[CheckResult]:
    """Every planned check's result for this run: reused when the run already checked a
    table (Dagster's asset checks ran the suites minutes ago), carried over from an earlier
    audit when neither the check nor its table changed since (quality/audit_memo.py), run
    now otherwise.

    Outside a pipeline run (``yecai publish``) the run id has no history, so every check is
    carried over or run here. Data Docs are rebuilt once either way.
    """
    from quality import audit_memo
    from quality.catalog import read_catalog
    from quality.gx_context import build_data_docs  # GX is heavy: load it only when auditing
    from quality.params import default_params
    from quality.redaction import SensitiveColumns
    from quality.results import append_history
    from quality.runner import planned_assets_and_checks, run_checks_for_tables

    assets, planned = planned_assets_and_checks(paths, build, params)
    recorded = latest_per_check(read_run_history(paths, run_id))
    planned_set = {(c.asset, c.name) for c in planned}
    reused = [r for r in recorded if (r.asset, r.check) in planned_set]
    have = {(r.asset, r.check) for r in reused}

    catalog = read_catalog(build)
    classifier = SensitiveColumns(paths)
    sample = (params or default_params()).failing_keys_sample
    todo_checks = [c for c in planned if (c.asset, c.name) not in have]
    unchecked = sorted({c.asset for c in todo_checks if c.asset in assets})
    sensitive = {t: classifier.for_asset(t, catalog.columns(t)) for t in unchecked}
    specs = audit_memo.specs_for(todo_checks, assets, sensitive, sample)
    prints = audit_memo.fingerprints([assets[t] for t in sorted({a for a, _ in specs})], build)

    memo = audit_memo.load(paths)
    carried: list[CheckResult] = []
    todo: set[tuple[str, str]] = set()
    for c in todo_checks:
        spec = specs.get((c.asset, c.name))
        found = (
            audit_memo.carried_over(memo, c, spec, prints.get(c.asset), run_id) if spec else None
        )
        if found:
            carried.append(found)
        else:
            todo.add((c.asset, c.name))
    append_history(paths, carried)  # this run's history then holds every planned check

    fresh: list[CheckResult] = []
    if todo:
        tables = sorted({asset for asset, _ in todo})
        by_table = run_checks_for_tables(paths, tables, build, run_id, params, only=todo)
        fresh = [r for rs in by_table.values() for r in rs]
    build_data_docs(paths)
    done = {(r.asset, r.check) for r in fresh}
    return [r for r in reused if (r.asset, r.check) not in done] + carried + fresh


class _Stages:
    """Says each stage of a publish as it ends, with its wall time: the Dagster step's log and
    the CLI's status line show where a publish spends its time."""

    def __init__(self, say: Callable[[str], None] | None) -> None:
        self.say = say or (lambda _msg: None)
        self.started = time.perf_counter()

    def done(self, what: str) -> None:
        now = time.perf_counter()
        self.say(f"publish: {what} ({now - self.started:.1f} s)")
        self.started = now


def audit_and_publish(
    paths: Paths,
    run_id: str,
    force_reason: str | None = None,
    params: QualityParams | None = None,
    progress: Callable[[str], None] | None = None,
) -> PublishOutcome:
    """Audit build_db with every suite; publish it unless a blocking check failed.

    Results this ``run_id`` already recorded are reused (see ``audit_build``); a blocking failure
    among them refuses the publish exactly like one found now.

    ``force_reason`` publishes despite blocking failures and is recorded with who forced it.
    ``progress`` hears each stage as it ends, with its wall time.
    Returns the outcome either way; raises YecaiError only when there is nothing to audit
    or the files cannot be opened.
    """
    stages = _Stages(progress)
    if force_reason is not None and not force_reason.strip():
        raise YecaiError("--force needs a reason", 'say why: yecai publish --force --reason "…"')
    build = paths.build_db
    if not build.exists():
        raise YecaiError(
            f"nothing to publish: {build} does not exist",
            "build the warehouse first (yecai pipeline run), then publish",
        )
    paths.warehouse.mkdir(parents=True, exist_ok=True)
    with publish_lock(paths):
        _checkpoint(build)
        stages.done("build warehouse checkpointed")
        results = audit_build(paths, build, run_id, params)
        blocking = [r for r in results if r.blocking_failure]
        stages.done(f"audited: {len(results)} checks, {len(blocking)} blocking failure(s)")
        forced = bool(blocking) and force_reason is not None
        entry = {
            "version": None,
            "run_id": run_id,
            "status": "blocked",
            "published_at": datetime.now(UTC).isoformat(),
            "who": who(),
            "forced": forced,
            "reason": force_reason.strip() if force_reason else None,
            "inputs": _input_batches(paths, build),
            "failed_checks": [f"{r.asset}/{r.check}" for r in blocking],
            "checks_run": len(results),
        }
        if blocking and not forced:
            _append_log(paths, entry)
            return PublishOutcome(False, run_id, None, False, None, results, blocking)

        from quality.lake_writer import publish_snapshot

        existing = {v.version for v in list_versions(paths)}
        entry.update(version=new_version(existing), status="published")
        previous = read_publish_log(paths)

        def extra(snapshot_id: int) -> list[str]:
            entry["snapshot_id"] = snapshot_id
            return governance_tables(paths, [*previous, entry])

        commit = {
            "kind": "publish",
            **{k: entry[k] for k in ("version", "run_id", "who", "forced", "reason")},
            "checks_run": entry["checks_run"],
            "failed_checks": entry["failed_checks"],
        }
        snapshot, written = publish_snapshot(paths, build, extra, commit, stages.say)
        entry["snapshot_id"] = snapshot
        _append_log(paths, entry)
        from yecai.privacy.audit import record_publish

        record_publish(paths, entry["version"], run_id, entry["reason"] if forced else None)
        stages.done(f"snapshot {snapshot} committed, {len(written)} relation(s) changed")
        roles = write_role_copies_after(paths, snapshot, entry["version"])
        stages.done("role copies written")
        from quality.versions import prune_after_publish

        prune_after_publish(paths)
        stages.done("retention policy applied")
        return PublishOutcome(
            True,
            run_id,
            entry["version"],
            forced,
            entry["reason"],
            results,
            blocking,
            snapshot,
            len(written),
            roles,
        )


def write_role_copies_after(paths: Paths, snapshot: int, version: str | None) -> str:
    """Each role's copy of the snapshot just committed (a publish or a close); what was
    written, as a message.

    The snapshot stands whatever happens here: a copy that cannot be written keeps the
    previous publish's copy (files are replaced whole) and the message says why.
    """
    from quality.role_publish import publish_role_copies

    try:
        return publish_role_copies(paths, snapshot, version).message()
    except (YecaiError, duckdb.Error) as exc:
        return f"role copies NOT written (each role keeps its previous copy): {exc}"
