"""Rows of a demo source database, held in memory in column order until they are written.

Column lists come from the schema file itself, so the generator and the DDL cannot drift apart.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from operator import itemgetter
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


def _row_maker(columns: list[str]) -> Callable[[dict], tuple]:
    """A function from a dict of column values to the row tuple in ``columns`` order."""
    pick = itemgetter(*columns)
    if len(columns) == 1:
        return lambda values: (pick(values),)
    return pick


class TableSet:
    """In-memory rows per table, each row a tuple in the schema's column order.

    With a ``sink`` the rows do not stay: once a table holds ``flush_rows`` of them they are
    handed to ``sink(table, rows)`` (a database writer) and dropped, so memory stays flat at
    any scale; ``flush()`` hands over the rest. ``counts()`` counts rows either way.
    """

    def __init__(
        self,
        schema_path: Path,
        sink: Callable[[str, list[tuple]], None] | None = None,
        flush_rows: int = 50_000,
    ) -> None:
        self.schema_path = schema_path
        self.schema_sql = schema_path.read_text(encoding="utf-8")
        self.columns = schema_columns(self.schema_sql)
        self.primary_keys = schema_primary_keys(self.schema_sql)
        self.rows: dict[str, list[tuple]] = {t: [] for t in self.columns}
        # itemgetter builds a row in C: add() runs millions of times at scale 1.
        self._row_of = {t: _row_maker(cols) for t, cols in self.columns.items()}
        self.sink = sink
        self.flush_rows = flush_rows
        self.flushed: dict[str, int] = {t: 0 for t in self.columns}

    def add(self, table: str, **values: object) -> tuple:
        """Append one row; every column must be given (None for NULL)."""
        cols = self.columns[table]
        if len(values) != len(cols):
            missing = set(cols) - set(values)
            extra = set(values) - set(cols)
            raise KeyError(f"{table}: missing {sorted(missing)}, unknown {sorted(extra)}")
        row = self._row_of[table](values)
        rows = self.rows[table]
        rows.append(row)
        if self.sink is not None and len(rows) >= self.flush_rows:
            self.flush(table)
        return row

    def flush(self, table: str | None = None) -> None:
        """Hand the rows held for ``table`` (every table when None) to the sink, in order."""
        if self.sink is None:
            raise ValueError("this TableSet has no sink to flush to")
        for name in [table] if table is not None else list(self.rows):
            rows = self.rows[name]
            if rows:
                self.sink(name, rows)
                self.flushed[name] += len(rows)
                self.rows[name] = []

    def col(self, table: str, column: str) -> int:
        return self.columns[table].index(column)

    def counts(self) -> dict[str, int]:
        return {t: self.flushed[t] + len(r) for t, r in self.rows.items()}
