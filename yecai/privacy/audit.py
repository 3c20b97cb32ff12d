"""The audit log: who published, forced, erased or opened a role's data, and why.

``<home>/audit/audit.jsonl``, append-only, mode 0600. Each entry carries the SHA-256 of the
previous entry (``prev``) and its own (``hash``, over its canonical JSON without ``hash``),
so editing or removing an entry breaks the chain at that point (``verify``). The identity is
the process's, as the operating system gives it: uid and the account name of that uid, the
host and the pid, never ``$USER`` (anyone can set it). Writers hold a file lock, so two
processes appending at once still make one chain.

What the chain cannot show by itself: the tail cut off by someone who can write the file.
So the head (sequence number and hash of the last entry) is anchored outside the home: with
``YECAI_AUDIT_ANCHOR_FILE`` set, every entry appends its head to that file, which the operator
keeps where the home's writers cannot (another mount, an append-only file, a copy sent off the
machine), and ``verify_anchor`` (``yecai privacy audit --verify``) finds the anchored head in
the log, entry for entry. Without the variable, ``yecai privacy audit`` prints the head for the
operator to keep.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from filelock import FileLock

from yecai.errors import YecaiError
from yecai.settings import Paths

ACTIONS = ("publish", "force_publish", "erase", "open_role", "rotate_key", "retention")
GENESIS = "0" * 64
ANCHOR_ENV = "YECAI_AUDIT_ANCHOR_FILE"
COLUMNS = ("seq", "at", "action", "uid", "user", "host", "pid", "reason", "details", "prev", "hash")


def audit_path(paths: Paths) -> Path:
    return paths.home / "audit" / "audit.jsonl"


def os_identity() -> dict[str, Any]:
    """uid, the OS account name of that uid, host and pid of this process."""
    uid = os.getuid() if hasattr(os, "getuid") else -1
    try:
        import pwd

        user = pwd.getpwuid(uid).pw_name
    except (ImportError, KeyError):  # no account entry (a container's bare uid)
        user = f"uid-{uid}"
    return {"uid": uid, "user": user, "host": socket.gethostname(), "pid": os.getpid()}


def entry_hash(entry: dict[str, Any]) -> str:
    body = {k: v for k, v in entry.items() if k != "hash"}
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _last_entry(path: Path) -> dict[str, Any] | None:
    if not path.exists() or path.stat().st_size == 0:
        return None
    with path.open("rb") as fh:
        fh.seek(0, os.SEEK_END)
        size, block, data = fh.tell(), 4096, b""
        while size > 0 and data.count(b"\n") < 2:
            step = min(block, size)
            size -= step
            fh.seek(size)
            data = fh.read(step) + data
    lines = [line for line in data.splitlines() if line.strip()]
    return json.loads(lines[-1]) if lines else None


def record(paths: Paths, action: str, reason: str | None = None, **details: Any) -> dict[str, Any]:
    """Append one entry and return it. ``force_publish`` and ``erase`` need a ``reason``."""
    if action not in ACTIONS:
        raise YecaiError(f"unknown audit action {action!r}", f"use one of: {', '.join(ACTIONS)}")
    if action in ("force_publish", "erase") and not (reason or "").strip():
        raise YecaiError(f"{action} needs a reason for the audit log", 'pass --reason "…"')
    path = audit_path(paths)
    anchor = anchor_path(paths)  # a wrong anchor stops here, before the log is written
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with FileLock(str(path) + ".lock", timeout=60):
        last = _last_entry(path)
        entry: dict[str, Any] = {
            "seq": (last["seq"] + 1) if last else 1,
            "at": datetime.now(UTC).isoformat(timespec="microseconds"),
            "action": action,
            **os_identity(),
            "reason": reason,
            "details": details,
            "prev": last["hash"] if last else GENESIS,
        }
        entry["hash"] = entry_hash(entry)
        line = json.dumps(entry, ensure_ascii=False, default=str) + "\n"
        _append(path, line)
        if anchor is not None:
            _append(anchor, head_line(entry))
    return entry


def _append(path: Path, line: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, line.encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)


# --- the head, anchored outside the home ------------------------------------------------


def head_line(entry: dict[str, Any]) -> str:
    """One line of the anchor file: sequence number, hash and time of an entry (pure)."""
    return f"{entry['seq']} {entry['hash']} {entry['at']}\n"


def anchor_path(paths: Paths, env: dict[str, str] | None = None) -> Path | None:
    """The anchor file ``YECAI_AUDIT_ANCHOR_FILE`` names; None when unset. Inside the home it
    would be cut off with the log (one ``rm -r``, one restored backup), so that is refused."""
    value = (os.environ if env is None else env).get(ANCHOR_ENV, "").strip()
    if not value:
        return None
    path = Path(value).expanduser()
    home = paths.home.resolve()
    if path.resolve() == home or home in path.resolve().parents:
        raise YecaiError(
            f"{ANCHOR_ENV}={path} lies inside the yecai home {paths.home}",
            "keep the audit anchor where the home's writers cannot change it: another mount, "
            "an append-only file (chattr +a), a machine the operator alone controls",
        )
    if not path.parent.is_dir():
        raise YecaiError(
            f"{ANCHOR_ENV}={path}: the folder {path.parent} does not exist",
            "create it (outside the home), or point the variable at an existing file",
        )
    return path


def read_anchor(path: Path) -> tuple[int, str] | None:
    """The last head the anchor file holds: (sequence number, hash); None when it is empty."""
    if not path.exists():
        return None
    lines = [line.split() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    if not lines:
        return None
    try:
        return int(lines[-1][0]), lines[-1][1]
    except (IndexError, ValueError) as exc:
        raise YecaiError(
            f"{path}: the last line is not `<seq> <hash> …`",
            "the anchor file was edited; keep this copy as evidence and investigate",
        ) from exc


def verify_anchor(entries: list[dict[str, Any]], anchored: tuple[int, str] | None) -> list[str]:
    """What the log lacks of the anchored head (empty when it holds it) (pure): the entry with
    the anchored sequence number must be there with the anchored hash. The chain (``verify``)
    then vouches for everything before it."""
    if anchored is None:
        return []
    seq, hash_ = anchored
    found = next((e for e in entries if e.get("seq") == seq), None)
    if found is None:
        last = entries[-1]["seq"] if entries else 0
        return [
            f"the anchor holds entry {seq}, the log ends at entry {last}: "
            f"{seq - last} entr{'y was' if seq - last == 1 else 'ies were'} cut off the end"
        ]
    if found.get("hash") != hash_:
        return [f"entry {seq}: its hash differs from the anchored one (the log was rewritten)"]
    return []


def record_publish(
    paths: Paths, version: str, run_id: str | None = None, force_reason: str | None = None
) -> dict[str, Any]:
    """What publish records for every version it writes: the one call quality/publish makes
    (``publish`` normally, ``force_publish`` with the reason when blocking checks failed)."""
    action = "force_publish" if force_reason else "publish"
    return record(paths, action, force_reason, version=version, run_id=run_id)


def read(paths: Paths) -> list[dict[str, Any]]:
    """Every entry, oldest first."""
    path = audit_path(paths)
    if not path.exists():
        return []
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            out.append(json.loads(line))
        except ValueError as exc:
            raise YecaiError(
                f"{path}, line {n}: not a JSON entry ({exc})",
                "the audit log was edited by hand; keep this copy as evidence and investigate",
            ) from exc
    return out


def verify(entries: Iterable[dict[str, Any]]) -> list[str]:
    """What is wrong with the chain (empty when intact): edited, removed or reordered entries."""
    problems = []
    prev, seq = GENESIS, 0
    for entry in entries:
        n = entry.get("seq")
        if entry.get("prev") != prev:
            problems.append(
                f"entry {n}: does not follow the entry before it (removed or reordered)"
            )
        if entry.get("hash") != entry_hash(entry):
            problems.append(f"entry {n}: its content does not match its hash (edited)")
        if n != seq + 1:
            problems.append(f"entry {n}: expected sequence number {seq + 1}")
        prev, seq = entry.get("hash"), n if isinstance(n, int) else seq + 1
    return problems


def rows(entries: Iterable[dict[str, Any]]) -> list[tuple]:
    """Entries as rows of ``COLUMNS`` (details as JSON text), for a table view."""
    return [
        tuple(
            json.dumps(e.get(c), ensure_ascii=False, default=str) if c == "details" else e.get(c)
            for c in COLUMNS
        )
        for e in entries
    ]


def write_table(con, entries: Iterable[dict[str, Any]], table: str = "governance.audit_log") -> int:
    """(Re)create ``table`` on the DuckDB connection ``con`` from ``entries``; returns rows."""
    data = rows(entries)
    schema = table.split(".", 1)[0] if "." in table else None
    if schema:
        con.execute(f"create schema if not exists {schema}")
    con.execute(
        f'create or replace table {table} (seq bigint, "at" timestamptz, action varchar, '
        '"uid" bigint, "user" varchar, host varchar, pid bigint, reason varchar, details json, '
        "prev varchar, hash varchar)"
    )
    if data:
        con.executemany(f"insert into {table} values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", data)
    return len(data)
