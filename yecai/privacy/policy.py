"""Who sees what: the roles, and per class and role one action, as data.

Actions:

- ``clear``  — the value as the source gave it.
- ``token``  — ``tok_`` + 32 hex characters of a keyed HMAC-SHA256 of the normalised value
  (``tokens.py``): the same person gets the same token in every table and version under one
  key, so analysts can join and count distinct people without seeing who they are.
- ``last4``  — ``****`` and the last four characters (enough to reconcile a bank account or
  recognise a phone, not to use it).
- ``initial`` — the first character and ``**`` (张**): a name recognisable to a colleague only.
- ``year``   — a date reduced to its year (an integer): age bands, not birthdays.
- ``drop``   — the column is left out of the role's copy (a query naming it fails loudly).

``select_list`` turns a relation's columns, their classes and a role into the DuckDB select
list of that role's copy; publish (phase 2) runs it once per relation and role.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from yecai.errors import YecaiError
from yecai.privacy.tokens import token_sql
from yecai.privacy.vocabulary import BY_NAME, CLASS_NAMES

ACTIONS = ("clear", "token", "last4", "initial", "year", "drop")


@dataclass(frozen=True)
class Role:
    name: str
    purpose: str


ROLES: tuple[Role, ...] = (
    Role(
        "analyst",
        "business analysis (sales, procurement, KPIs): counts and joins people by token, "
        "never sees who they are or what they earn",
    ),
    Role(
        "finance",
        "accounting and reconciliation: books, payables, receivables, payroll cost; sees pay "
        "and names, recognises accounts by their last four digits, never identity documents",
    ),
    Role(
        "hr",
        "personnel and payroll administration: the only role that sees personal data in clear",
    ),
    Role(
        "governance",
        "data quality and master data: finds duplicates and invalid records through tokens and "
        "masks, sees no pay and no full identifiers",
    ),
)
ROLE_NAMES: tuple[str, ...] = tuple(r.name for r in ROLES)

# class -> role -> action. Every class has a rule for every role (a test checks it).
POLICY: dict[str, dict[str, str]] = {
    "national_id": {"analyst": "token", "finance": "token", "hr": "clear", "governance": "token"},
    "bank_account": {"analyst": "drop", "finance": "last4", "hr": "clear", "governance": "last4"},
    "phone": {"analyst": "token", "finance": "token", "hr": "clear", "governance": "last4"},
    "email": {"analyst": "token", "finance": "token", "hr": "clear", "governance": "token"},
    "address": {"analyst": "drop", "finance": "drop", "hr": "clear", "governance": "drop"},
    "birth_date": {"analyst": "year", "finance": "drop", "hr": "clear", "governance": "year"},
    "salary": {"analyst": "drop", "finance": "clear", "hr": "clear", "governance": "drop"},
    "person_name": {
        "analyst": "token",
        "finance": "clear",
        "hr": "clear",
        "governance": "initial",
    },
}


# Classes whose clear values make a role's copy an encrypted file: identity documents and
# account numbers (PIPL sensitive, and enough to impersonate or pay someone).
ENCRYPT_WHEN_CLEAR = ("national_id", "bank_account")


def encrypted_roles(policy: Mapping[str, Mapping[str, str]] = POLICY) -> frozenset[str]:
    """The roles whose published copy must be encrypted: they see such a class in clear."""
    return frozenset(
        role for role in ROLE_NAMES for cls in ENCRYPT_WHEN_CLEAR if policy[cls][role] == "clear"
    )


def check_role(role: str) -> str:
    if role not in ROLE_NAMES:
        raise YecaiError(f"unknown role {role!r}", f"use one of: {', '.join(ROLE_NAMES)}")
    return role


def action_for(cls: str, role: str, policy: Mapping[str, Mapping[str, str]] = POLICY) -> str:
    """What ``role`` gets of a column of class ``cls``; an unknown class or role is an error
    (fail closed: a column nobody wrote a rule for must not reach a reader in clear)."""
    check_role(role)
    if cls not in policy:
        raise YecaiError(
            f"no masking rule for class {cls!r}",
            f"add it to yecai.privacy.policy.POLICY (classes: {', '.join(CLASS_NAMES)})",
        )
    action = policy[cls].get(role)
    if action not in ACTIONS:
        raise YecaiError(
            f"masking rule for class {cls!r} and role {role!r} is {action!r}",
            f"use one of: {', '.join(ACTIONS)}",
        )
    return action


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def masked_sql(action: str, column_sql: str, cls: str) -> str | None:
    """The SQL expression of ``action`` on ``column_sql``; None for ``drop``."""
    text = f"cast({column_sql} as varchar)"
    if action == "clear":
        return column_sql
    if action == "token":
        return token_sql(column_sql, cls)
    if action == "last4":
        return (
            f"case when {column_sql} is null then null "
            f"else '****' || right(regexp_replace({text}, '[\\s-]', '', 'g'), 4) end"
        )
    if action == "initial":
        return f"case when {column_sql} is null then null else left(trim({text}), 1) || '**' end"
    if action == "year":
        return f"year(try_cast({column_sql} as date))"
    if action == "drop":
        return None
    raise YecaiError(f"unknown masking action {action!r}", f"use one of: {', '.join(ACTIONS)}")


def select_list(
    columns: Sequence[str],
    classes: Mapping[str, str],
    role: str,
    policy: Mapping[str, Mapping[str, str]] = POLICY,
) -> str:
    """The select list of ``role``'s copy of a relation with ``columns`` (in order).

    ``classes`` maps the protected columns to their class (``classification.effective_classes``).
    Each output column keeps its name. A token needs ``tokens.install_token_key`` on the
    connection first; without it the query fails instead of writing NULL tokens.
    """
    check_role(role)
    unknown = sorted(set(classes) - set(columns))
    if unknown:
        raise YecaiError(
            f"classes given for columns the relation does not have: {unknown}",
            "pass the relation's own columns and the classes of those columns",
        )
    items = []
    for col in columns:
        cls = classes.get(col)
        expr = (
            quote_ident(col)
            if cls is None
            else masked_sql(action_for(cls, role, policy), quote_ident(col), cls)
        )
        if expr is None:
            continue
        items.append(expr if expr == quote_ident(col) else f"{expr} as {quote_ident(col)}")
    if not items:
        raise YecaiError(
            f"role {role!r} would see none of the columns {list(columns)}",
            "leave the relation out of this role's copy instead",
        )
    return ", ".join(items)


def policy_markdown(policy: Mapping[str, Mapping[str, str]] = POLICY) -> str:
    """The roles × classes table for docs/security.md, generated from ``POLICY``."""
    head = "| class | what it is | " + " | ".join(ROLE_NAMES) + " |"
    rule = "|---|---|" + "---|" * len(ROLE_NAMES)
    rows = [
        f"| `{cls}` | {BY_NAME[cls].description}"
        f"{' (PIPL sensitive)' if BY_NAME[cls].pipl_sensitive else ''} | "
        + " | ".join(policy[cls][r] for r in ROLE_NAMES)
        + " |"
        for cls in CLASS_NAMES
    ]
    roles = [f"- **{r.name}** — {r.purpose}." for r in ROLES]
    return "\n".join([*roles, "", head, rule, *rows])
