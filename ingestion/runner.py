"""``ingest``: land every configured entity (or one source / entity) into the raw zone.

Per entity, under its lock: tidy what a killed run left, read the watermark from the
latest committed manifest, extract, validate, stage, rename into place, record the batch.
A failing entity records a failed batch and the run moves on to the next one.
"""

from __future__ import annotations

import contextlib
import logging
import traceback
from collections.abc import Callable
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

from filelock import Timeout

from ingestion import duck, source_state
from ingestion.batches import (
    QUARANTINED_ALL,
    BatchResult,
    new_batch_id,
    utc_now_iso,
    write_batch_record,
)
from ingestion.config import EntityConfig, SourceConfig, load_config
from ingestion.connectors import SourceUnavailable
from ingestion.contract import Contract
from ingestion.extract import extract_from_file, extract_from_rest, extract_from_sql
from ingestion.file_identity import FilesRead, files_read, name_fields
from ingestion.lake import latest_manifest
from ingestion.lake_encryption import converge, rewrite_pending, write_key
from ingestion.landing import (
    commit,
    discard,
    entity_lock,
    file_checksums,
    new_stage,
    recover,
    sha256_file,
    write_manifest,
)
from ingestion.process import count_rows, process_batch
from ingestion.raw_integrity import entity_problems
from yecai.errors import YecaiError
from yecai.privacy.redact import redact_text
from yecai.settings import Paths

log = logging.getLogger(__name__)
ProgressFn = Callable[[str, int, int | None], None]
# Prefix of a failed batch's message when the whole source system could not be reached.
UNAVAILABLE_MARK = "source unavailable: "
LOCK_TIMEOUT_SECONDS = 600


def ingest(
    paths: Paths,
    source: str | None = None,
    entity: str | None = None,
    full_refresh: bool = False,
    on_progress: ProgressFn | None = None,
) -> list[BatchResult]:
    """Extract and land; one ``BatchResult`` per attempted batch (also written to _meta).

    SQL and REST entities give one batch each; a files entity one per new file (or one
    ``no_change``). ``on_progress(message, done, total)`` gets ``"<source>.<entity>: <phase>"``
    messages. A whole files source also checks for files no contract claims (a failed record
    for entity ``_unmatched_files``). Unknown ``source`` / ``entity`` raise ``YecaiError``;
    everything else that goes wrong is a ``failed`` result with its message, not an exception.
    """
    config = load_config(paths)
    results: list[BatchResult] = []
    unavailable: dict[str, str] = {}
    for src, ent in select_entities(config, source, entity):
        if src.name in unavailable:
            # Don't spend the retry budget again on every table of a system that is down.
            results.append(
                _failed(
                    paths,
                    src.name,
                    ent.name,
                    utc_now_iso(),
                    _previous_watermark(paths, src.name, ent.name),
                    YecaiError(f"not tried: {unavailable[src.name]}"),
                )
            )
            _report(on_progress, f"{src.name}.{ent.name}: not tried", 0, 0)
            continue
        batch = ingest_entity(paths, src, ent, full_refresh, on_progress)
        results.extend(batch)
        if any(r.status == "failed" and r.message.startswith(UNAVAILABLE_MARK) for r in batch):
            unavailable[src.name] = batch[-1].message.removeprefix(UNAVAILABLE_MARK)
    if entity is None:
        for src in config.values():
            if src.kind == "files" and source in (None, src.name):
                results.extend(_report_unmatched_files(paths, src))
    return results


UNMATCHED_ENTITY = "_unmatched_files"


def unmatched_files(source: SourceConfig) -> list[Path]:
    """Files in a drop folder that no entity's contract claims: they would never be read."""
    if source.path is None or not source.path.is_dir():
        return []
    patterns = []
    for name in source.entities:
        try:
            contract = source.contract(name)
        except YecaiError:
            continue  # that entity already failed with its own message
        patterns.append(contract.file_pattern or f"{name}*")
    return sorted(
        p
        for p in source.path.iterdir()
        if p.is_file()
        and not p.name.startswith(".")
        and not any(p.match(pattern) for pattern in patterns)
    )


def _report_unmatched_files(paths: Paths, source: SourceConfig) -> list[BatchResult]:
    """A failed record naming files nobody reads, so a misnamed export is never lost quietly."""
    strays = unmatched_files(source)
    if not strays:
        return []
    names = ", ".join(p.name for p in strays[:20]) + (" …" if len(strays) > 20 else "")
    return [
        _failed(
            paths,
            source.name,
            UNMATCHED_ENTITY,
            utc_now_iso(),
            None,
            YecaiError(
                f"{len(strays)} file(s) in {source.path} match no {source.name} contract and "
                f"were not read: {names}",
                "rename them the way the exports are named (see file_pattern in "
                f"{source.contracts_root / source.name}/), add a contract, or move them out",
            ),
        )
    ]


def _previous_watermark(paths: Paths, source: str, entity: str) -> str | None:
    previous = latest_manifest(paths, source, entity)
    return previous.get("watermark") if previous else None


def select_entities(
    config: dict[str, SourceConfig], source: str | None, entity: str | None
) -> list[tuple[SourceConfig, EntityConfig]]:
    """The (source, entity) pairs a run covers; unknown names are a user error."""
    if source is not None and source not in config:
        raise YecaiError(
            f"unknown source {source!r}", f"use one of: {', '.join(config) or '(none configured)'}"
        )
    chosen = [config[source]] if source else list(config.values())
    pairs = [(s, e) for s in chosen for e in s.entities.values() if entity in (None, e.name)]
    if entity is not None and not pairs:
        known = sorted({e for s in chosen for e in s.entities})
        raise YecaiError(
            f"unknown entity {entity!r}" + (f" in source {source!r}" if source else ""),
            f"use one of: {', '.join(known)}",
        )
    return pairs


def ingest_entity(
    paths: Paths,
    source: SourceConfig,
    entity: EntityConfig,
    full_refresh: bool = False,
    on_progress: ProgressFn | None = None,
) -> list[BatchResult]:
    label = f"{source.name}.{entity.name}"
    lock = entity_lock(paths, source.name, entity.name)
    try:
        lock.acquire(timeout=LOCK_TIMEOUT_SECONDS)
    except Timeout:
        return [
            _failed(
                paths,
                source.name,
                entity.name,
                utc_now_iso(),
                None,
                YecaiError(
                    f"{label}: another ingest of this entity has held its lock for "
                    f"{LOCK_TIMEOUT_SECONDS}s",
                    "wait for it to finish (or stop it), then run again",
                ),
            )
        ]
    try:
        recover(paths, source.name, entity.name)
        try:
            contract = source.contract(entity.name)
            if rewrite_pending(paths, contract):
                _converge(paths, contract)  # a killed re-write: files first, then manifests
            verify_landed(paths, source.name, entity.name)
            _converge(paths, contract)
        except YecaiError as exc:
            return [_failed(paths, source.name, entity.name, utc_now_iso(), None, exc)]
        if source.kind == "files":
            return _ingest_files(paths, source, entity, contract, full_refresh, on_progress)

        def fill(con, watermark, landed_before):
            if source.kind == "sql":
                return extract_from_sql(
                    con, source, entity, contract, watermark, key_set=landed_before
                )
            return extract_from_rest(
                con,
                source,
                entity,
                contract,
                watermark,
                on_rows=lambda n: _report(on_progress, f"{label}: reading", n, None),
            )

        if source.kind != "sql":
            return [_run_batch(paths, contract, fill, full_refresh, on_progress)]
        # Ask the database first whether the table changed since the last read (no scan).
        before, last_read = source_state.before_read(paths, source, entity)
        if last_read and not full_refresh and latest_manifest(paths, source.name, entity.name):
            return [_unchanged_at_source(paths, source.name, entity.name, last_read, on_progress)]
        result = _run_batch(paths, contract, fill, full_refresh, on_progress)
        source_state.after_read(paths, source, entity, before, result)
        return [result]
    finally:
        lock.release()


def _converge(paths: Paths, contract: Contract) -> None:
    """Older files of the entity re-written in the state new ones land in (a lake key set
    or rotated since they landed), so every file of a folder opens the same way."""
    con = duck.connect()
    try:
        converge(con, paths, contract, write_key(paths, contract))
    finally:
        con.close()


def _align_columns(paths: Paths, contract: Contract) -> None:
    """After an encrypted batch with other columns than the ones before it (a drift column
    added or gone): the older files get its columns, so one glob reads them all. The batch
    is committed either way; if this fails, the next ingest does it before anything else."""
    try:
        _converge(paths, contract)
    except Exception as exc:  # noqa: BLE001 — the batch stands; the next run retries
        log.warning(
            "%s.%s: aligning encrypted files failed: %s", contract.source, contract.entity, exc
        )


def verify_landed(paths: Paths, source: str, entity: str) -> None:
    """Refuse to build on a raw zone whose files no longer match their manifests."""
    problems = entity_problems(paths, source, entity, quick=True)
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise YecaiError(
            problems[0].describe() + more,
            "restore the file from a backup; or delete that batch folder and run "
            f"`yecai ingest --source {source} --entity {entity} --full-refresh`",
        )


def _ingest_files(
    paths: Paths,
    source: SourceConfig,
    entity: EntityConfig,
    contract: Contract,
    full_refresh: bool,
    on_progress: ProgressFn | None,
) -> list[BatchResult]:
    """One batch per export file not landed before (same checksum = same file)."""
    folder = source.path
    started = utc_now_iso()
    if folder is None or not folder.is_dir():
        return [
            _failed(
                paths,
                source.name,
                entity.name,
                started,
                None,
                YecaiError(
                    f"{source.name}: drop folder {folder} does not exist",
                    f"create it, or point sources.{source.name}.path in sources.yml at the folder "
                    "the exports are dropped into",
                ),
            )
        ]
    pattern = contract.file_pattern or f"{entity.name}*"
    files = sorted(p for p in folder.glob(pattern) if p.is_file() and not p.name.startswith("."))
    read_before = FilesRead() if full_refresh else files_read(paths, contract)
    results = []
    skipped = 0
    for path in files:
        checksum = sha256_file(path)
        fields = name_fields(path.name, contract)
        if read_before.seen(checksum, fields):
            skipped += 1
            continue
        note = read_before.same_content_note(path.name, checksum, fields)
        read_before.add(checksum, path.name, fields)
        results.append(
            _run_batch(
                paths,
                contract,
                lambda con, _wm, _lake, path=path, note=note: _file_fill(con, path, contract, note),
                full_refresh,
                on_progress,
                source_file=path,
                source_file_sha256=checksum,
                source_file_fields=fields,
            )
        )
    if not results:
        previous = latest_manifest(paths, source.name, entity.name)
        result = BatchResult(
            batch_id=new_batch_id(source.name, entity.name),
            source=source.name,
            entity=entity.name,
            started_at=started,
            finished_at=utc_now_iso(),
            status="no_change",
            rows_read=0,
            rows_landed=0,
            rows_quarantined=0,
            watermark=previous.get("watermark") if previous else None,
            message=f"no new files matching {pattern} in {folder}"
            + (f" ({skipped} already read: same content for the same period)" if skipped else ""),
        )
        write_batch_record(paths, result)
        results.append(result)
    return results


def _unchanged_at_source(
    paths: Paths, source: str, entity: str, last_read: str, on_progress: ProgressFn | None
) -> BatchResult:
    """A no_change record for a table its database says has not changed since ``last_read``."""
    started = utc_now_iso()
    previous = latest_manifest(paths, source, entity)
    result = BatchResult(
        batch_id=new_batch_id(source, entity),
        source=source,
        entity=entity,
        started_at=started,
        finished_at=utc_now_iso(),
        status="no_change",
        rows_read=0,
        rows_landed=0,
        rows_quarantined=0,
        watermark=previous.get("watermark") if previous else None,
        message=f"{source_state.UNCHANGED_NOTE} {last_read}; not read",
    )
    write_batch_record(paths, result)
    _report(on_progress, f"{source}.{entity}: no_change", 0, 0)
    return result


def _file_fill(con, path: Path, contract: Contract, note: str | None):
    """``extract`` from one export file, with the note that its bytes were read before."""
    keys_table, notes = extract_from_file(con, path, contract)
    return keys_table, ([note] if note else []) + notes


def _run_batch(
    paths: Paths,
    contract: Contract,
    fill: Callable,
    full_refresh: bool,
    on_progress: ProgressFn | None,
    source_file: Path | None = None,
    source_file_sha256: str | None = None,
    source_file_fields: dict[str, str] | None = None,
) -> BatchResult:
    """Stage, validate, commit and record one batch; any failure leaves nothing visible."""
    src, ent = contract.source, contract.entity
    label = f"{src}.{ent}"
    now = datetime.now(UTC)
    batch_id = new_batch_id(src, ent, now)
    started = utc_now_iso()
    previous = latest_manifest(paths, src, ent)
    prev_wm = previous.get("watermark") if previous else None
    stage = new_stage(paths, batch_id)
    con = duck.connect(stage.spill)
    try:
        key = write_key(paths, contract)
        _report(on_progress, f"{label}: extracting", 0, None)
        # Deletes are keys landed before and gone now: with no batch landed yet there are
        # none to find, so a first load skips reading the source's whole key set.
        keys_table, notes = fill(con, None if full_refresh else prev_wm, previous is not None)
        read = count_rows(con)
        _report(on_progress, f"{label}: validating", read, read)
        outcome = process_batch(
            con,
            paths=paths,
            contract=contract,
            batch_id=batch_id,
            extracted_at=now,
            stage=stage,
            previous_watermark=prev_wm,
            source_keys_table=keys_table,
            rows_in=read,
            # A file is read once, so its defects are new, unless a full refresh re-reads it.
            dedupe_quarantine=source_file is None or full_refresh,
            key=key,
        )
        status = batch_status(outcome, is_file=source_file is not None)
        result = BatchResult(
            batch_id=batch_id,
            source=src,
            entity=ent,
            started_at=started,
            finished_at="",
            status=status,
            rows_read=outcome.rows_read,
            rows_landed=outcome.rows_landed,
            rows_quarantined=outcome.rows_quarantined,
            # A batch that landed nothing keeps the old watermark: its rows are read again
            # once the contract or the source is fixed.
            watermark=outcome.watermark if status == "succeeded" else prev_wm,
            message=_message(outcome, notes, status),
            rows_unchanged=outcome.rows_unchanged,
            rows_deleted=outcome.rows_deleted,
            added_columns=outcome.added_columns,
            source_file=source_file.name if source_file else None,
            source_file_sha256=source_file_sha256,
            source_file_fields=dict(source_file_fields or {}),
            key_id=key.key_id if key and outcome.rows_read else None,
        )
        result.check_counts()
        if outcome.rows_read:
            result.finished_at = utc_now_iso()
            checksum, file_entries = file_checksums(outcome.raw_files)
            manifest = {
                "batch_id": batch_id,
                "source": src,
                "entity": ent,
                "rows": outcome.rows_landed,
                "files": file_entries,
                "checksum_sha256": checksum,
                "schema": outcome.schema,
                "watermark": result.watermark,
                "cursor": contract.cursor,
                "primary_key": list(contract.primary_key),
                "row_counts": {
                    "read": outcome.rows_read,
                    "landed": outcome.rows_landed,
                    "quarantined": outcome.rows_quarantined,
                    "unchanged": outcome.rows_unchanged,
                    "deleted": outcome.rows_deleted,
                },
                "quarantine_reasons": outcome.reasons,
                "schema_drift": outcome.drift,
                "warnings": outcome.warnings,
                "warning_codes": outcome.warning_codes,
                "added_columns": outcome.added_columns,
                "notes": [*notes, *outcome.notes],
                "full_refresh": full_refresh,
                "source_file": str(source_file) if source_file else None,
                "source_file_sha256": source_file_sha256,
                "extracted_at": now.isoformat(),
                "key_id": result.key_id,
                "batch": asdict(result),
            }
            write_manifest(stage, manifest)
            con.close()
            commit(paths, stage, src, ent, batch_id)
            if key is not None:
                _align_columns(paths, contract)
        result.finished_at = result.finished_at or utc_now_iso()
        write_batch_record(paths, result)
        _report(on_progress, f"{label}: {result.status}", read, read)
        return result
    except Exception as exc:  # noqa: BLE001 — any failure becomes a failed batch record
        return _failed(paths, src, ent, started, prev_wm, exc, batch_id, source_file)
    finally:
        with contextlib.suppress(Exception):  # closing twice is harmless
            con.close()
        discard(stage)


def batch_status(outcome, is_file: bool) -> str:
    """succeeded, no_change, or quarantined_all: rows were read and none landed.

    quarantined_all is given to a file batch (a file is a whole delivery: if none of it
    lands, something is wrong with the file) and to any batch that lacks a contract column
    (renamed or removed at the source). An incremental read of a database whose only changed
    row is broken stays succeeded: the row is quarantined and the next batch goes on.
    """
    if not outcome.rows_read:
        return "no_change"
    if outcome.rows_landed == 0 and (is_file or outcome.columns_missing):
        return QUARANTINED_ALL
    return "succeeded"


def _message(outcome, notes: list[str], status: str = "succeeded") -> str:
    parts = [
        f"landed {outcome.rows_landed}"
        + (f" ({outcome.rows_deleted} deletes)" if outcome.rows_deleted else "")
        + f", quarantined {outcome.rows_quarantined}"
        + (
            f", {outcome.rows_unchanged} unchanged re-reads skipped"
            if outcome.rows_unchanged
            else ""
        )
    ]
    if outcome.reasons:
        parts.append("quarantine: " + "; ".join(f"{r} ×{n}" for r, n in outcome.reasons.items()))
    parts.extend(f"schema drift: {d['detail']}" for d in outcome.drift)
    parts.extend(f"{reason} ×{len(keys)}" for reason, keys in outcome.warnings.items())
    parts.extend(outcome.notes)
    parts.extend(
        n
        for n in notes
        if any(w in n for w in ("encoding", "totals", "title", "byte-identical", "delimiter"))
    )
    if status == QUARANTINED_ALL:
        parts.insert(
            0,
            "every row was quarantined, nothing landed → fix the file or the contract "
            "(see the reasons) and drop the file again",
        )
    return " | ".join(parts)


def _failed(
    paths: Paths,
    source: str,
    entity: str,
    started: str,
    watermark: str | None,
    exc: BaseException,
    batch_id: str | None = None,
    source_file: Path | None = None,
) -> BatchResult:
    if isinstance(exc, YecaiError):
        message = exc.what + (f" → {exc.fix}" if exc.fix else "")
        if isinstance(exc, SourceUnavailable):
            message = UNAVAILABLE_MARK + message
    else:
        # Not a user error: keep the type and the innermost frame so it can be debugged.
        frame = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
        where = f" at {Path(frame.filename).name}:{frame.lineno}" if frame else ""
        # The library's own text may quote the cell it choked on: scrub ID numbers, cards,
        # phones, e-mails and secrets (this message reaches run failures and alerts).
        message = f"unexpected {type(exc).__name__}{where}: {redact_text(str(exc))}"
    result = BatchResult(
        batch_id=batch_id or new_batch_id(source, entity),
        source=source,
        entity=entity,
        started_at=started,
        finished_at=utc_now_iso(),
        status="failed",
        rows_read=0,
        rows_landed=0,
        rows_quarantined=0,
        watermark=watermark,
        message=message,
        source_file=source_file.name if source_file else None,
    )
    write_batch_record(paths, result)
    return result


def _report(on_progress: ProgressFn | None, message: str, done: int, total: int | None) -> None:
    if on_progress is not None:
        on_progress(message, done, total)
