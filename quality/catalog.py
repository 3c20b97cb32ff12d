"""Which tables and columns a DuckDB warehouse has, read once before the checks run.

Checks are planned against this catalog: a check on a table that does not exist is
reported as failed with that reason instead of crashing GX.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from yecai import build_warehouse
from yecai.errors import YecaiError


@dataclass(frozen=True)
class Catalog:
    """``{"schema.table": {"column": "TYPE", ...}}`` of one warehouse file."""

    tables: dict[str, dict[str, str]] = field(default_factory=dict)
    db_path: Path | None = None

    def has_table(self, table: str) -> bool:
        return table in self.tables

    def has_column(self, table: str, column: str) -> bool:
        return column in self.tables.get(table, {})

    def columns(self, table: str) -> list[str]:
        return list(self.tables.get(table, {}))

    def tables_in(self, schema: str) -> list[str]:
        return sorted(t for t in self.tables if t.split(".", 1)[0] == schema)


def read_catalog(db_path: Path) -> Catalog:
    """The catalog of ``db_path``; an empty one when the file does not exist yet."""
    if not db_path.exists():
        return Catalog(db_path=db_path)
    try:
        con = build_warehouse.connect(db_path)
    except duckdb.Error as exc:
        raise YecaiError(
            f"cannot open the warehouse {db_path} to audit it: {exc}",
            "wait for the running dbt build to finish (it holds the write lock), then retry",
        ) from exc
    try:
        rows = con.execute(
            "select table_schema, table_name, column_name, data_type "
            "from information_schema.columns where table_catalog = current_database() "
            "order by table_schema, table_name, ordinal_position"
        ).fetchall()
    finally:
        con.close()
    tables: dict[str, dict[str, str]] = {}
    for schema, table, column, dtype in rows:
        tables.setdefault(f"{schema}.{table}", {})[column] = dtype
    return Catalog(tables=tables, db_path=db_path)
