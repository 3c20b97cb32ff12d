"""Raw-zone suites: each landed entity keeps its contract (columns, types, keys, row counts).

Assets are discovered from ``lake/raw/<source>/<entity>/batch=<id>/manifest.json`` and read
straight from Parquet by an in-memory DuckDB, so checks run where the data lies. Row
counts are compared per batch with the manifest; batch records (``lake/_meta/batches``)
must conserve rows.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from quality.checks import Asset, Check, Dimension, Layer, Severity
from quality.lake_files import lake_source
from quality.sql_rules import quote_ident, quote_literal
from yecai.errors import YecaiError
from yecai.settings import Paths

LINEAGE_COLUMNS = (
    "_source_system",
    "_source_pk",
    "_batch_id",
    "_extracted_at",
    "_row_hash",
    "_is_deleted",
)
OWNER = "data-engineering"
BATCH_RECORDS = "raw._meta.batches"
RAW_FILES = "raw._meta.files"


@dataclass(frozen=True)
class Manifest:
    source: str
    entity: str
    batch_id: str
    rows: int
    schema: dict[str, str]  # business and lineage column -> DuckDB type name
    path: Path


# Arrow type strings (what pyarrow writes) -> DuckDB type names, for the type contract.
_ARROW_TO_DUCKDB = {
    "string": "VARCHAR",
    "large_string": "VARCHAR",
    "utf8": "VARCHAR",
    "int64": "BIGINT",
    "int32": "INTEGER",
    "int16": "SMALLINT",
    "int8": "TINYINT",
    "bool": "BOOLEAN",
    "boolean": "BOOLEAN",
    "double": "DOUBLE",
    "float": "FLOAT",
    "date32[day]": "DATE",
    "date32": "DATE",
}


def duckdb_type_name(type_name: str) -> str:
    """DuckDB's name for a type written as Arrow (``decimal128(18, 2)``) or as DuckDB."""
    t = type_name.strip()
    low = t.lower()
    if low in _ARROW_TO_DUCKDB:
        return _ARROW_TO_DUCKDB[low]
    m = re.fullmatch(r"(?:decimal128|decimal)\s*\(\s*(\d+)\s*,\s*(\d+)\s*\)", low)
    if m:
        return f"DECIMAL({m.group(1)},{m.group(2)})"
    if low.startswith("timestamp"):
        tz = "tz=" in low or "with time zone" in low or low == "timestamptz"
        return "TIMESTAMP WITH TIME ZONE" if tz else "TIMESTAMP"
    return t.upper()


def parse_manifest(data: dict[str, Any], path: Path) -> Manifest:
    """A manifest from its JSON; the source, entity and batch come from its folder if absent."""
    batch_dir = path.parent
    folder_batch = batch_dir.name.removeprefix("batch=")
    rows = next((data[k] for k in ("rows", "row_count", "rows_landed") if k in data), None)
    if not isinstance(rows, int):
        raise YecaiError(
            f"manifest {path} has no integer row count (rows)",
            "re-run the ingestion of that batch; a manifest must say how many rows it landed",
        )
    raw_schema = data.get("schema") or data.get("columns") or {}
    if isinstance(raw_schema, dict):
        schema = {str(k): duckdb_type_name(str(v)) for k, v in raw_schema.items()}
    else:
        schema = {}
        for item in raw_schema:
            if isinstance(item, dict):
                schema[str(item["name"])] = duckdb_type_name(str(item.get("type", "")))
            else:
                schema[str(item)] = ""
    return Manifest(
        source=str(data.get("source") or batch_dir.parent.parent.name),
        entity=str(data.get("entity") or batch_dir.parent.name),
        batch_id=str(data.get("batch_id") or folder_batch),
        rows=rows,
        schema=schema,
        path=path,
    )


def read_manifests(paths: Paths) -> list[Manifest]:
    out = []
    for path in sorted(paths.raw.glob("*/*/batch=*/manifest.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise YecaiError(
                f"cannot read raw-zone manifest {path}: {exc}",
                "re-run the ingestion of that batch or remove the broken batch folder",
            ) from exc
        out.append(parse_manifest(data, path))
    return out


def _glob(paths: Paths, source: str, entity: str) -> str:
    return str(paths.raw / source / entity / "batch=*" / "*.parquet")


def row_count_sql(manifests: list[Manifest]) -> str:
    """Unexpected rows: batches whose Parquet row count differs from their manifest."""
    values = ", ".join(f"({quote_literal(m.batch_id)}, {int(m.rows)})" for m in manifests)
    return (
        f"with expected(batch_id, manifest_rows) as (values {values}), "
        "actual as (select _batch_id as batch_id, count(*) as parquet_rows from {batch} "
        "group by _batch_id) "
        "select coalesce(e.batch_id, a.batch_id) as batch_id, e.manifest_rows, "
        "coalesce(a.parquet_rows, 0) as parquet_rows from expected e "
        "full outer join actual a on e.batch_id = a.batch_id "
        "where e.manifest_rows is distinct from coalesce(a.parquet_rows, 0) order by 1"
    )


def type_sql(schema: dict[str, str], only_decimal: bool) -> str | None:
    """Unexpected rows: columns whose DuckDB type differs from the manifest's schema."""
    parts = []
    for col, expected in schema.items():
        if not expected or expected.startswith("DECIMAL") != only_decimal:
            continue
        c = quote_ident(col)
        parts.append(
            f"select {quote_literal(col)} as column_name, {quote_literal(expected)} as "
            f"expected_type, typeof({c}) as actual_type from (select {c} from {{batch}} limit 1) "
            f"where replace(typeof({c}), ' ', '') <> {quote_literal(expected.replace(' ', ''))}"
        )
    return " union all ".join(parts) or None


def raw_files_asset(paths: Paths) -> Asset:
    """The raw files that do not match their manifest, one row each (checked in Python:
    a cut-short Parquet would make every query over the entity fail unread)."""
    from ingestion.raw_integrity import raw_zone_problems

    rows = [
        "(" + ", ".join(quote_literal(v) for v in (p.batch_id, p.file, p.problem, p.source)) + ")"
        for p in raw_zone_problems(paths)
    ]
    columns = "batch_id, file, problem, source"
    query = (
        f"select * from (values {', '.join(rows)}) t({columns})"
        if rows
        else "select * from (select '' as batch_id, '' as file, '' as problem, '' as source) "
        "where false"
    )
    return Asset(RAW_FILES, Layer.RAW, query, ("batch_id", "file"), source="lake")


def assets_and_checks(paths: Paths) -> tuple[list[Asset], list[Check]]:
    manifests = read_manifests(paths)
    by_entity: dict[tuple[str, str], list[Manifest]] = {}
    for m in manifests:
        by_entity.setdefault((m.source, m.entity), []).append(m)
    assets: list[Asset] = []
    checks: list[Check] = []
    if manifests:
        # First: a file that cannot be read aborts the lake connection's transaction for
        # the assets checked after it.
        assets.append(raw_files_asset(paths))
        checks.append(
            Check(
                RAW_FILES,
                "files_match_manifest",
                "sql",
                Dimension.VALIDITY,
                "ingestion",
                OWNER,
                Severity.BLOCKING,
                "every raw file has the size, Parquet framing and sha256 its manifest records",
                args={"sql": "select * from {batch}"},
            )
        )
    for (source, entity), group in sorted(by_entity.items()):
        name = f"raw.{source}.{entity}"
        files = _glob(paths, source, entity)
        # clear or encrypted (lake key), each file with its key: quality.lake_files
        parquet = lake_source(paths, files, union_by_name="true", hive_partitioning="false")
        query = (
            f"select * from {parquet}"
            if parquet
            else f"select * from read_parquet({quote_literal(files)}, "
            "union_by_name = true, hive_partitioning = false)"
        )
        keys = ("_batch_id", "_source_pk")
        assets.append(Asset(name, Layer.RAW, query, keys, source="lake", files=files))
        latest = max(group, key=lambda m: m.batch_id)
        contract = [c for c in latest.schema if c not in LINEAGE_COLUMNS]

        def add(check: str, kind: str, dim: Dimension, sev: Severity, desc: str, **kw) -> None:
            checks.append(Check(name, check, kind, dim, "ingestion", OWNER, sev, desc, **kw))  # noqa: B023

        add(
            "lineage_columns",
            "columns_present",
            Dimension.COMPLETENESS,
            Severity.BLOCKING,
            "every row carries the lineage columns",
            args={"columns": LINEAGE_COLUMNS},
        )
        if contract:
            add(
                "contract_columns",
                "columns_present",
                Dimension.COMPLETENESS,
                Severity.BLOCKING,
                f"the columns of the latest manifest ({latest.batch_id}) are present",
                args={"columns": tuple(contract)},
            )
        add(
            "source_pk_not_null",
            "not_null",
            Dimension.COMPLETENESS,
            Severity.BLOCKING,
            "every row has its source key",
            column="_source_pk",
        )
        add(
            "source_pk_unique_per_batch",
            "unique",
            Dimension.UNIQUENESS,
            Severity.BLOCKING,
            "a source key appears once per batch",
            args={"columns": ("_batch_id", "_source_pk")},
        )
        add(
            "row_count_matches_manifest",
            "sql",
            Dimension.COMPLETENESS,
            Severity.BLOCKING,
            "each batch's Parquet holds exactly the rows its manifest declares",
            args={"sql": row_count_sql(group)},
        )
        money = type_sql(latest.schema, only_decimal=True)
        if money:
            add(
                "money_types_match_manifest",
                "sql",
                Dimension.VALIDITY,
                Severity.BLOCKING,
                "money columns keep their decimal type",
                args={"sql": money},
            )
        other = type_sql(latest.schema, only_decimal=False)
        if other:
            add(
                "types_match_manifest",
                "sql",
                Dimension.VALIDITY,
                Severity.WARNING,
                "non-money columns keep the manifest's types",
                args={"sql": other},
            )

    records = sorted(paths.lake_meta.glob("batches/*.json"))
    if records:
        glob = str(paths.lake_meta / "batches" / "*.json")
        assets.append(
            Asset(
                BATCH_RECORDS,
                Layer.RAW,
                f"select * from read_json_auto({quote_literal(glob)}, union_by_name = true)",
                ("batch_id",),
                source="lake",
                files=glob,
            )
        )
        checks.append(
            Check(
                BATCH_RECORDS,
                "row_conservation",
                "sql",
                Dimension.COMPLETENESS,
                "ingestion",
                OWNER,
                Severity.BLOCKING,
                "rows_read = rows_landed + rows_quarantined for every batch record",
                args={
                    "sql": (
                        "select batch_id, source, entity, rows_read, rows_landed, rows_quarantined "
                        "from {batch} where rows_read is distinct from "
                        "rows_landed + rows_quarantined order by batch_id"
                    )
                },
            )
        )
    return assets, checks
