"""Which entities land encrypted, reading the lake with its keys, and re-encrypting a folder.

An entity whose contract classifies a column (or names one the way a class is named: fail
closed, ``classification.effective_classes``) holds clear personal data in its raw batches,
its quarantine and its latest-versions index. With a lake key configured those files are
written with Parquet modular encryption (``yecai.privacy.lake_crypto``) and each batch's
manifest and record carry the key ID; without one they land in clear, as before, and the run
says so once.

An entity's files all share one state: landing first brings the older files to the state new
ones are written in (``converge``: a key configured after the first batches, or rotated), so
dbt's views, which read a whole folder by one glob, need no file list. Python readers do not
rely on it: ``scan`` groups whatever files it is given (docs/decisions/lake-parquet-encryption.md).
"""

from __future__ import annotations

import functools
import json
import logging
import os
import time
from pathlib import Path

import duckdb

from ingestion.batches import write_json_atomic
from ingestion.contract import Contract
from ingestion.duck import ident, sql_str
from ingestion.lake import MANIFEST, committed_batches, quarantine_dir
from ingestion.landing import file_checksums
from yecai.privacy.classification import effective_classes
from yecai.privacy.encryption import encrypted_parquet_source, register_parquet_key
from yecai.privacy.keys import Key, env_name
from yecai.privacy.lake_crypto import (
    LAKE,
    copy_options,
    current_key,
    key_for_file,
    lake_keyring,
    parquet_scan,
    probe_key,
)
from yecai.settings import Paths

log = logging.getLogger(__name__)


def holds_personal_data(contract: Contract) -> bool:
    """True when a column of the contract is classified (a tag, or a name that says a class)."""
    tags = {c.name: c.classification for c in contract.columns if c.classification}
    return bool(effective_classes(contract.column_names, tags))


def write_key(paths: Paths, contract: Contract) -> Key | None:
    """The key the entity's new Parquet files are written with; None: in clear."""
    if not holds_personal_data(contract):
        return None
    key = current_key(lake_keyring(paths.home))
    if key is None:
        _warn_landing_in_clear(str(paths.home))
    return key


@functools.cache
def _warn_landing_in_clear(home: str) -> None:
    """Once per process (a ``yecai ingest``, a Dagster run): entities are landing in clear."""
    name = env_name(LAKE)
    log.warning(
        # no "key:" in the text: the log redaction takes "key: <word>" for a credential
        "no lake key is set, so raw and quarantine files of entities with classified columns "
        "are written in clear under %s. Set %s_FILE to a key file outside the home (mode 0600; "
        "docs/security.md, Keys) to encrypt them; the next ingest of each entity then "
        "re-encrypts what is already landed.",
        home,
        name,
    )


def write_parquet(
    con: duckdb.DuckDBPyConnection, select_sql: str, path: Path, key: Key | None
) -> int:
    """COPY a SELECT to one zstd Parquet file, encrypted with ``key`` (None: clear); rows."""
    options = copy_options(con, key)
    return con.execute(
        f"copy ({select_sql}) to '{sql_str(str(path))}' (format parquet, compression zstd{options})"
    ).fetchone()[0]


# --- converge: every file of an entity in the state new files are written in ----------------


def _marker(paths: Paths, source: str, entity: str) -> Path:
    return paths.lake_meta / "rewrite" / f"{source}-{entity}.json"


def _key_change_record(paths: Paths) -> Path:
    return paths.lake_meta / "rewrite" / "last_key_change.json"


def key_changed_since(paths: Paths, since: float | None) -> str | None:
    """The entity whose files were last re-written with another key (or in clear), when that
    was after ``since`` (POSIX seconds); None otherwise.

    dbt's views over an entity name its key (or read it in clear), and the daily increment
    does not rebuild views: after such a re-write the next build must be a full one.
    """
    record = _key_change_record(paths)
    if not record.is_file():
        return None
    try:
        data = json.loads(record.read_text(encoding="utf-8"))
        at = float(data["at"])
    except (OSError, ValueError, KeyError, TypeError):
        return "an entity"  # unreadable: a needless full build costs minutes, a stale view fails
    return str(data.get("entity") or "an entity") if since is None or at > since else None


def rewrite_pending(paths: Paths, contract: Contract) -> bool:
    """True when a re-write of the entity's files was killed halfway: its manifests may not
    match its files until ``converge`` has run again (so it runs before the integrity check)."""
    return _marker(paths, contract.source, contract.entity).is_file()


def _entity_files(paths: Paths, source: str, entity: str) -> dict[Path, list[Path]]:
    """Raw batch folder -> its raw and quarantine Parquet files."""
    out = {}
    for batch in committed_batches(paths, source, entity):
        q = quarantine_dir(paths, source, entity) / batch.name
        out[batch] = sorted(batch.glob("*.parquet")) + sorted(q.glob("*.parquet"))
    return out


def _rewrite(
    con, path: Path, key: Key | None, keyring: dict[str, Key], select_list: str = "*"
) -> None:
    """Re-write one file with ``key`` (None: clear), atomically, keeping its rows' order."""
    tmp = path.with_name(f".{path.name}.rewrite")
    # hive_partitioning off: the folder's batch=<id> must not become a column of the file
    source = parquet_scan(con, [path], keyring, hive_partitioning="false")
    write_parquet(con, f"select {select_list} from {source}", tmp, key)
    os.chmod(tmp, path.stat().st_mode & 0o777)
    os.replace(tmp, path)


def _record(con, batch: Path, key: Key | None) -> None:
    """The manifest after its files were re-written with ``key``: their sizes, checksums and
    columns, and the key ID."""
    key_id = key.key_id if key else None
    manifest = json.loads((batch / MANIFEST).read_text(encoding="utf-8"))
    files = [batch / e["name"] for e in manifest.get("files") or []]
    if "files" in manifest:
        checksum, entries = file_checksums(files)
        manifest["files"], manifest["checksum_sha256"] = entries, checksum
    if files:
        # read with ``key`` itself: the manifest still names the key the files had before
        first = str(files[0])
        source = (
            encrypted_parquet_source(
                first, register_parquet_key(con, key), hive_partitioning="false"
            )
            if key
            else f"read_parquet('{sql_str(first)}', hive_partitioning = false)"
        )
        rows = con.execute(f"describe select * from {source}").fetchall()
        manifest["schema"] = [{"name": r[0], "type": r[1]} for r in rows]
    manifest["key_id"] = key_id
    if isinstance(manifest.get("batch"), dict):
        manifest["batch"]["key_id"] = key_id
    write_json_atomic(batch / MANIFEST, manifest)


def converge(
    con: duckdb.DuckDBPyConnection, paths: Paths, contract: Contract, key: Key | None
) -> list[str]:
    """Bring every landed file of the entity to ``key`` (None: clear); call under its lock.

    Batches whose manifest already records ``key``'s ID are skipped without opening a file,
    so an entity already in its state costs a manifest read per batch. Files are re-written
    first and their manifest after; a run killed in between leaves a marker, and the next run
    then asks every file which key opens it and re-records every manifest from the disk. The
    latest-versions index is a cache: it is removed and rebuilt by the next batch. Returns
    what was done, for the log.
    """
    source, entity = contract.source, contract.entity
    target = key.key_id if key else None
    keyring = lake_keyring(paths.home)
    marker = _marker(paths, source, entity)
    resume = marker.is_file()
    done: list[str] = []
    for batch, files in _entity_files(paths, source, entity).items():
        recorded = json.loads((batch / MANIFEST).read_text(encoding="utf-8")).get("key_id")
        if recorded == target and not resume:
            continue
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.write_text(json.dumps({"key_id": target}), encoding="utf-8")
        rewritten = 0
        for path in files:
            have = probe_key(con, path, keyring) if resume else key_for_file(con, path, keyring)
            if (have.key_id if have else None) != target:
                _rewrite(con, path, key, keyring)
                rewritten += 1
        _record(con, batch, key)
        if rewritten:
            state = f"with {target}" if target else "in clear"
            done.append(f"re-wrote {rewritten} file(s) of {batch.name} {state}")
    if done:
        record = _key_change_record(paths)
        record.parent.mkdir(parents=True, exist_ok=True)
        change = {"at": time.time(), "entity": f"{source}.{entity}", "key_id": target}
        write_json_atomic(record, change)
    if key is not None:
        done += _unify_columns(con, paths, contract, key, keyring)
    if done:
        index = paths.lake_meta / "latest" / source / entity
        for path in index.glob("*") if index.is_dir() else []:
            path.unlink(missing_ok=True)
    marker.unlink(missing_ok=True)
    return done


def _unify_columns(
    con, paths: Paths, contract: Contract, key: Key, keyring: dict[str, Key]
) -> list[str]:
    """Give every encrypted raw file of the entity the same columns (a column a batch lacks
    is added, empty); returns what was done.

    DuckDB 1.5.5 cannot read encrypted files with ``union_by_name`` (an internal error), and
    without it a glob is read with the first file's columns: a later file that lacks one fails,
    a column only later files have is not seen. dbt's views read the raw zone by one glob, so
    each batch that lands with other columns (a drift column added or gone) re-writes the older
    ones once. Columns whose type differs between batches are left alone (nothing is cast).
    """
    source, entity = contract.source, contract.entity
    shapes: dict[Path, dict[str, str]] = {}
    for batch in committed_batches(paths, source, entity):
        manifest = json.loads((batch / MANIFEST).read_text(encoding="utf-8"))
        if manifest.get("files") and manifest.get("schema"):
            shapes[batch] = {c["name"]: c["type"] for c in manifest["schema"]}
    if len({tuple(sorted(s.items())) for s in shapes.values()}) < 2:
        return []
    union: dict[str, str] = {}
    for shape in reversed(list(shapes.values())):  # the newest batch's order first
        for name, type_ in shape.items():
            if union.setdefault(name, type_) != type_:
                log.warning(
                    "%s.%s: column %s is %s in one batch and %s in another; its encrypted "
                    "files keep their own columns",
                    source,
                    entity,
                    name,
                    type_,
                    union[name],
                )
                return []
    marker = _marker(paths, source, entity)
    done = []
    for batch, shape in shapes.items():
        if shape.keys() == union.keys():
            continue
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.write_text(json.dumps({"key_id": key.key_id}), encoding="utf-8")
        select_list = ", ".join(
            ident(name) if name in shape else f"cast(null as {type_}) as {ident(name)}"
            for name, type_ in union.items()
        )
        for path in sorted(batch.glob("*.parquet")):
            _rewrite(con, path, key, keyring, select_list)
        _record(con, batch, key)
        done.append(f"re-wrote {batch.name} with the entity's {len(union)} columns")
    return done
