"""What erasing one person does to one relation's rows, as SQL (pure, no database).

A person is known by the values found in the rows that carry their national ID: the ID itself
and, from those rows, their account numbers, phones and e-mails (strong identifiers) and their
names and addresses. Erasure replaces each value by its token (the same ``tok_…`` the role
copies carry, so counts and joins by token still hold), nulls birth dates in the person's
rows, and keeps every amount: the books still balance, and what is left no longer says who.

- A strong identifier is replaced wherever it appears inside any text column (a quarantine
  reason or a free-text note quoting it included).
- A name or address is replaced only in a column classified as such, and only where the cell
  is exactly that value: another person's note that happens to contain the name is left alone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from yecai.privacy.policy import quote_ident

STRONG_CLASSES = ("national_id", "bank_account", "phone", "email")
EXACT_CLASSES = ("person_name", "address")
NULLED_CLASSES = ("birth_date",)
MIN_STRONG_LENGTH = 6  # shorter "identifiers" (a placeholder, "n/a") would hit other rows
TEXT_TYPES = ("VARCHAR", "TEXT", "STRING")


def literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


@dataclass(frozen=True)
class Person:
    """One person's values, each with the token that replaces it."""

    strong: Mapping[str, str] = field(default_factory=dict)  # value -> token
    exact: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # class -> value -> token

    def values(self) -> list[str]:
        """Every clear value erasure must remove (what a scan afterwards looks for)."""
        out = list(self.strong)
        for values in self.exact.values():
            out.extend(values)
        return sorted(set(out))


def is_text(dtype: str) -> bool:
    return dtype.upper().split("(")[0] in TEXT_TYPES


def _strong_items(person: Person) -> list[tuple[str, str]]:
    # longest first: an account number that contains a shorter phone is replaced whole
    return sorted(
        ((v, t) for v, t in person.strong.items() if len(v) >= MIN_STRONG_LENGTH),
        key=lambda item: (-len(item[0]), item[0]),
    )


def row_match_sql(
    columns: Sequence[tuple[str, str]], classes: Mapping[str, str], person: Person
) -> str | None:
    """A predicate true for rows holding one of the person's values; None when the relation
    has no column that could."""
    parts = []
    strong = _strong_items(person)
    for name, dtype in columns:
        if not is_text(dtype):
            continue
        col = quote_ident(name)
        parts += [f"contains({col}, {literal(v)})" for v, _ in strong]
        exact = person.exact.get(classes.get(name, ""), {})
        if exact:
            parts.append(f"trim({col}) in ({', '.join(literal(v) for v in sorted(exact))})")
    return " or ".join(parts) or None


def column_sql(name: str, dtype: str, cls: str | None, person: Person, match: str) -> str | None:
    """The erased value of one column, or None when the column stays as it is."""
    col = quote_ident(name)
    if cls in NULLED_CLASSES:
        return f"case when {match} then null else {col} end"
    if not is_text(dtype):
        return None
    expr = col
    for value, tok in _strong_items(person):
        expr = f"replace({expr}, {literal(value)}, {literal(tok)})"
    exact = person.exact.get(cls or "", {})
    if exact:
        cases = " ".join(
            f"when trim({col}) = {literal(v)} then {literal(t)}" for v, t in sorted(exact.items())
        )
        expr = f"case {cases} else {expr} end"
    return None if expr == col else expr


@dataclass(frozen=True)
class Rewrite:
    """How to erase the person from one relation."""

    match: str  # rows holding the person's values
    assignments: tuple[tuple[str, str], ...]  # (column, new value expression)

    def select_list(self, columns: Sequence[tuple[str, str]]) -> str:
        """Every column, in order, erased where needed (for rewriting a file whole)."""
        new = dict(self.assignments)
        return ", ".join(
            f"{new[c]} as {quote_ident(c)}" if c in new else quote_ident(c) for c, _ in columns
        )

    def update_sql(self, table: str) -> str:
        """An UPDATE that erases the person in ``table`` in place."""
        sets = ", ".join(f"{quote_ident(c)} = {e}" for c, e in self.assignments)
        return f"update {table} set {sets} where {self.match}"


def plan_rewrite(
    columns: Sequence[tuple[str, str]], classes: Mapping[str, str], person: Person
) -> Rewrite | None:
    """The rewrite of a relation with ``columns`` ((name, type)); None when nothing of it can
    hold the person's values."""
    match = row_match_sql(columns, classes, person)
    if match is None:
        return None
    assignments = []
    for name, dtype in columns:
        expr = column_sql(name, dtype, classes.get(name), person, f"({match})")
        if expr is not None:
            assignments.append((name, expr))
    return Rewrite(match, tuple(assignments)) if assignments else None
