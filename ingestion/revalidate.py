"""Re-validating landed rows after a contract is tightened (``yecai ingest --revalidate``).

The latest version of every landed record is checked against the entity's current contract
by the same rules ingestion applies (``validation.typed_select_sql``: types, required
columns, key present). Records that now fail are withdrawn the lake's append-only way, as one
new batch: a tombstone per record in the raw zone (so readers of the current view stop seeing
it) and a quarantine row per record with its reason. Records that pass are not touched.
The batch has its manifest and batch record like any other; rows conserve:
rows_read (quarantined + tombstones) = rows_landed (tombstones) + rows_quarantined, and the
records found still valid are counted as rows_unchanged. The watermark stays where it was.

A withdrawn record comes back when its source sends it again and it passes (a changed row,
or ``yecai ingest --full-refresh`` after loosening the contract again).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import asdict
from datetime import UTC, datetime

from ingestion import duck
from ingestion.batches import BatchResult, new_batch_id, utc_now_iso, write_batch_record
from ingestion.config import load_config
from ingestion.contract import Contract, load_contract
from ingestion.duck import ident, sql_str
from ingestion.lake import committed_batches, latest_manifest, raw_glob, scan
from ingestion.lake_encryption import converge, write_key, write_parquet
from ingestion.landing import (
    commit,
    discard,
    entity_lock,
    file_checksums,
    new_stage,
    recover,
    write_manifest,
)
from ingestion.latest_index import load_latest_versions
from ingestion.runner import LOCK_TIMEOUT_SECONDS, select_entities
from ingestion.validation import row_hash_sql, typed_select_sql
from yecai.errors import YecaiError
from yecai.settings import Paths

ProgressFn = Callable[[str, int, int | None], None]
REVALIDATION_NOTE = "revalidation against the current contract"


def revalidate(
    paths: Paths,
    source: str | None = None,
    entity: str | None = None,
    on_progress: ProgressFn | None = None,
) -> list[BatchResult]:
    """Revalidate every configured entity (or one source / entity); one result per entity."""
    config = load_config(paths)
    results = []
    for src, ent in select_entities(config, source, entity):
        if on_progress:
            on_progress(f"{src.name}.{ent.name}: revalidating", 0, None)
        results.append(revalidate_entity(paths, src.name, ent.name, src.contracts_root))
    return results


def revalidate_entity(paths: Paths, source: str, entity: str, contracts_root) -> BatchResult:
    started = utc_now_iso()
    now = datetime.now(UTC)
    batch_id = new_batch_id(source, entity, now)
    previous = latest_manifest(paths, source, entity)
    watermark = previous.get("watermark") if previous else None

    key = None  # the entity's lake key, once its contract is read

    def record(status: str, message: str, failed: int = 0, unchanged: int = 0) -> BatchResult:
        """The batch's record: each failing record is one quarantine row and one tombstone."""
        return BatchResult(
            batch_id=batch_id,
            source=source,
            entity=entity,
            started_at=started,
            finished_at=utc_now_iso(),
            status=status,
            rows_read=2 * failed,
            rows_landed=failed,
            rows_quarantined=failed,
            watermark=watermark,
            message=message,
            rows_unchanged=unchanged,
            rows_deleted=failed,
            key_id=key.key_id if key and failed else None,
        )

    def result(status: str, message: str, unchanged: int = 0) -> BatchResult:
        out = record(status, message, unchanged=unchanged)
        write_batch_record(paths, out)
        return out

    lock = entity_lock(paths, source, entity)
    try:
        lock.acquire(timeout=LOCK_TIMEOUT_SECONDS)
    except Exception:  # noqa: BLE001 — a Timeout: someone else is writing this entity
        return result("failed", f"{source}.{entity}: another ingest holds its lock; try later")
    try:
        recover(paths, source, entity)
        try:
            contract = load_contract(source, entity, contracts_root)
            key = write_key(paths, contract)
        except YecaiError as exc:
            return result("failed", exc.what + (f" → {exc.fix}" if exc.fix else ""))
        if not committed_batches(paths, source, entity):
            return result("no_change", f"{REVALIDATION_NOTE}: nothing landed yet")
        stage = new_stage(paths, batch_id)
        con = duck.connect(stage.spill)
        try:
            converge(con, paths, contract, key)
            checked, failed = _check(con, paths, contract, key)
            if not failed:
                return result(
                    "no_change",
                    f"{REVALIDATION_NOTE}: all {checked} current records still pass",
                    unchanged=checked,
                )
            reasons = _write_withdrawal(con, stage, contract, batch_id, now, key)
            raw_files = sorted(stage.raw.glob("*.parquet"))
            out = record(
                "succeeded",
                f"{REVALIDATION_NOTE}: {failed} of {checked} current records now fail "
                "→ quarantined and withdrawn (tombstones) | quarantine: "
                + "; ".join(f"{r} ×{n}" for r, n in reasons.items()),
                failed=failed,
                unchanged=checked - failed,
            )
            out.check_counts()
            schema = con.execute(
                f"describe select * from {scan(con, paths, raw_files[0])}"
            ).fetchall()
            checksum, file_entries = file_checksums(raw_files)
            write_manifest(
                stage,
                {
                    "batch_id": batch_id,
                    "source": source,
                    "entity": entity,
                    "rows": failed,
                    "files": file_entries,
                    "checksum_sha256": checksum,
                    "schema": [{"name": r[0], "type": r[1]} for r in schema],
                    "watermark": watermark,
                    "cursor": contract.cursor,
                    "primary_key": list(contract.primary_key),
                    "row_counts": {
                        "read": out.rows_read,
                        "landed": failed,
                        "quarantined": failed,
                        "unchanged": checked - failed,
                        "deleted": failed,
                    },
                    "quarantine_reasons": reasons,
                    "schema_drift": [],
                    "warnings": {},
                    "added_columns": [],
                    "notes": [f"{REVALIDATION_NOTE}: {checked} records checked"],
                    "revalidation": {"records_checked": checked, "records_withdrawn": failed},
                    "full_refresh": False,
                    "source_file": None,
                    "source_file_sha256": None,
                    "extracted_at": now.isoformat(),
                    "key_id": out.key_id,
                    "batch": asdict(out),
                },
            )
            con.close()
            commit(paths, stage, source, entity, batch_id)
            write_batch_record(paths, out)
            return out
        except Exception as exc:  # noqa: BLE001 — any failure leaves the lake as it was
            what = exc.what if isinstance(exc, YecaiError) else f"{type(exc).__name__}: {exc}"
            return result("failed", f"{REVALIDATION_NOTE} failed: {what}")
        finally:
            with contextlib.suppress(Exception):
                con.close()
            discard(stage)
    finally:
        lock.release()


def _check(con, paths: Paths, contract: Contract, key=None) -> tuple[int, int]:
    """Tables ``current_rows`` (latest live version of each record) and ``checked`` (the
    contract's verdict on each); returns (records checked, records that fail)."""
    load_latest_versions(con, paths, contract.source, contract.entity, key)
    raw = scan(
        con,
        paths,
        raw_glob(paths, contract.source, contract.entity),
        union_by_name="true",
        hive_partitioning="false",
    )
    con.execute(
        f"""
        create temp table current_rows as
        select r.* from {raw} r
        join lake_latest l on l._source_pk = r._source_pk and l._batch_id = r._batch_id
        where not coalesce(l._is_deleted, false)
        """
    )
    landed = {r[0] for r in con.execute("describe current_rows").fetchall()}
    # A column the contract gained since landing is empty in every landed row.
    columns = ", ".join(
        ident(c) if c in landed else f"null::varchar as {ident(c)}" for c in contract.column_names
    )
    con.execute(
        f"""
        create temp table recheck as
        select {columns}, row_number() over (order by _source_pk) as _row_number,
               false as _src_deleted, _source_pk as _landed_pk
        from current_rows
        """
    )
    mapping = {c: c for c in contract.column_names}
    con.execute(
        "create temp table checked as " + typed_select_sql(contract, mapping, (), "recheck")
    )
    con.execute(
        """create temp table failing as
           select k._landed_pk, c.* from checked c join recheck k using (_row_number)
           where len(c._reasons) > 0"""
    )
    checked = con.execute("select count(*) from checked").fetchone()[0]
    failed = con.execute("select count(*) from failing").fetchone()[0]
    return checked, failed


def _write_withdrawal(
    con, stage, contract: Contract, batch_id: str, now: datetime, key=None
) -> dict:
    """Stage the tombstones (raw) and the quarantine rows (encrypted with ``key``, the
    entity's lake key, when set); the reason counts."""
    ts = now.strftime("%Y-%m-%d %H:%M:%S.%f")
    write_parquet(
        con,
        f"""
            select * replace ('{sql_str(batch_id)}' as _batch_id,
                              timestamp '{ts}' as _extracted_at, true as _is_deleted)
            from current_rows where _source_pk in (select _landed_pk from failing)
        """,
        stage.raw / "part-0.parquet",
        key,
    )
    raw_cols = [f"_raw_{i}" for i in range(len(contract.columns))]
    business = ", ".join(
        f"{ident(raw)} as {ident(name)}"
        for raw, name in zip(raw_cols, contract.column_names, strict=True)
    )
    # _row_hash over the text values, as ingestion hashes a quarantined row.
    write_parquet(
        con,
        f"""
            select {business}, array_to_string(_reasons, '; ') as _reason,
                   array_to_string(_reason_codes, '; ') as _reason_code,
                   _landed_pk as _source_pk, '{sql_str(batch_id)}' as _batch_id,
                   _row_number, {row_hash_sql(raw_cols)} as _row_hash
            from failing order by _row_number
        """,
        stage.quarantine / "part-0.parquet",
        key,
    )
    rows = con.execute(
        """
        select regexp_replace(r, '''.*''', '''…''') as reason, count(*)
        from (select unnest(_reasons) as r from failing)
        group by 1 order by 2 desc, 1
        """
    ).fetchall()
    return {r: n for r, n in rows}
