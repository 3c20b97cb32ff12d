"""Retention of raw personal data: old versions of a record lose their personal values.

``raw_retention_days: N`` on a source in ``sources.yml`` says how long the raw zone keeps the
personal values of a record's versions that are no longer current: a version superseded by a
newer one (in a later batch) more than N days ago, and a record deleted at the source (its
tombstone) more than N days ago. Their classified columns (contract tags, names: fail closed,
as ``erase`` reads them) become null; the contract's key columns and the raw zone's metadata
(``_source_pk``, ``_batch_id``, ``_extracted_at``, ``_is_deleted``) stay. ``_row_hash``, an
md5 over the old values that a guess of them could be checked against, becomes the hash of
what the row holds after blanking (nothing reads an old version's hash: change detection
compares the latest version's). The quarantine zone follows the same policy: a row
quarantined (its batch begun) more than N days ago loses the same columns and is re-hashed
likewise; its key, row number and reason stay, so the governance team's record of what was
rejected and why outlives the personal values in it.

Why values and not batches (docs/decisions/raw-retention.md): a full rebuild reads the raw zone
through ``raw_latest``, which takes the latest version of each key and, over every version,
when the key was first seen (``first_seen_at``). Deleting a superseded batch would change that
for every key first seen in it, and the batch folders are the ingestion's state
(batch-record-is-the-state). Blanking keeps every row, every key and every time where it was:
the latest versions are untouched, so what a rebuild produces for current data is the same.

Applied by ``yecai privacy retain`` and after each ingest of a source with a policy (the daily
run); each rewrite is recorded in the audit log (``retention``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import duckdb

from yecai.errors import YecaiError
from yecai.privacy import audit
from yecai.privacy.erase import Classes, refresh_manifest, replace_file
from yecai.privacy.erase_sql import literal
from yecai.privacy.keys import Key
from yecai.privacy.lake_crypto import copy_options, key_for_file, lake_keyring, parquet_scan
from yecai.privacy.policy import quote_ident
from yecai.settings import Paths

Say = Callable[[str], None]


@dataclass
class RetentionReport:
    cutoff: str  # versions superseded or deleted before this moment (UTC) were blanked
    entities: list[str] = field(default_factory=list)  # "<source>.<entity>" under a policy
    files: list[str] = field(default_factory=list)  # raw Parquet files rewritten (relative)
    rows: int = 0  # row versions whose personal values were removed
    quarantine_files: list[str] = field(default_factory=list)  # quarantine files rewritten
    quarantine_rows: int = 0  # quarantined rows whose personal values were removed

    def message(self) -> str:
        if not self.entities:
            return "no source has raw_retention_days in sources.yml: nothing to do"
        if not self.rows and not self.quarantine_rows:
            return (
                f"{len(self.entities)} entities checked: no old version or old quarantined row "
                "holds personal values"
            )
        return (
            f"removed the personal values of {self.rows} old row version(s) in "
            f"{len(self.files)} raw file(s) and of {self.quarantine_rows} old quarantined "
            f"row(s) in {len(self.quarantine_files)} quarantine file(s) of "
            f"{len(self.entities)} entities"
        )


def policies(paths: Paths) -> dict[str, float]:
    """Source -> days, for every source of ``sources.yml`` with ``raw_retention_days``."""
    from yecai.config import load_company

    company = load_company(paths)
    return {
        name: source.raw_retention_days
        for name, source in sorted(company.sources.items())
        if source.raw_retention_days is not None
    }


def expired_versions_sql(versions: str) -> str:
    """(``_source_pk``, ``_batch_id``) of every version superseded, or deleted, before the
    cutoff (parameter 1, a UTC timestamp) (pure). A batch never holds a key twice, so the pair
    names one row; versions are ordered as ``raw_latest`` orders them."""
    return f"""
        select _source_pk, _batch_id
        from (
            select
                _source_pk,
                _batch_id,
                _extracted_at,
                coalesce(_is_deleted, false) as _deleted,
                lead(_extracted_at) over (
                    partition by _source_pk order by _batch_id, _extracted_at
                ) as _superseded_at
            from {versions}
        )
        where coalesce(_superseded_at, case when _deleted then _extracted_at end)
            <= cast(? as timestamp)
    """


def blank_select(columns: list[str], blanked: list[str]) -> str:
    """The select list of a rewritten file: ``blanked`` columns null in expired rows (those
    whose key is in ``expired_here``), every other column as it was, in order (pure)."""
    parts = []
    for col in columns:
        q = quote_ident(col)
        if col in blanked:
            parts.append(
                f"case when _source_pk in (select _source_pk from expired_here) then null "
                f"else {q} end as {q}"
            )
        else:
            parts.append(q)
    return ", ".join(parts)


def _held_hash(columns: list[str]) -> str:
    """The hash of what a row holds, as ingestion computes ``_row_hash``: over the file's
    business columns (no leading ``_``) (pure)."""
    from ingestion.validation import row_hash_sql

    return row_hash_sql([c for c in columns if not c.startswith("_")])


def rehash_select(columns: list[str], expired: str) -> str:
    """The select list over a blanked row set (its ``columns``, in order): ``_row_hash`` of
    rows where ``expired`` holds becomes the hash of the values they now hold, every other
    column as it is (pure)."""
    return ", ".join(
        f"case when {expired} then {_held_hash(columns)} else _row_hash end as _row_hash"
        if c == "_row_hash"
        else quote_ident(c)
        for c in columns
    )


def _stale_hash(columns: list[str]) -> str:
    """True for a row whose ``_row_hash`` is not the hash of what it holds: a row blanked
    before retention re-hashed, or not blanked yet (pure)."""
    if "_row_hash" not in columns:
        return "false"
    return f"_row_hash is distinct from {_held_hash(columns)}"


def _blankable(
    con: duckdb.DuckDBPyConnection,
    source_sql: str,
    relation: str,
    classes: Classes,
    keys: set[str],
) -> tuple[list[str], dict[str, str], list[str]]:
    """A file's columns, their types, and those retention blanks: the classified ones, except
    the key (the current version carries its value too) and metadata (what rebuilds read)."""
    described = con.execute(f"describe select * from {source_sql}").fetchall()
    columns = [d[0] for d in described]
    classified = classes.of(relation, [(c, "") for c in columns])
    blanked = [c for c in columns if c in classified and c not in keys and c[0] != "_"]
    return columns, {d[0]: d[1] for d in described}, blanked


def _blank_entity(
    con: duckdb.DuckDBPyConnection,
    paths: Paths,
    source: str,
    entity: str,
    cutoff: datetime,
    classes: Classes,
    ring: Mapping[str, Key],
    report: RetentionReport,
) -> None:
    from ingestion.lake import committed_batches, raw_glob, read_manifest

    batches = committed_batches(paths, source, entity)
    if not batches:
        return
    relation = f"raw.{source}.{entity}"
    if not any(batch.glob("*.parquet") for batch in batches):
        return
    versions = parquet_scan(
        con, raw_glob(paths, source, entity), ring, union_by_name="true", hive_partitioning="false"
    )
    con.execute(
        "create or replace temp table expired as " + expired_versions_sql(versions),
        [cutoff.replace(tzinfo=None)],
    )
    for batch in batches:
        batch_id = batch.name.removeprefix("batch=")
        con.execute(
            "create or replace temp table expired_here as "
            "select _source_pk from expired where _batch_id = ?",
            [batch_id],
        )
        if not con.execute("select count(*) from expired_here").fetchone()[0]:
            continue
        keys = set(read_manifest(batch).get("primary_key") or [])
        rewritten = False
        for f in sorted(batch.glob("*.parquet")):
            source_sql = parquet_scan(con, [f], ring, hive_partitioning="false")
            columns, _, blanked = _blankable(con, source_sql, relation, classes, keys)
            if not blanked:
                continue
            holding = " or ".join(f"{quote_ident(c)} is not null" for c in blanked)
            expired = "_source_pk in (select _source_pk from expired_here)"
            n = con.execute(
                f"select count(*) from {source_sql} where ({holding} or {_stale_hash(columns)}) "
                f"and {expired}"
            ).fetchone()[0]
            if not n:
                continue  # blanked by an earlier run: nothing left to remove
            tmp = f.with_name(f".{f.name}.retain")
            blanked_rows = f"(select {blank_select(columns, blanked)} from {source_sql})"
            con.execute(
                f"copy (select {rehash_select(columns, expired)} from {blanked_rows}) "
                f"to {literal(str(tmp))} (format parquet{copy_options(con, key_for_file(con, f, ring))})"
            )
            replace_file(f, tmp)
            rewritten = True
            report.rows += int(n)
            report.files.append(str(f.relative_to(paths.home)))
        if rewritten:
            refresh_manifest(batch)


def _blank_quarantine(
    con: duckdb.DuckDBPyConnection,
    paths: Paths,
    source: str,
    entity: str,
    cutoff: datetime,
    classes: Classes,
    ring: Mapping[str, Key],
    report: RetentionReport,
) -> None:
    """Rows quarantined by a batch begun before ``cutoff`` lose their classified values (not
    their key, row number, reason or metadata). Quarantine files have no manifest to refresh."""
    from ingestion.batches import batch_time
    from ingestion.lake import quarantine_dir

    expired = [
        batch
        for batch in sorted(quarantine_dir(paths, source, entity).glob("batch=*"))
        if (began := batch_time(batch.name.removeprefix("batch="))) and began <= cutoff
    ]
    if not expired:
        return
    relation = f"raw.{source}.{entity}"
    keys = _contract_keys(paths, source, entity)
    for batch in expired:
        for f in sorted(batch.glob("*.parquet")):
            source_sql = parquet_scan(con, [f], ring, hive_partitioning="false")
            columns, types, blanked = _blankable(con, source_sql, relation, classes, keys)
            if not blanked:
                continue
            holding = " or ".join(f"{quote_ident(c)} is not null" for c in blanked)
            n = con.execute(
                f"select count(*) from {source_sql} where {holding} or {_stale_hash(columns)}"
            ).fetchone()[0]
            if not n:
                continue  # blanked by an earlier run
            select = ", ".join(
                f"cast(null as {types[c]}) as {quote_ident(c)}" if c in blanked else quote_ident(c)
                for c in columns
            )
            tmp = f.with_name(f".{f.name}.retain")
            con.execute(
                f"copy (select {rehash_select(columns, 'true')} from (select {select} "
                f"from {source_sql})) to {literal(str(tmp))} "
                f"(format parquet{copy_options(con, key_for_file(con, f, ring))})"
            )
            replace_file(f, tmp)
            report.quarantine_rows += int(n)
            report.quarantine_files.append(str(f.relative_to(paths.home)))


def _contract_keys(paths: Paths, source: str, entity: str) -> set[str]:
    """The entity's key columns, as its newest raw batch records them (none: no batch yet)."""
    from ingestion.lake import latest_manifest

    manifest = latest_manifest(paths, source, entity)
    return set((manifest or {}).get("primary_key") or [])


def apply_retention(
    paths: Paths,
    now: datetime | None = None,
    sources: list[str] | None = None,
    say: Say | None = None,
) -> RetentionReport:
    """Apply every source's ``raw_retention_days`` (only ``sources``' when given); records
    ``retention`` in the audit log when anything was removed."""
    from ingestion.config import load_config
    from ingestion.landing import entity_lock

    now = now or datetime.now(UTC)
    wanted = policies(paths)
    if sources is not None:
        wanted = {s: d for s, d in wanted.items() if s in sources}
    report = RetentionReport(cutoff="")
    if not wanted:
        return report
    config = load_config(paths)
    classes = Classes(paths)
    # encrypted files (a lake key) are read and re-written with the key each was written with
    ring = lake_keyring(paths.home)
    con = duckdb.connect()
    try:
        con.execute("set TimeZone = 'UTC'")
        for source, days in wanted.items():
            cutoff = now - timedelta(days=days)
            report.cutoff = cutoff.isoformat(timespec="seconds")
            if source not in config:
                raise YecaiError(f"sources.yml names no source {source!r}", "check its spelling")
            for entity in sorted(config[source].entities):
                report.entities.append(f"{source}.{entity}")
                # one writer per entity: an ingest landing a batch meanwhile waits
                with entity_lock(paths, source, entity):
                    before, quarantined = report.rows, report.quarantine_rows
                    _blank_entity(con, paths, source, entity, cutoff, classes, ring, report)
                    _blank_quarantine(con, paths, source, entity, cutoff, classes, ring, report)
                if say and report.rows > before:
                    say(f"{source}.{entity}: {report.rows - before} old version(s) blanked")
                if say and report.quarantine_rows > quarantined:
                    say(
                        f"{source}.{entity}: {report.quarantine_rows - quarantined} old "
                        "quarantined row(s) blanked"
                    )
    finally:
        con.close()
    if report.rows or report.quarantine_rows:
        audit.record(
            paths,
            "retention",
            None,
            zone="raw",
            policies=wanted,
            rows=report.rows,
            files=report.files,
            quarantine_rows=report.quarantine_rows,
            quarantine_files=report.quarantine_files,
        )
    return report
