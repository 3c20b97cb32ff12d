"""Asking a source what an entity looks like, to draft its contract (thin I/O).

- SQL: the database's own catalogue (SQLite ``pragma table_info``, PostgreSQL ``pg_catalog``,
  MariaDB/MySQL ``information_schema``): declared types, NOT NULL, the primary key.
- Files: the newest export matching the entity, read by the files connector (any encoding
  it handles, XLSX title rows and two-row headers), its header and a sample of rows.
- REST: the first page of the entity's endpoint, read with the source's rest: settings.

``draft_contracts`` writes each draft where the source's configuration says contracts live,
never over an existing contract unless asked to.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ingestion.config import EntityConfig, SourceConfig
from ingestion.connectors import files as files_conn
from ingestion.connectors import rest as rest_conn
from ingestion.connectors.sql import parse_sql_url, redact
from ingestion.contract import Contract, contract_path
from ingestion.contract_draft import (
    ColumnDraft,
    Draft,
    column_name,
    file_pattern,
    json_type,
    key_candidates,
    render,
    sql_type,
    text_type,
)
from yecai.errors import YecaiError

SAMPLE_ROWS = 1000


@dataclass(frozen=True)
class DraftOutcome:
    entity: str
    path: Path
    written: bool
    message: str


def draft_contracts(
    config: dict[str, SourceConfig],
    source: str,
    entity: str | None = None,
    force: bool = False,
) -> list[DraftOutcome]:
    """Draft the contract of one entity, or of every configured entity of ``source``."""
    if source not in config:
        raise YecaiError(
            f"unknown source {source!r}", f"use one of: {', '.join(config) or '(none configured)'}"
        )
    src = config[source]
    if entity is not None and entity not in src.entities:
        raise YecaiError(
            f"source {source!r} has no entity {entity!r} in its configuration",
            f"add it under {source}.entities in sources.yml (with its table, endpoint or "
            f"files), or use one of: {', '.join(src.entities)}",
        )
    chosen = [src.entities[entity]] if entity else list(src.entities.values())
    out = []
    for ent in chosen:
        path = contract_path(src.name, ent.name, src.contracts_root)
        if path.exists() and not force:
            out.append(DraftOutcome(ent.name, path, False, "exists; kept (--force overwrites)"))
            continue
        draft = draft_entity(src, ent)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render(draft), encoding="utf-8")
        todo = "" if draft.primary_key else "; primary key TODO"
        out.append(
            DraftOutcome(
                ent.name, path, True, f"{len(draft.columns)} columns from {draft.origin}{todo}"
            )
        )
    return out


def draft_entity(source: SourceConfig, entity: EntityConfig) -> Draft:
    if source.kind == "sql":
        return draft_from_sql(source, entity)
    if source.kind == "files":
        return draft_from_files(source, entity)
    return draft_from_rest(source, entity)


# --- SQL ------------------------------------------------------------------------------------


def draft_from_sql(source: SourceConfig, entity: EntityConfig) -> Draft:
    url = source.url()
    dialect, _target = parse_sql_url(url)
    reader = {"sqlite": _sqlite_catalogue, "postgresql": _pg_catalogue, "mysql": _mysql_catalogue}
    try:
        columns, key = reader[dialect](url, entity.target)
    except YecaiError:
        raise
    except Exception as exc:  # noqa: BLE001 — the driver's own error, named and redacted
        raise YecaiError(
            f"source {source.name!r}: cannot read the catalogue of {entity.target!r} at "
            f"{redact(url)}: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}",
            "check the database is running and the URL in the environment is right",
        ) from exc
    if not columns:
        raise YecaiError(
            f"source {source.name!r}: table {entity.target!r} not found at {redact(url)}",
            f"check the table name of {source.name}.{entity.name} in sources.yml",
        )
    drafts = []
    for name, native, nullable in columns:
        ctype, note = sql_type(native)
        drafts.append(
            ColumnDraft(
                name=name,
                type=ctype,
                nullable=nullable and name not in key,
                note=note,
            )
        )
    return Draft(
        source=source.name,
        entity=entity.name,
        origin=f"the {dialect} catalogue of table {entity.target}",
        columns=drafts,
        primary_key=list(key),
        notes=[] if key else [f"table {entity.target} declares no primary key"],
    )


Catalogue = tuple[list[tuple[str, str, bool]], list[str]]


def _sqlite_catalogue(url: str, table: str) -> Catalogue:
    _dialect, path = parse_sql_url(url)
    if not Path(path).is_file():
        raise YecaiError(f"SQLite database {path} does not exist", "check the source's URL")
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = con.execute(f"pragma table_info('{table.replace(chr(39), chr(39) * 2)}')").fetchall()
    finally:
        con.close()
    columns = [(r[1], r[2] or "", not r[3]) for r in rows]
    key = [r[1] for r in sorted((r for r in rows if r[5]), key=lambda r: r[5])]
    return columns, key


def _pg_catalogue(url: str, table: str) -> Catalogue:
    import psycopg

    _dialect, conninfo = parse_sql_url(url)
    with psycopg.connect(conninfo) as con:
        found = con.execute("select to_regclass(%s)::oid", (table,)).fetchone()[0]
        if found is None:
            return [], []
        rows = con.execute(
            """select a.attname, format_type(a.atttypid, a.atttypmod), not a.attnotnull
               from pg_attribute a
               where a.attrelid = %s and a.attnum > 0 and not a.attisdropped
               order by a.attnum""",
            (found,),
        ).fetchall()
        key = con.execute(
            """select a.attname
               from pg_index i
               cross join lateral unnest(i.indkey) with ordinality as k(attnum, position)
               join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum
               where i.indrelid = %s and i.indisprimary
               order by k.position""",
            (found,),
        ).fetchall()
    return [(r[0], r[1], bool(r[2])) for r in rows], [r[0] for r in key]


def _mysql_catalogue(url: str, table: str) -> Catalogue:
    import pymysql

    parts = urlsplit(url)
    con = pymysql.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 3306,
        user=unquote(parts.username or "root"),
        password=unquote(parts.password or ""),
        database=parts.path.lstrip("/") or None,
    )
    try:
        with con.cursor() as cur:
            cur.execute(
                """select column_name, column_type, is_nullable = 'YES', column_key
                   from information_schema.columns
                   where table_schema = database() and table_name = %s
                   order by ordinal_position""",
                (table,),
            )
            rows = cur.fetchall()
            cur.execute(
                """select column_name from information_schema.key_column_usage
                   where table_schema = database() and table_name = %s
                     and constraint_name = 'PRIMARY'
                   order by ordinal_position""",
                (table,),
            )
            key = [r[0] for r in cur.fetchall()]
    finally:
        con.close()
    return [(r[0], r[1], bool(r[2])) for r in rows], key


# --- files ----------------------------------------------------------------------------------


def draft_from_files(source: SourceConfig, entity: EntityConfig) -> Draft:
    folder = source.path
    pattern = f"{entity.name}*"
    files = (
        sorted(
            (p for p in folder.glob(pattern) if p.is_file() and not p.name.startswith(".")),
            key=lambda p: p.stat().st_mtime,
        )
        if folder is not None and folder.is_dir()
        else []
    )
    if not files:
        raise YecaiError(
            f"source {source.name!r}: no file matching {pattern} in {folder} to draft "
            f"{entity.name} from",
            "drop one export of it there (named like the entity), then draft again",
        )
    sample = files[-1]
    table = _read_sample(sample, source.name, entity.name)
    rows = [values for _n, values in table.rows[:SAMPLE_ROWS]]
    columns = []
    for i, header in enumerate(table.header):
        name, ascii_name = column_name(header, i + 1)
        ctype, note = text_type(r[i] for r in rows)
        if not ascii_name:
            note = f"header {header!r}: give it an English name here and in header_map"
        columns.append(ColumnDraft(name, ctype, True, note, source_name=header))
    names = [c.name for c in columns]
    _unique(names, sample.name)
    notes = [f"sample: {sample.name} ({len(rows)} rows{_encoding(table)})", *table.notes]
    return Draft(
        source=source.name,
        entity=entity.name,
        origin=f"the export {sample.name}",
        columns=columns,
        key_candidates=key_candidates(names, rows),
        file_pattern=file_pattern(sample.name),
        notes=notes,
    )


def _read_sample(path: Path, source: str, entity: str):
    """Read with the files connector; the header row is found as it finds known headers:
    the first row (of the first few) whose cells are all filled with text."""
    probe = Contract(source=source, entity=entity, columns=(), primary_key=())
    first = files_conn.read_export(path, probe)
    # flatten_header names a blank header cell column_<n>: blank again for the search.
    top = [None if re.fullmatch(r"column_\d+", h) else h for h in first.header]
    grid = [top] + [values for _n, values in first.rows[: files_conn.HEADER_SCAN_ROWS]]
    widest = max(sum(1 for c in row if c) for row in grid)
    for row in grid:
        cells = [c for c in row if c]
        if len(cells) == widest and all(not _looks_numeric(c) for c in cells):
            known = Contract(
                source=source,
                entity=entity,
                columns=(),
                primary_key=(),
                header_map={c.strip(): c.strip() for c in cells},
            )
            return files_conn.read_export(path, known)
    return first


def _looks_numeric(text: str) -> bool:
    return text.replace(".", "", 1).replace("-", "", 1).replace(",", "").strip().isdigit()


def _encoding(table) -> str:
    return f", encoding {table.encoding}" if table.encoding else ""


def _unique(names: list[str], where: str) -> None:
    seen = set()
    for n in names:
        if n in seen:
            raise YecaiError(
                f"{where}: two headers become the column name {n!r}",
                "rename one of them in the export, or write this contract by hand",
            )
        seen.add(n)


# --- REST -----------------------------------------------------------------------------------


def draft_from_rest(source: SourceConfig, entity: EntityConfig) -> Draft:
    settings = entity.rest
    if settings is None:
        raise YecaiError(
            f"source {source.name!r} has no rest: settings", "add them to sources.yml first"
        )
    pages = list(
        rest_conn.read_pages(
            settings,
            source.url(),
            entity.target,
            url_env=source.url_env,
            max_pages=1,
        )
    )
    records = pages[0].records if pages else []
    if not records:
        raise YecaiError(
            f"{pages[0].shown_url if pages else entity.target} answered no records to draft "
            f"{source.name}.{entity.name} from",
            "draft when the API has data, or write the contract by hand",
        )
    header: list[str] = []
    for rec in records:
        header += [k for k in rec if k not in header and k != settings.deleted_field]
    columns = []
    for i, key in enumerate(header):
        name, _ascii = column_name(key, i + 1)
        ctype, note = json_type(rec.get(key) for rec in records)
        columns.append(ColumnDraft(name, ctype, True, note, source_name=key))
    _unique([c.name for c in columns], pages[0].shown_url)
    rows = [[rec.get(k) for k in header] for rec in records]
    candidates = [c.name for c in columns if c.source_name in key_candidates(header, rows)]
    return Draft(
        source=source.name,
        entity=entity.name,
        origin=f"a sample page of {entity.target} ({len(records)} records)",
        columns=columns,
        key_candidates=candidates,
    )
