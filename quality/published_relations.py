"""Which relations are published, how each is read, and what changed since the last publish.

The one place that decides the published set (issue 13 applies its per-role column transform
in ``Relation.select_sql``): every relation of an analyst-facing schema of the build warehouse,
except internal ``int_*`` models, materialised as a table with its dbt description; plus the
tables yecai itself keeps for governance (quality results, publish log). Selection is by
schema and name only, never by a source system's name.

Change detection is by content: a fingerprint per relation (column names and types, its
descriptions, and per row group a count and an order-independent sum of row hashes), where
the row groups are the fiscal periods of a relation with a ``period`` column and the whole
table otherwise. Comparing with the fingerprints recorded on the last publish tells what to
write: nothing, descriptions only, some periods, or the whole table.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

import duckdb

# Documented analyst-facing schemas (README, docs/decisions/published-lakehouse.md):
#   finance, business, management — the marts; governance — exceptions, reconciliation,
#   quality history; master — crosswalks and golden records; master_seeds — the mappings the
#   governance team owns (group chart, account mapping…); canonical — the standard data
#   interface the marts drill down to (documents, ledger, master entities).
# Never published: staging (views over the raw lake), incremental_state (bookkeeping of the
# incremental models), any other schema, and internal models named int_*.
PUBLISHED_SCHEMAS = (
    "finance",
    "business",
    "management",
    "governance",
    "master",
    "master_seeds",
    "canonical",
)
INTERNAL_PREFIX = "int_"
# A relation with this varchar column is written per value (the fiscal period, YYYY-MM): the
# per-period models (tag fiscal_period, unique_key period) and every other mart by period.
PERIOD_COLUMN = "period"
# Written by `yecai close`, not by publish: a publish leaves them as they are.
LAKE_OWNED = frozenset({"governance.period_closes"})
WHOLE = "*"  # the row-group key of a relation with neither a period nor a column to bucket
NULL_PERIOD = "∅"  # the row-group key of rows whose period is null
# A relation without a period is diffed in this many row groups, by the hash of its first
# column (a model's key, by convention): one sale touches a few groups of canonical.journal_line
# (0.9 M rows at scale 1) and the publish compares those alone.
BUCKETS = 32
BUCKET_PREFIX = "b"


def is_published(schema: str, name: str) -> bool:
    """Whether a build relation ``schema.name`` belongs in the published lake (pure)."""
    return (
        schema in PUBLISHED_SCHEMAS
        and not name.startswith(INTERNAL_PREFIX)
        and f"{schema}.{name}" not in LAKE_OWNED
    )


def ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


@dataclass(frozen=True)
class Relation:
    """One published relation and where its rows come from."""

    schema: str
    name: str
    source: str  # a qualified relation the writer's connection can read
    columns: tuple[tuple[str, str], ...]  # (name, type), in order
    comment: str | None = None
    column_comments: tuple[tuple[str, str | None], ...] = ()
    period_column: str | None = None

    @property
    def bucket_column(self) -> str | None:
        """The column whose hash groups the rows of a relation without a period."""
        if self.period_column is not None or not self.columns:
            return None
        return self.columns[0][0]

    def group_sql(self, alias: str = "") -> str:
        """The row-group key of a row (pure): its period, its bucket, or the whole table."""
        if self.period_column is not None:
            return f"coalesce({alias}{ident(self.period_column)}, {literal(NULL_PERIOD)})"
        if self.bucket_column is not None:
            return (
                f"{literal(BUCKET_PREFIX)} || (hash({alias}{ident(self.bucket_column)}) "
                f"% {BUCKETS})::varchar"
            )
        return literal(WHOLE)

    @property
    def key(self) -> str:
        return f"{self.schema}.{self.name}"

    @property
    def target(self) -> str:
        return f"{ident(self.schema)}.{ident(self.name)}"

    def select_sql(self) -> str:
        """The rows to publish. Issue 13's per-role column transform (masking) goes here."""
        return f"select * from {self.source}"


def read_relations(con: duckdb.DuckDBPyConnection, catalog: str) -> list[Relation]:
    """The published relations of attached database ``catalog`` (tables and views alike)."""
    objects = con.execute(
        "select schema_name, table_name, comment from duckdb_tables() where database_name = ? "
        "union all "
        "select schema_name, view_name, comment from duckdb_views() "
        "where database_name = ? and not internal",
        [catalog, catalog],
    ).fetchall()
    columns: dict[tuple[str, str], list[tuple[str, str, str | None]]] = {}
    for schema, table, column, dtype, comment in con.execute(
        "select schema_name, table_name, column_name, data_type, comment from duckdb_columns() "
        "where database_name = ? order by schema_name, table_name, column_index",
        [catalog],
    ).fetchall():
        columns.setdefault((schema, table), []).append((column, dtype, comment))
    out = []
    for schema, name, comment in sorted(objects):
        if not is_published(schema, name):
            continue
        cols = columns.get((schema, name), [])
        period = next(
            (c for c, t, _ in cols if c == PERIOD_COLUMN and t.upper() == "VARCHAR"), None
        )
        out.append(
            Relation(
                schema=schema,
                name=name,
                source=f"{ident(catalog)}.{ident(schema)}.{ident(name)}",
                columns=tuple((c, t) for c, t, _ in cols),
                comment=comment or None,
                column_comments=tuple((c, d or None) for c, _, d in cols),
                period_column=period,
            )
        )
    return out


# --- fingerprints ------------------------------------------------------------------------


def _digest(value: object) -> str:
    return hashlib.sha256(json.dumps(value, ensure_ascii=False).encode()).hexdigest()[:16]


def fingerprint_sql(rel: Relation) -> str:
    """Per row group: key, row count, sum of row hashes (order does not matter) (pure)."""
    return (
        f"select {rel.group_sql('t.')} as grp, count(*) as n, sum(hash(t)::hugeint)::varchar as h "
        f"from ({rel.select_sql()}) as t group by all"
    )


@dataclass(frozen=True)
class Fingerprint:
    """What a relation looks like, cheaply: shape, descriptions, row groups."""

    columns: str
    comments: str
    groups: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict:
        return {"columns": self.columns, "comments": self.comments, "groups": self.groups}

    @staticmethod
    def from_json(data: dict | None) -> Fingerprint | None:
        if not isinstance(data, dict):
            return None
        try:
            return Fingerprint(
                str(data["columns"]), str(data["comments"]), dict(data.get("groups") or {})
            )
        except KeyError:
            return None


def fingerprint(con: duckdb.DuckDBPyConnection, rel: Relation) -> Fingerprint:
    groups = {g: f"{n}:{h}" for g, n, h in con.execute(fingerprint_sql(rel)).fetchall()}
    return Fingerprint(
        columns=_digest(
            [list(c) for c in rel.columns]
            + [rel.period_column]
            # how rows are grouped is part of the shape: a lake grouped otherwise is rewritten
            + ([f"bucket:{rel.bucket_column}:{BUCKETS}"] if rel.bucket_column else [])
        ),
        comments=_digest([rel.comment, [list(c) for c in rel.column_comments]]),
        groups=groups,
    )


# --- what to write -----------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """What a publish writes for one relation."""

    action: str  # "create" (new or reshaped: whole table), "groups", "comments", "none"
    replace_groups: tuple[str, ...] = ()  # row groups written anew
    delete_groups: tuple[str, ...] = ()  # row groups removed (gone from the build)
    comments: bool = False  # descriptions written


def plan_change(old: Fingerprint | None, new: Fingerprint, in_lake: bool) -> Change:
    """Compare the last published fingerprint with the build's (pure)."""
    if old is None or not in_lake or old.columns != new.columns:
        return Change("create", tuple(sorted(new.groups)), (), True)
    changed = tuple(sorted(g for g, v in new.groups.items() if old.groups.get(g) != v))
    gone = tuple(sorted(g for g in old.groups if g not in new.groups))
    comments = old.comments != new.comments
    if changed or gone:
        return Change("groups", changed, gone, comments)
    return Change("comments" if comments else "none", comments=comments)


def group_condition(rel: Relation, groups: tuple[str, ...]) -> str:
    """A where-clause selecting ``groups`` of ``rel`` (pure); ``true`` for a whole table."""
    if rel.period_column is None:
        if rel.bucket_column is None or WHOLE in groups:
            return "true"
        if not groups:
            return "false"
        return f"{rel.group_sql()} in ({', '.join(literal(g) for g in groups)})"
    column = ident(rel.period_column)
    values = [g for g in groups if g != NULL_PERIOD]
    parts = []
    if values:
        parts.append(f"{column} in ({', '.join(literal(v) for v in values)})")
    if NULL_PERIOD in groups:
        parts.append(f"{column} is null")
    return " or ".join(parts) or "false"
