"""The streaming pass: rows that pass the contract go from the source scan straight to Parquet.

Most rows of a batch are clean, so they are cast, hashed and written by one ``COPY (SELECT
…) TO`` over the batch's rows (for a full read of a SQL source, ``extract_stream``: a view
over the attached table, so nothing is materialised and the scan may use every thread). Every row this pass cannot decide alone — a failed cast, a blank required
value, a key that occurs more than once, a number written with thousands separators —
is left to the full path in ``ingestion.process`` ("the side"), which runs the original
row-by-row rules on those rows only. The two sets partition the batch exactly:
``eligible`` is never NULL, the side takes ``not eligible``.

Why each condition is here (the full path's rules, restated per row):
- a row is clean when no contract reason applies (``typed_select_sql``): every non-varchar
  value casts or is blank, primary-key and required columns are not blank, no contract
  column is missing from the source;
- a clean row lands only if no other clean row has its key (else the duplicate ranking
  decides): rows whose typed key occurs twice or more among *all* rows go to the side —
  a superset of the clean duplicates, found by a hash aggregate over the key columns;
- numbers with thousands separators are read correctly on either path, but the manifest
  reports them as drift, so the side counts them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import duckdb

from ingestion.contract import Contract
from ingestion.duck import ident, sql_str
from ingestion.validation import cast_sql, row_hash_sql, source_pk_sql

# Source types whose text form can never look like '12,345.60': no comma check needed.
_NO_COMMA_TYPES = ("BIGINT", "INTEGER", "SMALLINT", "TINYINT", "HUGEINT", "UBIGINT", "UINTEGER",
                   "USMALLINT", "UTINYINT", "DOUBLE", "FLOAT", "REAL", "BOOLEAN", "DATE",
                   "TIMESTAMP", "TIMESTAMP WITH TIME ZONE", "TIME")  # fmt: skip
_NUMERIC = ("double", "bigint", "integer")


def _blank(expr: str) -> str:
    return f"(nullif(trim(cast({expr} as varchar)), '') is null)"


@dataclass(frozen=True)
class CleanPass:
    """SQL pieces of the streaming pass for one batch's contract and source columns."""

    contract: Contract
    mapping: dict[str, str]
    added: tuple[str, ...]
    source_types: dict[str, str]
    has_repeated_keys: bool = False
    # ``extract`` has ``_read_fault``: rows with one are the full path's (quarantined).
    has_read_faults: bool = False

    @property
    def business(self) -> list[str]:
        return self.contract.column_names + list(self.added)

    def rows_sql(self, relation: str = "extract") -> str:
        """Every row of ``relation`` as read, plus ``_typed_<i>``: contract column i cast.

        Run the queries that filter these rows with ``no_filter_pushdown``: pushed below
        this projection, the filter would cast every value a second time.
        """
        typed = [
            f"{cast_sql(ident(self.mapping[c.name]), c.type)} as {ident(f'_typed_{i}')}"
            for i, c in enumerate(self.contract.columns)
        ]
        return f"select *, {', '.join(typed)} from {relation}"

    def _comma_check(self, col) -> bool:
        numeric = col.type.startswith("decimal") or col.type in _NUMERIC
        source_type = self.source_types.get(self.mapping[col.name], "VARCHAR").upper()
        typed_source = source_type in _NO_COMMA_TYPES or source_type.startswith("DECIMAL")
        return numeric and not typed_source

    def eligible_sql(self) -> str:
        """Never NULL: true for rows the streaming pass lands (or skips as unchanged)."""
        conds = ["_read_fault is null"] if self.has_read_faults else []
        for i, col in enumerate(self.contract.columns):
            typed, raw = ident(f"_typed_{i}"), ident(self.mapping[col.name])
            required = col.name in self.contract.primary_key or not col.nullable
            if col.type == "varchar":
                if required:
                    conds.append(f"not {_blank(raw)}")
                continue
            # A non-varchar value that cast is not blank; one that did not must be blank.
            conds.append(
                f"{typed} is not null" if required else f"({typed} is not null or {_blank(raw)})"
            )
            if self._comma_check(col):
                conds.append(f"coalesce(not contains(cast({raw} as varchar), ','), true)")
        if self.has_repeated_keys:
            pk_index = {c.name: i for i, c in enumerate(self.contract.columns)}
            same = " and ".join(
                f"r.{ident(k)} = x.{ident(f'_typed_{pk_index[k]}')}"
                for k in self.contract.primary_key
            )
            conds.append(f"not exists (select 1 from repeated_keys r where {same})")
        return "coalesce(" + (" and ".join(conds) or "true") + ", false)"

    def side_sql(self, extract_columns: list[str]) -> str:
        """The rows of ``extract`` the streaming pass leaves to the full path, as read."""
        cols = ", ".join(ident(c) for c in extract_columns)
        return f"select {cols} from ({self.rows_sql()}) x where not {self.eligible_sql()}"

    def landed_sql(
        self, source: str, batch_id: str, extracted_at: str, first_load: bool, relation: str
    ) -> str:
        """SELECT of the rows to write, in the raw zone's column order: clean, key not
        repeated, and (after a first load) new or changed against the lake's latest version."""
        named = [
            f"{ident(f'_typed_{i}')} as {ident(c)}"
            for i, c in enumerate(self.contract.column_names)
        ]
        named += [ident(a) for a in self.added]
        eligible = (
            f"select {', '.join(named)}, _src_deleted from ({self.rows_sql(relation)}) x "
            f"where {self.eligible_sql()}"
        )
        hashed = (
            f"select *, {source_pk_sql(self.contract)} as _source_pk, "
            f"{row_hash_sql(self.business)} as _row_hash from ({eligible})"
        )
        select = (
            ", ".join("c." + ident(c) for c in self.business)
            + f", '{sql_str(source)}' as _source_system, c._source_pk, "
            f"'{sql_str(batch_id)}' as _batch_id, timestamp '{extracted_at}' as _extracted_at, "
            "c._row_hash, c._src_deleted as _is_deleted"
        )
        if first_load:
            return f"select {select} from ({hashed}) c"
        return (
            f"select {select} from ({hashed}) c "
            "left join lake_latest l on l._source_pk = c._source_pk "
            "where l._source_pk is null or l._row_hash <> c._row_hash "
            "or l._is_deleted <> c._src_deleted"
        )

    def typed_count_sql(self, column: str, relation: str) -> str:
        """Non-NULL typed values of a contract column among the rows this pass takes."""
        i = self.contract.column_names.index(column)
        return (
            f"select count({ident(f'_typed_{i}')}) from ({self.rows_sql(relation)}) x "
            f"where {self.eligible_sql()}"
        )

    def max_cursor_sql(self, relation: str) -> str:
        i = self.contract.column_names.index(self.contract.cursor)
        return f"select max({ident(f'_typed_{i}')}) from ({self.rows_sql(relation)}) x"


@contextmanager
def no_filter_pushdown(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Keep a row filter above the projection that computes what it tests (see rows_sql)."""
    con.execute("set disabled_optimizers = 'filter_pushdown'")
    try:
        yield
    finally:
        con.execute("reset disabled_optimizers")


def load_repeated_keys(
    con: duckdb.DuckDBPyConnection, contract: Contract, mapping, relation: str
) -> bool:
    """Temp table ``repeated_keys``: typed keys read more than once. True when not empty."""
    keys = [
        f"{cast_sql(ident(mapping[k]), contract.column(k).type)} as {ident(k)}"
        for k in contract.primary_key
    ]
    not_null = " and ".join(f"{ident(k)} is not null" for k in contract.primary_key)
    con.execute(
        "create or replace temp table repeated_keys as "
        f"select * from (select {', '.join(keys)} from {relation}) where {not_null} "
        "group by all having count(*) > 1"
    )
    return con.execute("select count(*) from repeated_keys").fetchone()[0] > 0
