"""SQL expressions for validity rules, built as text so DuckDB evaluates them in place.

Pure functions: each returns a DuckDB SQL fragment. They are checked against
independent Python implementations in tests/unit/quality/test_sql_rules.py.
"""

from __future__ import annotations

# GB 32100-2015: 31 characters (no I, O, Z, S, V); weights 3^i mod 31 for positions 1..17;
# check character = charset[(31 - sum mod 31) mod 31].
USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))

# GB 11643-1999: weights 2^(17-i) mod 11; check character = "10X98765432"[sum mod 11].
NATIONAL_ID_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))
NATIONAL_ID_CHECK = "10X98765432"

PERIOD_REGEX = r"^[0-9]{4}-(0[1-9]|1[0-2])$"
# Source ledgers also use period 00 for balances brought forward (年初余额).
SOURCE_PERIOD_REGEX = r"^[0-9]{4}-(0[0-9]|1[0-2])$"
CURRENCY_REGEX = r"^[A-Z]{3}$"


def quote_ident(name: str) -> str:
    """A DuckDB identifier, quoted so reserved words and odd names are safe."""
    return '"' + name.replace('"', '""') + '"'


def quote_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _weights(ws: tuple[int, ...]) -> str:
    return "[" + ", ".join(str(w) for w in ws) + "]"


def uscc_is_valid_sql(column: str) -> str:
    """True when the column holds a GB 32100 code with a matching check character.

    NULL in, NULL out: absence is a completeness question, not a validity one.
    """
    c = quote_ident(column)
    charset = quote_literal(USCC_CHARSET)
    total = (
        f"cast(list_sum(list_transform(range(17), lambda i: "
        f"(strpos({charset}, substr({c}, i + 1, 1)) - 1) * {_weights(USCC_WEIGHTS)}[i + 1])) as bigint)"
    )
    return (
        f"(regexp_full_match({c}, '[0-9A-HJ-NPQRTUWXY]{{18}}') "
        f"and substr({c}, 18, 1) = substr({charset}, ((31 - {total} % 31) % 31) + 1, 1))"
    )


def national_id_is_valid_sql(column: str) -> str:
    """True when the column holds a GB 11643 resident identity number with a matching check."""
    c = quote_ident(column)
    total = (
        f"cast(list_sum(list_transform(range(17), lambda i: "
        f"try_cast(substr({c}, i + 1, 1) as integer) * {_weights(NATIONAL_ID_WEIGHTS)}[i + 1])) as bigint)"
    )
    return (
        f"(regexp_full_match({c}, '[0-9]{{17}}[0-9Xx]') "
        f"and upper(substr({c}, 18, 1)) = substr({quote_literal(NATIONAL_ID_CHECK)}, ({total} % 11) + 1, 1))"
    )


def invalid_rows_sql(predicate_valid: str, column: str, keys: tuple[str, ...]) -> str:
    """Unexpected-rows query: rows whose non-null ``column`` fails ``predicate_valid``."""
    cols = ", ".join(quote_ident(k) for k in (*keys, column) if k) or "*"
    return (
        f"select {cols} from {{batch}} "
        f"where {quote_ident(column)} is not null and not coalesce({predicate_valid}, false)"
    )
