"""Keyed HMAC-SHA256 tokens computed inside DuckDB, with the key never in the SQL text.

DuckDB 1.5 has ``sha256`` but no HMAC. HMAC(K, m) = H((K ⊕ opad) ‖ H((K ⊕ ipad) ‖ m)), so
the two padded keys are computed here once and handed to the connection as session
variables through prepared parameters; the select list only names the variables. A query
on a connection without the key fails (``error()``) instead of writing NULL tokens.

The message is ``<class>`` ‖ 0x1f ‖ normalised value: the same e-mail written in two cases
gets one token, and a phone number and an ID number never share one.
Measured against a Python UDF on 1M values: docs/benchmarks.md (privacy section).
"""

from __future__ import annotations

import hashlib
import hmac

import duckdb

IPAD_VARIABLE = "yecai_token_ipad"
OPAD_VARIABLE = "yecai_token_opad"
KEY_ID_VARIABLE = "yecai_token_key_id"
TOKEN_PREFIX = "tok_"
TOKEN_HEX_CHARS = 32  # 128 bits: no collisions among any company's people
_BLOCK = 64  # SHA-256 block size


def padded_keys(key: bytes) -> tuple[bytes, bytes]:
    """(K ⊕ ipad, K ⊕ opad) for HMAC-SHA256, K hashed first when longer than a block."""
    k = hashlib.sha256(key).digest() if len(key) > _BLOCK else key
    k = k.ljust(_BLOCK, b"\0")
    return bytes(b ^ 0x36 for b in k), bytes(b ^ 0x5C for b in k)


def install_token_key(con: duckdb.DuckDBPyConnection, key: bytes, key_id: str) -> None:
    """Make ``token_sql`` work on ``con`` with ``key``; the key stays out of every SQL text."""
    ipad, opad = padded_keys(key)
    con.execute(f"set variable {IPAD_VARIABLE} = ?", [ipad])
    con.execute(f"set variable {OPAD_VARIABLE} = ?", [opad])
    con.execute(f"set variable {KEY_ID_VARIABLE} = ?", [key_id])


def forget_token_key(con: duckdb.DuckDBPyConnection) -> None:
    for name in (IPAD_VARIABLE, OPAD_VARIABLE, KEY_ID_VARIABLE):
        con.execute(f"reset variable {name}")


def normalise_sql(column_sql: str, cls: str) -> str:
    """The value as compared for tokens: one person, one token, however the source wrote it."""
    text = f"trim(cast({column_sql} as varchar))"
    if cls in ("email",):
        return f"lower({text})"
    if cls in ("national_id",):
        return f"upper({text})"
    if cls in ("phone", "bank_account"):
        digits = f"regexp_replace({text}, '[^0-9]', '', 'g')"
        # a mainland number written with its country code is the same number
        return (
            f"case when length({digits}) = 13 and starts_with({digits}, '86') "
            f"then substr({digits}, 3) else {digits} end"
            if cls == "phone"
            else digits
        )
    return text


def _variable(name: str) -> str:
    # Both sides cast to blob: an unset variable is of type NULL, and DuckDB folds
    # NULL || x to NULL before the error could fire.
    return (
        f"coalesce(cast(getvariable('{name}') as blob), cast(error('no token key on this "
        "connection: call yecai.privacy.tokens.install_token_key first') as blob))"
    )


def token_sql(column_sql: str, cls: str) -> str:
    """``tok_`` + hex of HMAC-SHA256(key, class ‖ 0x1f ‖ normalised value); NULL stays NULL."""
    message = f"encode('{cls}' || chr(31) || {normalise_sql(column_sql, cls)})"
    inner = f"unhex(sha256({_variable(IPAD_VARIABLE)} || {message}))"
    outer = f"sha256({_variable(OPAD_VARIABLE)} || {inner})"
    return (
        f"case when {column_sql} is null then null "
        f"else '{TOKEN_PREFIX}' || left({outer}, {TOKEN_HEX_CHARS}) end"
    )


def token(key: bytes, cls: str, normalised_value: str) -> str:
    """The same token computed in Python (tests, and looking one person up for erasure)."""
    mac = hmac.new(key, f"{cls}\x1f{normalised_value}".encode(), hashlib.sha256).hexdigest()
    return TOKEN_PREFIX + mac[:TOKEN_HEX_CHARS]


def normalise(cls: str, value: str) -> str:
    """``normalise_sql`` in Python: the value a token is computed over (pure)."""
    text = str(value).strip()
    if cls == "email":
        return text.lower()
    if cls == "national_id":
        return text.upper()
    if cls in ("phone", "bank_account"):
        digits = "".join(ch for ch in text if ch.isdigit())
        if cls == "phone" and len(digits) == 13 and digits.startswith("86"):
            return digits[2:]
        return digits
    return text
