"""Published versions (lakehouse snapshots), named closes, the publish log and retention.

``list_versions`` reads the snapshots through the reader entry point (``yecai.published``)
and joins the publish log (who, why, forced). ``close_period`` names a snapshot as a fiscal
period's close (``governance.period_closes``); ``prune`` applies the retention policy of
``publish.yml``: DuckLake expires the snapshots the policy lets go (never a named close,
never the latest publish) and its files are then deleted, so the space is really freed.
Loads no GX.
"""

from __future__ import annotations

import getpass
import json
import os
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import NamedTuple

import duckdb
import yaml

from yecai.errors import YecaiError
from yecai.published import (
    CLOSES_TABLE,
    LAKE_ALIAS,
    META_ALIAS,
    Snapshot,
    connect,
    lake_location,
    parse_as_of,
    publish_lock,
    read_closes,
    read_snapshots,
    resolve_snapshot,
)
from yecai.settings import Paths

_PERIOD = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


@dataclass(frozen=True)
class VersionInfo:
    """One publish: its snapshot, who made it and why, and what it added to storage."""

    version: str
    snapshot_id: int
    size_bytes: int  # Parquet bytes this snapshot added (what changed)
    published_at: str | None
    run_id: str | None
    who: str | None
    forced: bool
    reason: str | None
    closes: tuple[str, ...] = ()  # fiscal periods named as closed at this snapshot


def who() -> str:
    """Who is publishing or closing, as recorded in the log and on the snapshot."""
    try:
        return os.environ.get("USER") or getpass.getuser()
    except Exception:  # no user database entry (containers): still record something
        return "unknown"


def publish_log_path(paths: Paths) -> Path:
    return paths.home / "quality" / "publish_log.jsonl"


def new_version(existing: set[str]) -> str:
    """A sortable version name: the UTC time of publishing, made unique."""
    base = "v" + datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    version, n = base, 1
    while version in existing:
        version, n = f"{base}-{n}", n + 1
    return version


def read_publish_log(paths: Paths) -> list[dict]:
    path = publish_log_path(paths)
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def versions_from(
    snapshots: list[Snapshot],
    log: list[dict],
    sizes: dict[int, int],
    closes: list[tuple[str, int]],
) -> list[VersionInfo]:
    """Publish snapshots joined with the log; the snapshot's own record fills gaps (pure).

    A publish killed after its commit but before its log line still shows, from the
    who/why the snapshot itself carries.
    """
    by_version = {e["version"]: e for e in log if e.get("version")}
    named: dict[int, list[str]] = {}
    for period, snapshot in closes:
        named.setdefault(snapshot, []).append(period)
    out = []
    for s in snapshots:
        if s.kind != "publish":
            continue
        e = {**s.info, **by_version.get(s.version or "", {})}
        out.append(
            VersionInfo(
                version=s.version or f"snapshot-{s.snapshot_id}",
                snapshot_id=s.snapshot_id,
                size_bytes=sizes.get(s.snapshot_id, 0),
                # the commit's time: when readers could first see it (`--as-of` a time)
                published_at=s.snapshot_time.isoformat(),
                run_id=e.get("run_id"),
                who=e.get("who") or s.author,
                forced=bool(e.get("forced")),
                reason=e.get("reason"),
                closes=tuple(sorted(set(named.get(s.snapshot_id, [])))),
            )
        )
    return out


SIZES_SQL = f"""
    select begin_snapshot, sum(file_size_bytes) from (
        select begin_snapshot, file_size_bytes from {META_ALIAS}.ducklake_data_file
        union all
        select begin_snapshot, file_size_bytes from {META_ALIAS}.ducklake_delete_file
    ) group by all
"""


def read_close_rows(con: duckdb.DuckDBPyConnection) -> list[tuple[str, int]]:
    """Every (period, snapshot) ever named as a close, re-closes included."""
    if not read_closes(con):
        return []
    rows = con.execute(f"select period, snapshot_id from {LAKE_ALIAS}.{CLOSES_TABLE}").fetchall()
    return [(p, int(s)) for p, s in rows]


def list_versions(paths: Paths) -> list[VersionInfo]:
    """Every kept publish, oldest first, with who published it, whether forced, and closes."""
    if not lake_location(paths, reader=True).exists():
        return []
    con = connect(paths)
    try:
        snapshots = read_snapshots(con)
        sizes = {int(s): int(b or 0) for s, b in con.execute(SIZES_SQL).fetchall()}
        closes = read_close_rows(con)
    finally:
        con.close()
    return versions_from(snapshots, read_publish_log(paths), sizes, closes)


# --- closes ------------------------------------------------------------------------------

CLOSES_COLUMNS = (
    "period varchar, snapshot_id bigint, version varchar, closed_at timestamptz, "
    "closed_by varchar, note varchar"
)
CLOSES_COMMENT = (
    "Fiscal periods whose books were named closed, with the published snapshot that holds "
    "them: query them with `yecai sql --as-of close:<period>`. The latest row of a period wins."
)


def latest_publish(snapshots: list[Snapshot]) -> Snapshot | None:
    published = [s for s in snapshots if s.kind == "publish"]
    return published[-1] if published else None


class Close(NamedTuple):
    snapshot_id: int  # the snapshot named as the close
    version: str | None  # its version label
    role_copies: str  # what was re-written per role (their governance.period_closes)


def close_period(
    paths: Paths, period: str, who: str, as_of: str | None = None, note: str | None = None
) -> Close:
    """Name a published snapshot (default: the latest publish) as ``period``'s close.

    Recorded in ``governance.period_closes`` by a snapshot of its own; the named snapshot
    never expires. Each role's copy is then re-written from that new snapshot, so a role's
    ``governance.period_closes`` lists the close too.
    """
    if not _PERIOD.match(period):
        raise YecaiError(f"{period!r} is not a fiscal period", "use YYYY-MM, e.g. 2025-03")
    if not lake_location(paths).exists():
        raise YecaiError("nothing has been published yet", "publish first (`yecai run`)")
    from quality.publish import write_role_copies_after  # publish imports this module

    with publish_lock(paths):
        target, marker = _record_close(paths, period, who, as_of, note)
        roles = write_role_copies_after(paths, marker, target.version)
    return Close(target.snapshot_id, target.version, roles)


def _record_close(
    paths: Paths, period: str, who: str, as_of: str | None, note: str | None
) -> tuple[Snapshot, int]:
    """Commit the close: (the snapshot named, the id of the snapshot that records it)."""
    from quality.lake_writer import lake_writer

    with lake_writer(paths) as con:
        snapshots = read_snapshots(con)
        wanted = parse_as_of(as_of)
        if wanted is None:
            target = latest_publish(snapshots)
            if target is None:
                raise YecaiError("nothing has been published yet", "publish first (`yecai run`)")
        else:
            snapshot_id = resolve_snapshot(snapshots, read_closes(con), wanted)
            target = next(s for s in snapshots if s.snapshot_id == snapshot_id)
        closed_at = datetime.now(UTC).isoformat()
        info = {
            "kind": "close",
            "period": period,
            "snapshot_id": target.snapshot_id,
            "version": target.version,
            "who": who,
            "note": note,
        }
        con.execute("begin")
        con.execute(f"create schema if not exists {LAKE_ALIAS}.governance")
        con.execute(f"create table if not exists {LAKE_ALIAS}.{CLOSES_TABLE} ({CLOSES_COLUMNS})")
        con.execute(f"comment on table {LAKE_ALIAS}.{CLOSES_TABLE} is '{CLOSES_COMMENT}'")
        con.execute(
            f"insert into {LAKE_ALIAS}.{CLOSES_TABLE} values (?, ?, ?, ?, ?, ?)",
            [period, target.snapshot_id, target.version, closed_at, who, note],
        )
        con.execute(
            f"call {LAKE_ALIAS}.set_commit_message(?, ?, extra_info => ?)",
            [who, f"close {period} = snapshot {target.snapshot_id}", json.dumps(info)],
        )
        con.execute("commit")
        marker = int(con.execute(f"select id from {LAKE_ALIAS}.current_snapshot()").fetchone()[0])
        return target, marker


# --- retention ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RetentionPolicy:
    """Which snapshots to keep. Named closes and the latest publish are always kept."""

    keep_days: int | None = None  # every snapshot younger than this
    keep_last: int | None = None  # the newest N publishes, whatever their age


def parse_policy(data: object, source: str) -> RetentionPolicy | None:
    """``publish.yml``'s ``retention:`` section → a policy; ``None`` when there is none (pure)."""
    if data is None:
        return None
    if not isinstance(data, dict):
        raise YecaiError(f"{source} is not a mapping", "write `retention: {keep_days: 90}`")
    section = data.get("retention")
    if section is None:
        return None
    if not isinstance(section, dict) or not set(section) <= {"keep_days", "keep_last"}:
        raise YecaiError(
            f"{source}: retention takes keep_days and/or keep_last, got {section!r}",
            "e.g. retention: {keep_days: 90, keep_last: 10}",
        )
    values = {}
    for key in ("keep_days", "keep_last"):
        value = section.get(key)
        if value is not None and (
            not isinstance(value, int) or isinstance(value, bool) or value < 0
        ):
            raise YecaiError(
                f"{source}: retention.{key} must be a whole number ≥ 0, got {value!r}",
                f"e.g. retention: {{{key}: 30}}",
            )
        values[key] = value
    if values["keep_days"] is None and values["keep_last"] is None:
        return None
    return RetentionPolicy(**values)


def load_policy(paths: Paths) -> RetentionPolicy | None:
    """The retention policy of ``<home>/publish.yml``; none (keep everything) without one."""
    path = paths.publish_config
    if not path.exists():
        return None
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise YecaiError(f"{path} is not valid YAML: {exc}", "fix the file") from exc
    return parse_policy(data, str(path))


def snapshots_to_expire(
    snapshots: list[Snapshot],
    protected: set[int],
    policy: RetentionPolicy,
    now: datetime,
) -> list[int]:
    """The snapshot ids ``policy`` lets go (pure).

    Always kept: the latest snapshot, the latest publish, every id in ``protected`` (named
    closes). A publish is kept while it is one of the newest ``keep_last`` publishes or younger
    than ``keep_days``; any other snapshot (creation, close markers) while younger than
    ``keep_days``.
    """
    if not snapshots:
        return []
    keep = set(protected) | {snapshots[-1].snapshot_id}
    publishes = [s for s in snapshots if s.kind == "publish"]
    if publishes:
        keep.add(publishes[-1].snapshot_id)
    if policy.keep_last is not None and policy.keep_last > 0:
        keep |= {s.snapshot_id for s in publishes[-policy.keep_last :]}
    if policy.keep_days is not None:
        horizon = now - timedelta(days=policy.keep_days)
        keep |= {s.snapshot_id for s in snapshots if s.snapshot_time >= horizon}
    elif policy.keep_last is None:
        return []
    return [s.snapshot_id for s in snapshots if s.snapshot_id not in keep]


@dataclass(frozen=True)
class PruneOutcome:
    expired: list[int] = field(default_factory=list)
    bytes_before: int = 0
    bytes_after: int = 0
    dry_run: bool = False

    def message(self) -> str:
        freed = self.bytes_before - self.bytes_after
        if self.dry_run:
            return f"would expire {len(self.expired)} snapshot(s): {self.expired}"
        return (
            f"expired {len(self.expired)} snapshot(s) {self.expired}; data files "
            f"{_mb(self.bytes_before)} → {_mb(self.bytes_after)} MB ({_mb(freed)} MB freed)"
        )


def _mb(n: int) -> str:
    return f"{n / 1e6:.1f}"


def tree_bytes(path: Path) -> int:
    """Bytes of every file under ``path``."""
    total = 0
    for root, _dirs, files in os.walk(path):
        for name in files:
            try:
                total += (Path(root) / name).stat().st_size
            except FileNotFoundError:
                continue
    return total


def prune(
    paths: Paths,
    policy: RetentionPolicy | None = None,
    *,
    dry_run: bool = False,
    now: datetime | None = None,
) -> PruneOutcome:
    """Apply ``policy`` (default: ``publish.yml``): expire snapshots, then delete their files
    and any file no snapshot references (left by a killed publish)."""
    policy = policy if policy is not None else load_policy(paths)
    if not lake_location(paths).exists():
        return PruneOutcome(dry_run=dry_run)
    with publish_lock(paths):
        return _prune_locked(paths, policy, dry_run, now or datetime.now(UTC))


def prune_after_publish(paths: Paths) -> PruneOutcome | None:
    """Called by publish under its lock: prune only when a retention policy is configured."""
    policy = load_policy(paths)
    if policy is None:
        return None
    return _prune_locked(paths, policy, False, datetime.now(UTC))


def _prune_locked(
    paths: Paths, policy: RetentionPolicy | None, dry_run: bool, now: datetime
) -> PruneOutcome:
    from quality.lake_writer import lake_writer

    data = lake_location(paths).data_path
    before = tree_bytes(data)
    with lake_writer(paths) as con:
        snapshots = read_snapshots(con)
        protected = {s for _, s in read_close_rows(con)}
        expired = snapshots_to_expire(snapshots, protected, policy, now) if policy else []
        if dry_run:
            return PruneOutcome(expired, before, before, True)
        if expired:
            con.execute(f"call ducklake_expire_snapshots('{LAKE_ALIAS}', versions => ?)", [expired])
        # Files of expired snapshots, then files no snapshot knows (a publish killed before
        # its commit). Safe under the publish lock: no write is in flight.
        con.execute(f"call ducklake_cleanup_old_files('{LAKE_ALIAS}', cleanup_all => true)")
        con.execute(f"call ducklake_delete_orphaned_files('{LAKE_ALIAS}', cleanup_all => true)")
    return PruneOutcome(expired, before, tree_bytes(data), False)
