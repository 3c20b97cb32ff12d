"""One batch's work inside DuckDB, whatever the connector: validate, classify, write.

Input is a table ``extract`` holding the rows a connector read, with the source's own
column names plus ``_row_number`` (position in the read) and ``_src_deleted`` (the source
said the record is deleted). Output is the staged batch: raw Parquet, quarantine Parquet
and the counts for the manifest and batch record.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb

from ingestion.clean_pass import CleanPass, load_repeated_keys, no_filter_pushdown
from ingestion.contract import Contract
from ingestion.duck import ident, sql_str
from ingestion.lake import load_latest_rows, scan
from ingestion.landing import Stage
from ingestion.latest_index import load_latest_versions
from ingestion.validation import (
    detect_drift,
    duplicate_rank_sql,
    kept_row_sql,
    match_columns,
    row_hash_sql,
    source_pk_sql,
    typed_select_sql,
)
from yecai.errors import YecaiError
from yecai.privacy.keys import Key
from yecai.privacy.lake_crypto import copy_options

META_INPUT = ("_row_number", "_src_deleted")
# Optional input column (file and text extracts): why a row could not be read as it stands
# (another encoding, too many values, a huge value); such a row is quarantined with it.
READ_FAULT = "_read_fault"


@dataclass
class Outcome:
    rows_read: int = 0
    rows_landed: int = 0
    rows_quarantined: int = 0
    rows_unchanged: int = 0
    rows_deleted: int = 0
    watermark: str | None = None
    added_columns: list[str] = field(default_factory=list)
    columns_missing: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    raw_files: list[Path] = field(default_factory=list)
    quarantine_files: list[Path] = field(default_factory=list)
    schema: list[dict] = field(default_factory=list)
    reasons: dict[str, int] = field(default_factory=dict)
    drift: list[dict] = field(default_factory=list)
    # Rows landed with a missing reference: reason → their _source_pk values.
    warnings: dict[str, list[str]] = field(default_factory=dict)
    warning_codes: dict[str, str] = field(default_factory=dict)  # reason -> code


# A connector that streams from its source also defines this view: the rows of ``extract``
# without ``_row_number``, whose window would make every scan of it single-threaded.
STREAM_VIEW = "extract_stream"


def stream_relation(con: duckdb.DuckDBPyConnection) -> str:
    """What the passes that need no row numbers read: ``extract_stream`` or ``extract``."""
    # A session variable, set by the connector: asking duckdb_views() instead walks the
    # attached source's catalogue (~40 ms a batch).
    found = con.execute(f"select getvariable('{STREAM_VIEW}')").fetchone()[0]
    return STREAM_VIEW if found else "extract"


def count_rows(con: duckdb.DuckDBPyConnection) -> int:
    # Over ``extract``, not the stream view: DuckDB's MySQL scanner fails to bind a bare
    # count(*) over a view of its table (an internal error); the window avoids that path.
    return con.execute("select count(*) from extract").fetchone()[0]


def source_column_types(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """The source's columns in ``extract`` (name → DuckDB type), meta inputs left out."""
    rows = con.execute("describe extract").fetchall()
    return {r[0]: r[1] for r in rows if r[0] not in (*META_INPUT, READ_FAULT)}


def has_read_faults(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether ``extract`` carries ``_read_fault`` (only text extracts with faults do)."""
    return READ_FAULT in {r[0] for r in con.execute("describe extract").fetchall()}


def extract_columns(con: duckdb.DuckDBPyConnection) -> list[str]:
    return list(source_column_types(con))


def process_batch(
    con: duckdb.DuckDBPyConnection,
    *,
    paths,
    contract: Contract,
    batch_id: str,
    extracted_at: datetime,
    stage: Stage,
    previous_watermark: str | None,
    source_keys_table: str | None = None,
    dedupe_quarantine: bool = True,
    rows_in: int | None = None,
    key: Key | None = None,
) -> Outcome:
    """Validate ``extract`` against ``contract`` and stage what lands and what is quarantined.

    ``extract`` may be a view over the source (read as it streams) or a table. Clean rows
    are written by one streaming pass (``ingestion.clean_pass``); only the rows it cannot
    decide alone are materialised and go through the full rules below ("the side").
    ``rows_in`` is ``count(*)`` of ``extract`` when the caller has it already. Files are
    written encrypted with ``key`` (the entity's lake key, ``lake_encryption.write_key``) or,
    when it is None, in clear.
    """
    out = Outcome()
    source_types = source_column_types(con)
    source_columns = list(source_types)
    drift = detect_drift(source_columns, contract, ignore=set())
    mapping = match_columns(source_columns, contract)
    out.added_columns = list(drift.added)
    out.columns_missing = list(drift.missing)
    if drift.missing and contract.on_drift == "fail_batch":
        raise YecaiError(
            f"schema drift in {contract.source}.{contract.entity}: {drift.describe(contract)}",
            "update the contract (ingestion/contracts/"
            f"{contract.source}/{contract.entity}.yml) or fix the source, then run again",
        )
    out.drift = [c.as_dict() for c in drift.changes]
    business = contract.column_names + list(drift.added)
    if rows_in is None:
        rows_in = count_rows(con)
    relation = stream_relation(con)
    faults = has_read_faults(con)
    meta_input = [*META_INPUT, READ_FAULT] if faults else list(META_INPUT)

    load_latest_versions(con, paths, contract.source, contract.entity, key)
    # Nothing landed or quarantined before (a first load): every clean row lands and every
    # broken row is quarantined, no anti-join against the lake needed.
    first_load = con.execute(
        "select (select count(*) from lake_latest) + (select count(*) from quarantine_seen) = 0"
    ).fetchone()[0]
    ts = extracted_at.strftime("%Y-%m-%d %H:%M:%S.%f")

    # 1. The streaming pass: clean rows, straight to part-0 (none when a contract column is
    #    missing: then every row carries the drift reason and is quarantined).
    fast: CleanPass | None = None
    main_file = stage.raw / "part-0.parquet"
    landed_main = 0
    if not drift.missing and rows_in:
        repeated = load_repeated_keys(con, contract, mapping, relation)
        fast = CleanPass(contract, mapping, drift.added, source_types, repeated, faults)
        with no_filter_pushdown(con):
            landed_main = _copy_to(
                con,
                fast.landed_sql(contract.source, batch_id, ts, first_load, relation),
                main_file,
                key,
            )

    # 2. The side: every row the streaming pass did not take, by the full rules. On a first
    #    load the stream wrote every eligible row, so the side holds the other
    #    rows_in - landed_main rows and is skipped when there are none. Later runs also
    #    skip unchanged rows in the stream, so the side's size is known only by looking:
    #    it always runs (usually over a small incremental read, copied into a table).
    side = fast is None or not first_load or rows_in > landed_main
    stats: dict[str, tuple[int, int, int]] = {}
    side_landed = quarantined = 0
    if side:
        source_table = "extract"
        if fast is not None:
            with no_filter_pushdown(con):
                con.execute(
                    "create or replace temp table side_extract as "
                    + fast.side_sql([*source_columns, *meta_input])
                )
            source_table = "side_extract"
        stats = _full_path(
            con, contract, mapping, drift, source_table, first_load, dedupe_quarantine, faults
        )
        if source_table == "side_extract":
            con.execute("drop table side_extract")
        side_landed = con.execute("select count(*) from to_land").fetchone()[0]
        quarantined = con.execute("select count(*) from to_quarantine").fetchone()[0]
    _check_retyped(contract, _with_fast_rows(con, stats, fast, relation), out)
    _check_text_numbers(contract, stats, out)

    landed_rows = landed_main + side_landed
    main_scan = scan(con, paths, main_file) if landed_main else None
    out.warnings = _warnings(con, contract, main_scan, side)
    # every warning is a warn_if_null blank: its code, for stages that classify warnings
    out.warning_codes = {reason: "missing_reference" for reason in out.warnings}
    out.rows_unchanged = rows_in - landed_rows - quarantined
    out.watermark = _watermark(
        con,
        contract,
        previous_watermark,
        fast,
        main_scan,
        side,
        first_load,
        relation,
    )

    tombstones = _tombstones(con, paths, contract, source_keys_table)
    out.rows_deleted = tombstones
    out.rows_landed = landed_rows + tombstones
    out.rows_quarantined = quarantined
    out.rows_read = landed_rows + quarantined + tombstones
    if landed_main:
        out.raw_files.append(main_file)
    else:
        main_file.unlink(missing_ok=True)  # a COPY of no rows still writes a file
    if out.rows_read == 0:
        return out

    meta = (
        f"'{sql_str(contract.source)}' as _source_system, _source_pk, "
        f"'{sql_str(batch_id)}' as _batch_id, timestamp '{ts}' as _extracted_at, "
        "_row_hash, _is_deleted"
    )
    cols = ", ".join(ident(c) for c in business)
    parts = []
    if side_landed:
        parts.append(
            f"select {cols}, _source_pk, _row_hash, _src_deleted as _is_deleted from to_land"
        )
    if tombstones:
        fill = ", ".join(
            ident(c) if c in _columns(con, "deleted_latest") else f"null as {ident(c)}"
            for c in business
        )
        parts.append(
            f"select {fill}, _source_pk, _row_hash, true as _is_deleted "
            "from deleted_latest where _source_pk in (select _source_pk from gone)"
        )
    if parts:
        side_file = stage.raw / "part-1.parquet"
        _copy_to(con, f"select {cols}, {meta} from ({' union all '.join(parts)})", side_file, key)
        out.raw_files.append(side_file)
    out.raw_files = _one_file(con, paths, out.raw_files, key)
    if out.raw_files:
        out.schema = [
            {"name": r[0], "type": r[1]}
            for r in con.execute(
                f"describe select * from {scan(con, paths, out.raw_files[0])}"
            ).fetchall()
        ]
    if quarantined:
        raw_cols = [f"_raw_{i}" for i in range(len(contract.columns))]
        q_file = stage.quarantine / "part-0.parquet"
        q_cols = [
            f"{ident(raw_cols[i])} as {ident(name)}" for i, name in enumerate(contract.column_names)
        ] + [f"cast({ident(c)} as varchar) as {ident(c)}" for c in drift.added]
        con.execute(
            f"copy (select {', '.join(q_cols)}, array_to_string(_reasons, '; ') as _reason, "
            "array_to_string(_reason_codes, '; ') as _reason_code, "
            f"_raw_pk as _source_pk, '{sql_str(batch_id)}' as _batch_id, _row_number, "
            f"_raw_hash as _row_hash from to_quarantine order by _row_number) "
            f"to '{sql_str(str(q_file))}' (format parquet, compression zstd{copy_options(con, key)})"
        )
        out.quarantine_files.append(q_file)
        out.reasons = _reason_counts(con)
    return out


def _copy_to(
    con: duckdb.DuckDBPyConnection, select_sql: str, path: Path, key: Key | None = None
) -> int:
    """Write a SELECT to one zstd Parquet file (encrypted with ``key``); the rows written."""
    return con.execute(
        f"copy ({select_sql}) to '{sql_str(str(path))}' "
        f"(format parquet, compression zstd{copy_options(con, key)})"
    ).fetchone()[0]


def _one_file(
    con: duckdb.DuckDBPyConnection, paths, files: list[Path], key: Key | None = None
) -> list[Path]:
    """The batch's raw rows as one ``part-0.parquet``: the streaming pass's file and the
    side's (rows it landed, tombstones) are merged when both exist.

    Readers see one file per batch, as before. Both files hold few rows in the cases that
    make two (a rerun's changes, a first load with duplicate keys), except a first load
    where a few rows of a big table break the contract: then part-0 is copied once more.
    """
    if len(files) < 2:
        return files
    merged = files[0].with_name("part-merged.parquet")
    _copy_to(con, f"select * from {scan(con, paths, files, union_by_name='true')}", merged, key)
    for f in files:
        f.unlink()
    merged.rename(files[0])
    return [files[0]]


def _full_path(
    con,
    contract: Contract,
    mapping,
    drift,
    source_table: str,
    first_load: bool,
    dedupe: bool,
    read_faults: bool = False,
) -> dict[str, tuple[int, int, int]]:
    """The full rules over ``source_table``: tables or views ``checked``, ``to_land`` and
    ``to_quarantine``; returns the per-column stats of the rows it saw."""
    con.execute(
        "create or replace temp table typed as "
        + typed_select_sql(contract, mapping, drift.added, source_table, read_faults)
    )
    stats = _column_stats(con, contract, mapping)
    business = contract.column_names + list(drift.added)
    raw_cols = [f"_raw_{i}" for i in range(len(contract.columns))]
    pk_idx = [contract.column_names.index(k) for k in contract.primary_key]
    raw_pk = (
        ident(raw_cols[pk_idx[0]])
        if len(pk_idx) == 1
        # a blank part stays visible as an empty slot: '|2025-03', not '2025-03'
        else " || '|' || ".join(f"coalesce({ident(raw_cols[i])}, '')" for i in pk_idx)
    )
    raw_hash = row_hash_sql(raw_cols + list(drift.added))
    # Clean rows are ranked by key (duplicates), broken rows by content (repeats). Only the
    # clean rows whose key occurs more than once are ranked.
    keys = ", ".join(ident(k) for k in contract.primary_key)
    same_key = " and ".join(f"t.{ident(k)} = d.{ident(k)}" for k in contract.primary_key)
    con.execute(
        f"""
        create or replace temp table checked as
        with repeated_keys as (
            select {keys} from typed where len(_reasons) = 0
            group by all having count(*) > 1
        ),
        repeated_ranked as (
            select t._row_number as _repeat_row,
                {duplicate_rank_sql(contract)} as _rank,
                {kept_row_sql(contract)} as _first
            from typed t semi join repeated_keys d on {same_key}
            where len(t._reasons) = 0
        ),
        clean as (
            select t.*,
                {source_pk_sql(contract)} as _source_pk,
                {raw_pk} as _raw_pk,
                {row_hash_sql(business)} as _row_hash,
                coalesce(r._rank, 1) as _rank,
                coalesce(r._first, t._row_number) as _first
            from typed t left join repeated_ranked r on r._repeat_row = t._row_number
            where len(t._reasons) = 0
        ),
        broken_hashed as (
            select *,
                {source_pk_sql(contract)} as _source_pk,
                {raw_pk} as _raw_pk,
                null::varchar as _row_hash,
                {raw_hash} as _raw_hash
            from typed where len(_reasons) > 0
        ),
        broken as (
            select *,
                row_number() over (partition by _raw_hash order by _row_number) as _rank,
                min(_row_number) over (partition by _raw_hash) as _first
            from broken_hashed
        )
        select * exclude (_reasons, _reason_codes, _rank, _first),
            case when _rank > 1
                 then ['duplicate primary key within the batch (row ' || _first || ' kept)']
                 else _reasons end as _reasons,
            case when _rank > 1 then ['duplicate_row'] else _reason_codes end as _reason_codes,
            -- only the copies that go to quarantine need the hash of their raw text
            case when _rank > 1 then {raw_hash} end as _raw_hash
        from clean
        union all by name
        select * exclude (_reasons, _reason_codes, _rank, _first),
            case when _rank > 1
                 then list_append(_reasons, 'duplicate row within the batch (same as row '
                                  || _first || ')')
                 else _reasons end as _reasons,
            case when _rank > 1 then list_append(_reason_codes, 'duplicate_row')
                 else _reason_codes end as _reason_codes
        from broken
        """
    )
    con.execute("drop table typed")
    if first_load:
        con.execute(
            "create or replace temp view to_land as select * from checked where len(_reasons) = 0"
        )
        con.execute(
            "create or replace temp view to_quarantine as "
            "select * from checked where len(_reasons) > 0"
        )
    else:
        _select_changed(con, dedupe)
    return stats


def _with_fast_rows(
    con, stats: dict[str, tuple[int, int, int]], fast: CleanPass | None, relation: str
) -> dict[str, tuple[int, int, int]]:
    """Side stats completed with the streaming pass's rows, where that changes the verdict.

    A column is retyped when none of its values cast and at least two are not blank. Every
    row the streaming pass took is clean, so its non-blank values all cast: one of them in
    a column is enough to clear it. Only a column whose side values all failed needs
    that count, so it is taken only then (rarely: a retyped column).
    """
    if fast is None:
        return stats
    out = dict(stats)
    for name, (nonnull, typed, thousands) in stats.items():
        if nonnull >= 2 and typed == 0:
            with no_filter_pushdown(con):
                more = con.execute(fast.typed_count_sql(name, relation)).fetchone()[0]
            out[name] = (nonnull + more, typed + more, thousands)
    return out


def _select_changed(con, dedupe_quarantine: bool) -> None:
    """Tables ``to_land`` and ``to_quarantine``: the rows of ``checked`` that are news."""
    # Clean rows: land unless the lake's latest version of the key is this very row.
    con.execute(
        """
        create or replace temp table to_land as
        select c.* from checked c
        left join lake_latest l on l._source_pk = c._source_pk
        where len(c._reasons) = 0
          and (l._source_pk is null or l._row_hash <> c._row_hash
               or l._is_deleted <> c._src_deleted)
        """
    )
    # Broken rows: quarantine unless this exact row was already quarantined since the
    # key last landed (a look-back re-read must not count the same defect twice).
    # Files are never re-read, so each file's defects count afresh (dedupe_quarantine off).
    seen_filter = (
        """
          and not exists (
              select 1 from quarantine_seen q
              where q._source_pk is not distinct from c._raw_pk and q._row_hash = c._raw_hash
                and (l._batch_id is null or q._batch_id >= l._batch_id))"""
        if dedupe_quarantine
        else ""
    )
    con.execute(
        f"""
        create or replace temp table to_quarantine as
        select c.* from checked c
        left join lake_latest l on l._source_pk = c._raw_pk
        where len(c._reasons) > 0 {seen_filter}
        """
    )


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    return {r[0] for r in con.execute(f"describe {table}").fetchall()}


def _tombstones(con, paths, contract: Contract, source_keys_table: str | None) -> int:
    """Keys live in the lake but gone from the source's current key set → tombstone rows."""
    if source_keys_table is None:
        return 0
    con.execute(
        f"""
        create or replace temp table gone as
        select l._source_pk from lake_latest l
        where not l._is_deleted
          -- an anti-join, not NOT IN: a NULL key at the source must not hide every delete
          and not exists (select 1 from {source_keys_table} k where k._source_pk = l._source_pk)
        """
    )
    count = con.execute("select count(*) from gone").fetchone()[0]
    if count:
        load_latest_rows(con, paths, contract.source, contract.entity, "gone")
    return count


def _watermark(
    con,
    contract: Contract,
    previous: str | None,
    fast: CleanPass | None,
    main_scan: str | None,
    side: bool,
    first_load: bool,
    relation: str,
) -> str | None:
    """Greatest cursor value read (landed, quarantined or unchanged), never below the
    previous one. On a first load the streaming pass's rows are all in ``main_scan`` (a
    scan of its file);
    later some were skipped as unchanged, so the cursor is read from ``extract`` again."""
    if not contract.cursor:
        return previous
    cursor = ident(contract.cursor)
    ctype = contract.column(contract.cursor).type
    parts = [f"try_cast('{sql_str(previous)}' as {ctype})" if previous else f"null::{ctype}"]
    if side:
        parts.append(f"(select max({cursor}) from checked)")
    if fast is not None:
        if first_load:
            if main_scan is not None:
                parts.append(f"(select max({cursor}) from {main_scan})")
        else:
            parts.append(f"({fast.max_cursor_sql(relation)})")
    value = con.execute(f"select cast(greatest({', '.join(parts)}) as varchar)").fetchone()[0]
    return value if value is not None else previous


def _column_stats(
    con, contract: Contract, mapping: dict[str, str]
) -> dict[str, tuple[int, int, int]]:
    """Per typed contract column fed by the source: (non-blank raw values, values that cast,
    values written with thousands separators), all counted in one scan of ``typed``."""
    from ingestion.validation import THOUSANDS_RE

    checked = [
        (i, col)
        for i, col in enumerate(contract.columns)
        if col.type != "varchar" and col.name in mapping
    ]
    if not checked:
        return {}
    parts = []
    for i, col in checked:
        raw = ident(f"_raw_{i}")
        parts += [
            f"count(nullif(trim({raw}), ''))",
            f"count({ident(col.name)})",
            f"count_if(regexp_matches(trim({raw}), '{THOUSANDS_RE}'))",
        ]
    row = con.execute(f"select {', '.join(parts)} from typed").fetchone()
    return {col.name: tuple(row[3 * k : 3 * k + 3]) for k, (_i, col) in enumerate(checked)}


def _check_retyped(
    contract: Contract, stats: dict[str, tuple[int, int, int]], out: Outcome
) -> None:
    """A contract column none of whose (2+) values cast any more has been retyped at source."""
    for col in contract.columns:
        if col.name not in stats:
            continue
        nonnull, typed, _thousands = stats[col.name]
        if nonnull >= 2 and typed == 0:
            problem = (
                f"schema drift in {contract.source}.{contract.entity}: column {col.name} "
                f"no longer holds {col.type} values (none of {nonnull} values cast)"
            )
            if contract.on_drift == "fail_batch":
                raise YecaiError(problem, "update the contract's type or fix the source")
            out.drift.append(
                {
                    "change": "retyped",
                    "columns": [col.name],
                    "detail": problem + "; rows quarantined",
                }
            )


def _warnings(con, contract: Contract, main_scan: str | None, side: bool) -> dict[str, list[str]]:
    """Landed rows whose warn_if_null column is blank: reason → keys (a missing reference).

    Landed rows are the streaming pass's file (``main_scan``) and the side's ``to_land``
    (not tombstones).
    """
    out = {}
    for col in contract.columns:
        if not col.warn_if_null:
            continue
        blank = f"nullif(trim(cast({ident(col.name)} as varchar)), '') is null"
        sources = []
        if main_scan is not None:
            sources.append(f"select _source_pk from {main_scan} where {blank}")
        if side:
            sources.append(f"select _source_pk from to_land where {blank}")
        if not sources:
            continue
        keys = [
            r[0]
            for r in con.execute(
                f"select _source_pk from ({' union all '.join(sources)}) order by _source_pk"
            ).fetchall()
        ]
        if keys:
            out[f"missing reference: {col.name} is empty"] = keys
    return out


def _check_text_numbers(
    contract: Contract, stats: dict[str, tuple[int, int, int]], out: Outcome
) -> None:
    """Numbers that arrive as text with thousands separators: read, and reported as a retype."""
    from ingestion.validation import DriftChange

    hits = [c.name for c in contract.columns if c.name in stats and stats[c.name][2]]
    if hits:
        out.drift.append(
            DriftChange(
                "retyped",
                tuple(hits),
                f"column(s) {', '.join(hits)} arrive as text with thousands separators "
                "(e.g. '12,345.60'); read as numbers",
            ).as_dict()
        )


def _reason_counts(con) -> dict[str, int]:
    rows = con.execute(
        """
        select regexp_replace(r, '''.*''', '''…''') as reason, count(*)
        from (select unnest(_reasons) as r from to_quarantine)
        group by 1 order by 2 desc
        """
    ).fetchall()
    return {r: n for r, n in rows}
