"""Encryption at rest with DuckDB's own formats (docs/decisions/encryption-at-rest.md).

- DuckDB databases: ``ATTACH … (ENCRYPTION_KEY ?)`` (AES-GCM; the WAL too).
- What DuckDB spills to disk when a query outgrows its memory cap: clear unless
  ``temp_file_encryption`` is on, even for an encrypted database (measured, duckdb 1.5.5).
  Every connection that is given a key turns it on (``encrypt_spills``).
- Parquet files: modular encryption, ``PRAGMA add_parquet_key`` + ``COPY … (ENCRYPTION_CONFIG
  {footer_key: …})``; read back with ``read_parquet(…, encryption_config = {…})``.
- DuckLake: ``ENCRYPTED`` data files (a key per file, kept in the catalog) with the catalog
  itself an encrypted DuckDB (``META_ENCRYPTION_KEY``).

DuckDB 1.5 writes encrypted files only with OpenSSL, which ships in the httpfs extension
(``duckdb-extension-httpfs`` wheel); without it DuckDB can read but refuses to write. Keys go
in as prepared parameters or session variables, never in SQL text, so no log or profile
can show them. Each use gets its own subkey (``Key.derive``).
"""

from __future__ import annotations

import base64
import os
from pathlib import Path

import duckdb
import duckdb_extensions

from yecai.errors import YecaiError
from yecai.privacy.keys import Key, env_name

PARQUET_KEY_VARIABLE = "yecai_parquet_key"


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def encrypt_spills(con: duckdb.DuckDBPyConnection) -> None:
    """Encrypt what ``con`` spills to its temp directory (a key per DuckDB instance).

    A connection that holds a key reads or writes data that is encrypted at rest; a sort or
    join of it that outgrows the memory cap would otherwise land on disk in clear.
    """
    con.execute("set temp_file_encryption = true")


def enable_encryption(con: duckdb.DuckDBPyConnection) -> None:
    """Load OpenSSL (the httpfs extension, from its wheel) so ``con`` can write encrypted files,
    and encrypt its spills."""
    encrypt_spills(con)
    loaded = con.execute(
        "select loaded from duckdb_extensions() where extension_name = 'httpfs'"
    ).fetchone()
    if loaded and loaded[0]:
        return
    duckdb_extensions.import_extension("httpfs", con=con)
    con.execute("load httpfs")


def database_secret(key: Key) -> str:
    return key.derive("duckdb").hex()


def parquet_key_name(key: Key) -> str:
    """The name a Parquet key is registered under: one per key ID, so a rotation can hold both."""
    return "yecai_" + key.key_id.replace("-", "_")


def _fix_for(key: Key | None, path: Path) -> str:
    purpose = key.purpose if key else "warehouse"
    return (
        f"set {env_name(purpose)} (or {env_name(purpose)}_FILE) to the key {path.name} was "
        f"written with; during a rotation the old one goes in {env_name(purpose, previous=True)}"
    )


def _translate(exc: duckdb.Error, path: Path, key: Key | None) -> YecaiError:
    text = str(exc)
    if "without a key" in text or "encryption_config' was not set" in text:
        return YecaiError(f"{path} is encrypted and no key was given", _fix_for(key, path))
    if "Wrong encryption key" in text or "AES tag" in text:
        return YecaiError(
            f"{path} was not written with key {key.key_id if key else '?'}", _fix_for(key, path)
        )
    return YecaiError(f"cannot open {path}: {text.splitlines()[0]}", "check the file and the key")


def attach_encrypted(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    key: Key,
    alias: str | None = None,
    read_only: bool = False,
) -> str:
    """Attach the encrypted DuckDB ``path`` (created if missing) to ``con``; returns the alias.

    The alias defaults to the file's stem, the catalog name views inside it were created
    under (dbt builds ``build.duckdb`` as catalog ``build``).
    """
    enable_encryption(con)
    name = alias or path.stem
    options = "encryption_key ?" + (", read_only" if read_only else "")
    try:
        con.execute(
            f"attach {_literal(str(path))} as {_ident(name)} ({options})", [database_secret(key)]
        )
    except duckdb.Error as exc:
        raise _translate(exc, path, key) from exc
    return name


def connect_encrypted(
    path: Path, keys: list[Key] | Key, read_only: bool = False
) -> duckdb.DuckDBPyConnection:
    """A connection whose default catalog is the encrypted database ``path``.

    With several keys (a rotation), the first that opens the file is used.
    """
    candidates = [keys] if isinstance(keys, Key) else list(keys)
    last: YecaiError | None = None
    for key in candidates:
        con = duckdb.connect()
        try:
            name = attach_encrypted(con, path, key, read_only=read_only)
        except YecaiError as exc:
            con.close()
            last = exc
            continue
        con.execute(f"use {_ident(name)}")
        return con
    raise last or YecaiError(f"no key given to open {path}", _fix_for(None, path))


def is_encrypted_database(path: Path) -> bool:
    """True when ``path`` is a DuckDB database that cannot be opened without a key."""
    con = duckdb.connect()
    try:
        con.execute(f"attach {_literal(str(path))} as probe (read_only)")
        return False
    except duckdb.Error as exc:
        if "without a key" in str(exc):
            return True
        raise
    finally:
        con.close()


def register_parquet_key(con: duckdb.DuckDBPyConnection, key: Key) -> str:
    """Make ``key`` usable for Parquet on ``con``; returns the name to pass as footer_key."""
    encrypt_spills(con)
    name = parquet_key_name(key)
    secret = base64.b64encode(key.derive("parquet")).decode("ascii")  # AES-256
    con.execute(f"set variable {PARQUET_KEY_VARIABLE} = ?", [secret])
    try:
        con.execute(f"pragma add_parquet_key('{name}', getvariable('{PARQUET_KEY_VARIABLE}'))")
    finally:
        con.execute(f"reset variable {PARQUET_KEY_VARIABLE}")
    return name


def write_encrypted_parquet(
    con: duckdb.DuckDBPyConnection, query: str, path: Path, key: Key, params: list | None = None
) -> Path:
    """Write ``query``'s rows to ``path`` as encrypted Parquet, atomically and mode 0600."""
    enable_encryption(con)
    name = register_parquet_key(con, key)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    con.execute(
        f"copy ({query}) to {_literal(str(tmp))} "
        f"(format parquet, encryption_config {{footer_key: '{name}'}})",
        params or [],
    )
    os.chmod(tmp, 0o600)
    tmp.replace(path)
    return path


def encrypted_parquet_source(glob: str, key_name: str, **options: str) -> str:
    """``read_parquet(glob, encryption_config = {footer_key: …}, …)`` for a FROM clause."""
    extra = "".join(f", {k} = {v}" for k, v in options.items())
    return (
        f"read_parquet({_literal(glob)}, encryption_config = {{footer_key: '{key_name}'}}{extra})"
    )


def read_encrypted_parquet(
    con: duckdb.DuckDBPyConnection, path: Path, key: Key, query: str = "select * from {source}"
) -> duckdb.DuckDBPyRelation:
    """Rows of the encrypted Parquet ``path`` (``{source}`` in ``query`` is the file)."""
    name = register_parquet_key(con, key)
    try:
        return con.sql(query.format(source=encrypted_parquet_source(str(path), name)))
    except duckdb.Error as exc:
        raise _translate(exc, path, key) from exc


def ducklake_attach(
    catalog: Path, data_path: Path, alias: str, key: Key, read_only: bool = False
) -> tuple[str, list[str]]:
    """The ATTACH statement and parameters of an encrypted DuckLake (data files and catalog).

    Run it with ``con.execute(sql, params)`` after ``load ducklake`` and ``enable_encryption``.
    """
    options = ["data_path ?", "encrypted", "meta_encryption_key ?"]
    if read_only:
        options.append("read_only")
    sql = f"attach {_literal('ducklake:' + str(catalog))} as {_ident(alias)} ({', '.join(options)})"
    return sql, [str(data_path), key.derive("ducklake").hex()]
