"""The one way to open the build warehouse (``<home>/warehouse/build.duckdb``) from Python.

The build warehouse holds clear personal data (staging and canonical employees, payroll), so
with a warehouse key configured (``YECAI_WAREHOUSE_KEY`` or ``…_KEY_FILE``, and ``…_PREVIOUS``
during a rotation) it is an encrypted DuckDB database that dbt builds into
(docs/decisions/encryption-at-rest.md). Without a key it is a plain file, as before.

- ``connect`` gives a connection whose default catalog is the warehouse (``build``, the
  catalog dbt built its views under), plain or encrypted: every reader and writer in Python
  (audit, publish, scorecard, reports, trace, erase) opens it here.
- ``attach`` attaches it to a connection that has other work to do (the publish writer).
- ``encrypt_for_build`` runs before dbt writes: a warehouse written plain before a key was
  configured, or with the previous key of a rotation, is re-written under the current key,
  so dbt (which holds only the current key's subkey) can open it.
- ``dbt_env`` is what dbt's environment gains when a key is set: the profile's encrypted
  target and the database subkey (never the key itself, never on a command line).
- ``sqlalchemy_url`` / ``sqlalchemy_access`` give Great Expectations (SQLAlchemy and
  duckdb_engine) a connection to the encrypted warehouse with the key in no URL, no
  datasource configuration and no log.

The subkey goes into DuckDB as a prepared parameter (``yecai.privacy.encryption``), never in
SQL text. A reader opens a plain warehouse even when a key is set (it is what there is until
the next build re-writes it encrypted); a writer never leaves one plain.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import duckdb

from yecai.errors import YecaiError
from yecai.privacy.encryption import database_secret, enable_encryption, is_encrypted_database
from yecai.privacy.keys import Key, env_name, load_key

PURPOSE = "warehouse"
# dbt's profile picks its output by this variable; the encrypted output attaches the file with
# the subkey below (yecai/scaffold/company/dbt/profiles.yml).
DBT_TARGET_ENV = "YECAI_DBT_TARGET"
DBT_ENCRYPTED_TARGET = "build_encrypted"
DBT_SECRET_ENV = "YECAI_DBT_WAREHOUSE_SECRET"

_NO_KEY = "without a key"
_NOT_ENCRYPTED = "is not encrypted"
_WRONG_KEY = ("Wrong encryption key", "AES tag")


def _sql_str(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def warehouse_keys(home: Path, env: Mapping[str, str] | None = None) -> list[Key]:
    """The warehouse keys to try, current first; empty when no warehouse key is configured."""
    current = load_key(PURPOSE, home, env, required=False)
    if current is None:
        return []
    previous = load_key(PURPOSE, home, env, previous=True, required=False)
    return [current] + ([previous] if previous and previous.key_id != current.key_id else [])


def _home_of(home: Path | None) -> Path:
    if home is not None:
        return home
    from yecai.settings import get_paths

    return get_paths().home


def _no_key(db: Path) -> YecaiError:
    return YecaiError(
        f"{db} is encrypted and no warehouse key is set",
        f"set {env_name(PURPOSE)}_FILE (or {env_name(PURPOSE)}) to the key the pipeline "
        "builds it with; a key file lies outside the home, mode 0600",
    )


def _wrong_keys(db: Path, keys: list[Key]) -> YecaiError:
    tried = ", ".join(k.key_id for k in keys)
    return YecaiError(
        f"{db} was not written with the warehouse key configured here ({tried})",
        f"set {env_name(PURPOSE)} to the key it was built with (during a rotation, the old "
        f"one in {env_name(PURPOSE, previous=True)}), or delete it and rebuild: yecai run --full",
    )


def _attach_with_keys(
    con: duckdb.DuckDBPyConnection, db: Path, alias: str, keys: list[Key], read_only: bool
) -> Key:
    """Attach encrypted ``db`` with the first key of ``keys`` that opens it."""
    enable_encryption(con)
    options = "encryption_key ?" + (", read_only" if read_only else "")
    for key in keys:
        try:
            con.execute(
                f"attach {_sql_str(str(db))} as {_ident(alias)} ({options})",
                [database_secret(key)],
            )
            return key
        except duckdb.Error as exc:
            if any(marker in str(exc) for marker in _WRONG_KEY):
                continue
            raise
    raise _wrong_keys(db, keys)


def attach(
    con: duckdb.DuckDBPyConnection,
    db: Path,
    alias: str = "build",
    read_only: bool = True,
    home: Path | None = None,
    env: Mapping[str, str] | None = None,
) -> None:
    """Attach the build warehouse ``db`` to ``con`` as ``alias``, with the key when it has one.

    A file that does not exist yet is created encrypted when a key is set (``read_only`` off).
    """
    keys = warehouse_keys(_home_of(home), env)
    plain = f"attach {_sql_str(str(db))} as {_ident(alias)}" + (" (read_only)" if read_only else "")
    if not keys:
        try:
            con.execute(plain)
        except duckdb.Error as exc:
            if _NO_KEY in str(exc):
                raise _no_key(db) from exc
            raise
        return
    if db.exists() and not is_encrypted_database(db):
        con.execute(plain)  # written before the key was set; the next build encrypts it
        return
    _attach_with_keys(con, db, alias, keys, read_only)


def connect(
    db: Path,
    read_only: bool = True,
    home: Path | None = None,
    env: Mapping[str, str] | None = None,
) -> duckdb.DuckDBPyConnection:
    """A connection whose default catalog is the build warehouse ``db``.

    Without a key this is ``duckdb.connect(db, read_only=…)`` as it always was (the catalog is
    named after the file); with one, the file is attached with its key under the same name.
    Errors other than a missing or wrong key (a writer holding the file) are DuckDB's own, so
    callers keep telling the user to wait for the running build. ``home`` (default: the
    current home) is where a key file must not lie.
    """
    keys = warehouse_keys(_home_of(home), env)
    if not keys:
        try:
            return duckdb.connect(str(db), read_only=read_only)
        except duckdb.Error as exc:
            if _NO_KEY in str(exc):
                raise _no_key(db) from exc
            raise
    if db.exists() and not is_encrypted_database(db):
        return duckdb.connect(str(db), read_only=read_only)
    con = duckdb.connect()
    try:
        # spill beside the file, as DuckDB does for a file it opens itself (not in the cwd)
        con.execute(f"set temp_directory = {_sql_str(str(db) + '.tmp')}")
        _attach_with_keys(con, db, db.stem, keys, read_only)
        con.execute(f"use {_ident(db.stem)}")
    except BaseException:
        con.close()
        raise
    return con


def encrypt_for_build(db: Path, home: Path, env: Mapping[str, str] | None = None) -> str | None:
    """Make ``db`` openable by dbt's current configuration before dbt writes to it.

    With a key set: a plain file (written before the key was configured) or one written with
    the previous key of a rotation is copied into a fresh file encrypted with the current key,
    which then replaces it. Without a key, an encrypted file is an error that says which
    variable to set (dbt's own message would not). Returns what was done, for the run's log
    (key IDs only), or None when nothing needed doing. The caller holds the writer lock.
    """
    if not db.exists():
        return None
    keys = warehouse_keys(home, env)
    encrypted = is_encrypted_database(db)
    if not keys:
        if encrypted:
            raise _no_key(db)
        return None
    current = keys[0]
    con = duckdb.connect()
    try:
        if encrypted:
            used = _attach_with_keys(con, db, "old", keys, read_only=True)
            if used.key_id == current.key_id:
                return None
            was = f"encrypted with the previous key {used.key_id}"
        else:
            con.execute(f"attach {_sql_str(str(db))} as old (read_only)")
            was = "plain"
        fresh = db.with_name(f".{db.name}.encrypting")
        fresh.unlink(missing_ok=True)
        _attach_with_keys(con, fresh, "fresh", [current], read_only=False)
        con.execute("copy from database old to fresh")
        con.execute("detach fresh")
        con.execute("detach old")
    finally:
        con.close()
    os.chmod(fresh, 0o600)
    fresh.replace(db)
    db.with_name(db.name + ".wal").unlink(missing_ok=True)
    return f"{db.name} was {was}; re-written encrypted with {current.key_id}"


def dbt_env(home: Path, env: Mapping[str, str] | None = None) -> dict[str, str]:
    """dbt's extra environment: the encrypted target and the database subkey, when a key is
    set; nothing otherwise (the profile's plain target, as before)."""
    keys = warehouse_keys(home, env)
    if not keys:
        return {}
    return {DBT_TARGET_ENV: DBT_ENCRYPTED_TARGET, DBT_SECRET_ENV: database_secret(keys[0])}


# --- SQLAlchemy (Great Expectations through duckdb_engine) ------------------------------------

# A named in-memory database stands for the encrypted warehouse in a SQLAlchemy URL: the URL
# (which GX writes into its datasource configuration) carries this name, never the key; the
# ``do_connect`` listener below attaches the file with the key to every connection made to it.
# It listens on duckdb_engine's dialect: SQLAlchemy ignores class-level listeners registered
# on Engine for this event.
_MARKER_PREFIX = ":memory:yecai_build_"
_targets: dict[str, tuple[Path, list[Key]]] = {}
_targets_lock = threading.Lock()


def _marker(db: Path) -> str:
    return _MARKER_PREFIX + hashlib.sha256(str(db.resolve()).encode()).hexdigest()[:12]


def sqlalchemy_url(db: Path, home: Path | None = None, env: Mapping[str, str] | None = None):
    """``duckdb:///…`` for the warehouse ``db``: the file itself when it is plain or no key is
    set, else a named in-memory database that ``sqlalchemy_access`` attaches it to."""
    keys = warehouse_keys(_home_of(home), env)
    if keys and not (db.exists() and not is_encrypted_database(db)):
        return f"duckdb:///{_marker(db)}"
    return f"duckdb:///{db}"


def _on_connect(dialect, conn_rec, cargs, cparams):  # noqa: ARG001 - SQLAlchemy's signature
    target = _targets.get(str(cparams.get("database", "")))
    if target is None:
        return None  # not ours: SQLAlchemy connects as usual
    db, keys = target
    params = dict(cparams)
    params.pop("read_only", None)  # the in-memory database is writable; the file is not
    con = dialect.connect(*cargs, **params)
    alias = db.stem
    attached = con.execute(
        "select count(*) from duckdb_databases() where database_name = ?", [alias]
    ).fetchone()[0]
    if not attached:  # the named in-memory database is shared by the engine's connections
        _attach_with_keys(con, db, alias, keys, read_only=True)
    con.execute(f"use {_ident(alias)}")
    return con


@contextmanager
def sqlalchemy_access(
    db: Path, home: Path | None = None, env: Mapping[str, str] | None = None
) -> Iterator[None]:
    """While open, SQLAlchemy connections to ``sqlalchemy_url(db)`` read the encrypted
    warehouse (read-only). Nothing to do for a plain one."""
    from duckdb_engine import Dialect
    from sqlalchemy import event

    url = sqlalchemy_url(db, home, env)
    marker = url.removeprefix("duckdb:///")
    if not marker.startswith(_MARKER_PREFIX):
        yield
        return
    with _targets_lock:
        first = not _targets
        _targets[marker] = (db, warehouse_keys(_home_of(home), env))
        if first:
            event.listen(Dialect, "do_connect", _on_connect)
    try:
        yield
    finally:
        with _targets_lock:
            _targets.pop(marker, None)
            if not _targets:
                event.remove(Dialect, "do_connect", _on_connect)
