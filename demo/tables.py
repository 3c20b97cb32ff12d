"""Rows of a demo source database, held in memory in column order until they are written.

Column lists come from the schema file itself, so the generator and the DDL cannot drift apart.
"""

from __future__ import annotations

import re
from pathlib import Path

_CREATE = re.compile(r"CREATE TABLE (\w+) \((.*?)\n\);", re.S)
_COLUMN = re.compile(r"^\s*(\w+)\s+[A-Z]")


def strip_comments(sql: str) -> str:
    return re.sub(r"--[^\n]*", "", sql)


def schema_statements(sql: str) -> list[str]:
    """The statements of a schema file (split on a semicolon that ends a line)."""
    parts = re.split(r";\s*$", strip_comments(sql), flags=re.M)
    return [p.strip() for p in parts if p.strip()]


def schema_columns(sql: str) -> dict[str, list[str]]:
    """Table name → column names in DDL order (constraint lines skipped)."""
    tables: dict[str, list[str]] = {}
    for name, body in _CREATE.findall(strip_comments(sql)):
        cols = []
        for line in body.splitlines():
            m = _COLUMN.match(line)
            if m and m.group(1).upper() not in ("PRIMARY", "UNIQUE", "CONSTRAINT", "FOREIGN"):
                cols.append(m.group(1))
        tables[name] = cols
    return tables


def schema_primary_keys(sql: str) -> dict[str, list[str]]:
    """Table name → primary-key columns."""
    keys: dict[str, list[str]] = {}
    for name, body in _CREATE.findall(strip_comments(sql)):
        m = re.search(r"PRIMARY KEY \(([^)]*)\)", body)
        if m:
            keys[name] = [c.strip() for c in m.group(1).split(",")]
        else:
            m = re.search(r"^\s*(\w+)\s[^\n]*PRIMARY KEY", body, re.M)
            keys[name] = [m.group(1)] if m else []
    return keys


class TableSet:
    """In-memory rows per table, each row a tuple in the schema's column order."""

    def __init__(self, schema_path: Path) -> None:
        self.schema_path = schema_path
        self.schema_sql = schema_path.read_text(encoding="utf-8")
        self.columns = schema_columns(self.schema_sql)
        self.primary_keys = schema_primary_keys(self.schema_sql)
        self.rows: dict[str, list[tuple]] = {t: [] for t in self.columns}

    def add(self, table: str, **values: object) -> tuple:
        """Append one row; every column must be given (None for NULL)."""
        cols = self.columns[table]
        if len(values) != len(cols):
            missing = set(cols) - set(values)
            extra = set(values) - set(cols)
            raise KeyError(f"{table}: missing {sorted(missing)}, unknown {sorted(extra)}")
        row = tuple(values[c] for c in cols)
        self.rows[table].append(row)
        return row

    def col(self, table: str, column: str) -> int:
        return self.columns[table].index(column)

    def counts(self) -> dict[str, int]:
        return {t: len(r) for t, r in self.rows.items()}
