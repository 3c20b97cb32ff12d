"""Encrypted Parquet in the lake: the raw and quarantine files of entities holding personal data.

An entity whose contract classifies a column (``yecai.privacy.classification``) lands its raw
batches, its quarantine and its latest-versions index as Parquet with modular encryption
under the lake key (``YECAI_LAKE_KEY`` / ``…_FILE``) when one is configured; other entities,
and every entity while no lake key is set, land in clear (docs/decisions/lake-parquet-encryption.md).

DuckDB refuses ``encryption_config`` on a clear file and needs it on an encrypted one, and one
``read_parquet`` takes one footer key. So a reader never hands DuckDB a glob: it lists the
files, tells clear from encrypted by the Parquet magic at the end of each (``PAR1`` / ``PARE``)
and reads each group with its key (``parquet_scan``). Which key opened a file is the key ID
its batch manifest records; a file without one (a staged file, the index) is opened with the
only key there is, or, during a rotation, with the first of the keyring that opens it.
"""

from __future__ import annotations

import glob as globlib
import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import duckdb

from yecai.errors import YecaiError
from yecai.privacy.encryption import enable_encryption, register_parquet_key
from yecai.privacy.keys import Key, env_name, load_key

LAKE = "lake"
CLEAR_MAGIC = b"PAR1"
ENCRYPTED_MAGIC = b"PARE"  # the footer is encrypted (DuckDB's modular encryption)
MANIFEST = "manifest.json"


def lake_keyring(home: Path, env: Mapping[str, str] | None = None) -> dict[str, Key]:
    """Key ID -> key: the current lake key first, then ``…_PREVIOUS`` during a rotation.

    Empty when no lake key is configured (the lake is then written in clear).
    """
    ring: dict[str, Key] = {}
    for previous in (False, True):
        key = load_key(LAKE, home, env, previous=previous, required=False)
        if key is not None:
            ring.setdefault(key.key_id, key)
    return ring


def current_key(keyring: Mapping[str, Key]) -> Key | None:
    """The key new files are written with: the ring's first (``YECAI_LAKE_KEY``)."""
    return next(iter(keyring.values()), None)


def no_key_fix() -> str:
    name = env_name(LAKE)
    return (
        f"export {name}_FILE=/etc/yecai/{LAKE}.key (a file outside the yecai home, mode 0600, "
        f"holding the key the lake was written with; see docs/security.md, Keys)"
    )


def is_encrypted_parquet(path: Path) -> bool:
    """True when ``path`` is Parquet with an encrypted footer (it ends in ``PARE``)."""
    with Path(path).open("rb") as fh:
        try:
            fh.seek(-len(ENCRYPTED_MAGIC), 2)
        except OSError:
            return False  # shorter than the magic: not Parquet at all, let the reader say so
        return fh.read() == ENCRYPTED_MAGIC


def copy_options(con: duckdb.DuckDBPyConnection, key: Key | None) -> str:
    """What to add inside ``COPY … (format parquet, …)`` to write with ``key`` (None: clear).

    The key goes in through a session variable (``register_parquet_key``); only its name,
    derived from the key ID, appears in the statement.
    """
    if key is None:
        return ""
    enable_encryption(con)
    return f", encryption_config {{footer_key: '{register_parquet_key(con, key)}'}}"


def manifest_key_id(path: Path) -> str | None:
    """The key ID the batch manifest of ``path`` records, when it has one.

    Raw files sit beside their manifest; a quarantine file's batch has its manifest in the raw
    zone (``<lake>/quarantine/<source>/<entity>/batch=<id>/`` ↔ ``<lake>/raw/…``).
    """
    batch = path.parent
    candidates = [batch / MANIFEST]
    entity_dir, source_dir, zone = batch.parent, batch.parent.parent, batch.parent.parent.parent
    if zone.name == "quarantine":
        raw = zone.parent / "raw" / source_dir.name / entity_dir.name / batch.name
        candidates.append(raw / MANIFEST)
    for manifest in candidates:
        if manifest.is_file():
            try:
                return json.loads(manifest.read_text(encoding="utf-8")).get("key_id")
            except (OSError, ValueError):
                return None
    return None


def opens_with(con: duckdb.DuckDBPyConnection, path: Path, key: Key) -> bool:
    """True when ``key`` decrypts ``path``'s footer."""
    name = register_parquet_key(con, key)
    try:
        con.execute(
            f"select count(*) from read_parquet({_literal(str(path))}, "
            f"encryption_config = {{footer_key: '{name}'}})"
        ).fetchone()
    except duckdb.Error:
        return False
    return True


def key_for_file(
    con: duckdb.DuckDBPyConnection, path: Path, keyring: Mapping[str, Key]
) -> Key | None:
    """The key that opens ``path``; None for a clear file. A YecaiError naming the fix when
    the file is encrypted and no key of the ring was the one it was written with."""
    if not is_encrypted_parquet(path):
        return None
    if not keyring:
        raise YecaiError(f"{path} is encrypted and no lake key was given", no_key_fix())
    recorded = manifest_key_id(path)
    if recorded is not None:
        if recorded in keyring:
            return keyring[recorded]
        raise YecaiError(
            f"{path} was written with lake key {recorded}, which is neither "
            f"{env_name(LAKE)} ({', '.join(keyring)}) nor {env_name(LAKE, previous=True)}",
            f"set {env_name(LAKE)}_FILE (or, during a rotation, "
            f"{env_name(LAKE, previous=True)}_FILE) to the key with ID {recorded}",
        )
    if len(keyring) == 1:
        return next(iter(keyring.values()))
    return probe_key(con, path, keyring)


def probe_key(con: duckdb.DuckDBPyConnection, path: Path, keyring: Mapping[str, Key]) -> Key | None:
    """The key that opens ``path``, found by trying each of the ring (no record asked)."""
    if not is_encrypted_parquet(path):
        return None
    if not keyring:
        raise YecaiError(f"{path} is encrypted and no lake key was given", no_key_fix())
    for key in keyring.values():
        if opens_with(con, path, key):
            return key
    raise YecaiError(
        f"{path} opens with none of the lake keys given ({', '.join(keyring)})",
        f"set {env_name(LAKE)}_FILE to the key it was written with",
    )


def expand(files: str | Path | Iterable[str | Path]) -> list[Path]:
    """A glob (str) or a list of files, as sorted paths."""
    if isinstance(files, str):
        return [Path(p) for p in sorted(globlib.glob(files))]
    if isinstance(files, Path):
        return [files]
    return [Path(f) for f in files]


def parquet_scan(
    con: duckdb.DuckDBPyConnection,
    files: str | Path | Sequence[str | Path],
    keyring: Mapping[str, Key],
    **options: str,
) -> str:
    """A FROM-clause expression reading ``files`` (a glob or a list), each with its key.

    ``options`` are ``read_parquet``'s (``union_by_name = 'true'``, ``filename = 'true'``…),
    given as SQL text. Clear and encrypted files (or files of two keys, during a rotation)
    are read by one ``read_parquet`` each, united by name. Needs at least one file.
    """
    paths = expand(files)
    if not paths:
        raise ValueError("parquet_scan needs at least one file")
    groups: dict[str | None, list[Path]] = {}
    for path in paths:
        key = key_for_file(con, path, keyring)
        groups.setdefault(key.key_id if key else None, []).append(path)
    if isinstance(files, str) and list(groups) == [None]:
        return _read_parquet(files, options)  # all clear: the glob itself, as before
    unite = str(options.get("union_by_name", "")).lower() == "true"
    scans = []
    for key_id, group in groups.items():
        if key_id is None:
            scans.append(_read_parquet(group, options))
            continue
        name = register_parquet_key(con, keyring[key_id])
        opts = {k: v for k, v in options.items() if k != "union_by_name"}
        opts["encryption_config"] = f"{{footer_key: '{name}'}}"
        # DuckDB 1.5.5 fails with an internal error (and invalidates the database) on
        # union_by_name over encrypted files; files of one column set need no uniting, so
        # each set is read by itself and the sets are united by name below.
        sets = _by_columns(con, group, opts["encryption_config"]) if unite else [group]
        scans += [_read_parquet(files, opts) for files in sets]
    if len(scans) == 1:
        return scans[0]
    return "(" + " union all by name ".join(f"select * from {s}" for s in scans) + ")"


def _read_parquet(files: str | list[Path], options: Mapping[str, str]) -> str:
    if isinstance(files, str):
        listed = _literal(files)
    else:
        listed = "[" + ", ".join(_literal(str(p)) for p in files) + "]"
    return f"read_parquet({listed}{''.join(f', {k} = {v}' for k, v in options.items())})"


# (path, size, mtime) -> the file's columns: a file is never changed in place (re-written
# files get a new mtime), so a process asks each file once.
_COLUMNS: dict[tuple[str, int, int], tuple[tuple[str, str], ...]] = {}


def _by_columns(con: duckdb.DuckDBPyConnection, files: list[Path], config: str) -> list[list[Path]]:
    """``files`` split into runs of the same columns (names and types, as stored), in order."""
    sets: dict[tuple, list[Path]] = {}
    for path in files:
        st = path.stat()
        stamp = (str(path), st.st_size, st.st_mtime_ns)
        if stamp not in _COLUMNS:
            rows = con.execute(
                f"describe select * from read_parquet({_literal(str(path))}, "
                f"encryption_config = {config}, hive_partitioning = false)"
            ).fetchall()
            _COLUMNS[stamp] = tuple((r[0], r[1]) for r in rows)
        sets.setdefault(_COLUMNS[stamp], []).append(path)
    return list(sets.values())


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
