"""Fill the batch's ``extract`` table from each kind of source (thin I/O around connectors)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb
import pyarrow as pa

from ingestion.config import EntityConfig, SourceConfig
from ingestion.connectors import files as files_conn
from ingestion.connectors import rest as rest_conn
from ingestion.connectors import sql as sql_conn
from ingestion.contract import Contract, suggest
from ingestion.process import READ_FAULT, STREAM_VIEW
from ingestion.validation import match_columns
from yecai.errors import YecaiError


def _cursor(contract: Contract, entity: EntityConfig) -> str | None:
    return entity.cursor or contract.cursor


def require_columns(
    mapping: dict[str, str],
    table_columns: list[str],
    contract: Contract,
    source: SourceConfig,
    entity: EntityConfig,
    cursor: str | None,
) -> None:
    """The live table has the cursor and key columns, or the batch fails naming the one it lacks.

    Without the cursor the read would silently become a full extraction every time, without a
    key column deletes could not be found: both are configuration mistakes to fix, not to guess
    around.
    """
    wanted = ([cursor] if cursor else []) + list(contract.primary_key)
    for column in wanted:
        if column in mapping:
            continue
        what = "cursor" if column == cursor else "key column"
        raise YecaiError(
            f"{source.name}.{entity.name}: {what} {column!r} is not a column of table "
            f"{entity.target}{suggest(column, table_columns)} (it has {', '.join(table_columns)})",
            f"fix the {what} in {source.contracts_root / source.name / (entity.name + '.yml')} "
            f"or in {source.where} (sources.{source.name}.entities.{entity.name})",
        )


def extract_from_sql(
    con: duckdb.DuckDBPyConnection,
    source: SourceConfig,
    entity: EntityConfig,
    contract: Contract,
    watermark: str | None,
    key_set: bool = True,
) -> tuple[str | None, list[str]]:
    """Rows changed since the watermark (minus look-back) → ``extract``; key set → ``source_keys``.

    A full read (first load, full refresh) makes ``extract`` a view over the attached
    source, so the batch streams from the source to Parquet without a copy in between; the
    source then stays attached until the connection closes. An incremental read is small
    and scanned several times, so it is copied into a table and the source detached.
    ``key_set=False`` skips reading the key set (nothing landed yet, so nothing can be deleted).
    Returns (name of the key-set table or None, notes).
    """
    sql_conn.attach(con, source.url(), source.name)
    streaming = False
    try:
        ref = sql_conn.table_ref(con, entity.target, source.name)
        types = sql_conn.column_types(con, ref)
        mapping = match_columns(list(types), contract)
        cursor = _cursor(contract, entity)
        require_columns(mapping, list(types), contract, source, entity, cursor)
        cursor_src = mapping.get(cursor) if cursor else None
        ctype = contract.column(cursor).type if cursor in contract.column_names else None
        bound = sql_conn.lower_bound(watermark, ctype or "", source.lookback_days)
        streaming = bound is None
        con.execute(
            f"create or replace temp {'view' if streaming else 'table'} extract as "
            + sql_conn.extract_sql(ref, cursor_src, types.get(cursor_src or ""), bound, ctype)
        )
        if streaming:
            con.execute(
                f"create or replace temp view {STREAM_VIEW} as "
                f"select *, false as _src_deleted from {ref}"
            )
            con.execute(f"set variable {STREAM_VIEW} = true")
        keys_table = None
        if key_set and entity.detect_deletes and all(k in mapping for k in contract.primary_key):
            con.execute(
                "create or replace temp table source_keys as "
                + sql_conn.source_keys_sql(
                    ref,
                    [mapping[k] for k in contract.primary_key],
                    [contract.column(k).type for k in contract.primary_key],
                )
            )
            keys_table = "source_keys"
        notes = (
            [] if bound is None else [f"read rows with {cursor} ≥ {bound} (watermark − look-back)"]
        )
        return keys_table, notes
    finally:
        if not streaming:
            con.execute(f"detach {sql_conn.SOURCE_ALIAS}")


def load_text_rows(
    con: duckdb.DuckDBPyConnection,
    header: list[str],
    rows: list[tuple[int, list[str | None]]],
    deleted: list[bool] | None = None,
    faults: dict[int, str] | None = None,
) -> None:
    """Text rows (from an API or a file) → ``extract`` with every column as varchar.

    ``faults`` (row number → reason) become the column ``_read_fault``: rows that could not
    be read as they stand, quarantined with that reason (ingestion.process).
    """
    columns = {name: [r[1][i] for r in rows] for i, name in enumerate(header)}
    columns["_row_number"] = [r[0] for r in rows]
    columns["_src_deleted"] = deleted if deleted is not None else [False] * len(rows)
    fields = [pa.field("_row_number", pa.int64()), pa.field("_src_deleted", pa.bool_())]
    if faults:
        columns[READ_FAULT] = [faults.get(r[0]) for r in rows]
        fields.append(pa.field(READ_FAULT, pa.string()))
    schema = pa.schema([pa.field(n, pa.string()) for n in header] + fields)
    table = pa.table(columns, schema=schema)
    con.register("extract_arrow", table)
    con.execute("create or replace temp table extract as select * from extract_arrow")
    con.unregister("extract_arrow")


def extract_from_rest(
    con: duckdb.DuckDBPyConnection,
    source: SourceConfig,
    entity: EntityConfig,
    contract: Contract,
    watermark: str | None,
    on_rows: Callable[[int], None] | None = None,
) -> tuple[None, list[str]]:
    """Records changed since the watermark (minus look-back) → ``extract``.

    Every page is read before anything is staged: a paging fault on page 9 fails the
    batch, it never lands the first 8 pages as if they were all.
    """
    settings = entity.rest
    if settings is None:
        raise YecaiError(
            f"{source.name}.{entity.name}: REST source without rest: settings",
            "add the source's rest: settings (auth, records_path, paginator) to sources.yml",
        )
    since = sql_conn.lower_bound(watermark, "timestamp", source.lookback_days)
    if settings.incremental is None:
        since = None  # the API cannot be asked for changes: read everything, hashes tell
    records = list(
        rest_conn.fetch_records(
            settings,
            source.url(),
            entity.target,
            since,
            on_page=on_rows,
            url_env=source.url_env,
        )
    )
    header: list[str] = []
    for rec in records:
        for key in rec:
            if key != settings.deleted_field and key not in header:
                header.append(key)
    if not records:
        header = contract.column_names
    rows = [
        (n, [rest_conn.to_text(rec.get(k)) for k in header])
        for n, rec in enumerate(records, start=1)
    ]
    deleted = [rest_conn.is_deleted(rec, settings) for rec in records]
    load_text_rows(con, header, rows, deleted)
    notes = []
    if since and settings.incremental:
        shown = rest_conn.format_since(since, settings.incremental.format)
        notes.append(f"read records with {settings.incremental.param}={shown}")
    return None, notes


def extract_from_file(
    con: duckdb.DuckDBPyConnection, path: Path, contract: Contract
) -> tuple[None, list[str]]:
    """One export file → ``extract``; its quirks handled are returned as notes."""
    table = files_conn.read_export(path, contract)
    header, rows, faults = table.header, table.rows, dict(table.faults)
    for column, value in files_conn.filename_fields(path, contract).items():
        inside = match_columns(header, contract).get(column)
        if inside is None:
            header = [*header, column]
            rows = [(n, [*vals, value]) for n, vals in rows]
            continue
        # The file carries the column too: a row that disagrees with the name (a copy of
        # another period's export, renamed) is quarantined, never landed under either.
        i = header.index(inside)
        for n, vals in rows:
            if vals[i] is not None and vals[i].strip() != value:
                why = f"column {column} is {vals[i].strip()!r} but the file name says {value!r}"
                faults[n] = f"{faults[n]}; {why}" if n in faults else why
    load_text_rows(con, header, rows, faults=faults)
    notes = list(table.notes)
    if table.encoding:
        notes.insert(0, f"{path.name}: encoding {table.encoding}")
    return None, notes
