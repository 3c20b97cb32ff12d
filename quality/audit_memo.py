"""Check results a publish audit carries over instead of running GX on unchanged data again.

A publish audits every planned check (quality/publish.py ``audit_build``). The checks Dagster ran
in the same run are reused; the rest belong to tables the run did not rebuild, and running
GX on them again re-reads rows that did not change: 36 of the 50 s of a no-change publish at
scale 0.01 (docs/decisions/audit-carries-over-unchanged-checks.md).

A recorded result is carried over only when all of these hold:

- the check reads nothing but its own table and no clock: it is not a ``sql`` check, or its
  SQL names no relation but ``{batch}`` (and its own WITH names) and calls no ``now()``. Its
  verdict is then a function of the table's rows and of the check's definition alone; one
  that reads ``current_date`` is carried over within the same day only;
- the check's definition is the one it was recorded with: the check itself (kind, arguments,
  severity, description), the asset's query and keys, the sensitive columns its failing keys
  are redacted by, the failing-keys sample size, and the versions of yecai and GX;
- the table's fingerprint is the one taken when the result was recorded: its columns with
  their types, its row count and the sum of its rows' hashes (over the asset's query); for a
  lake asset with a files glob (the raw zone, the batch records), the names, sizes and mtimes
  of its files, which are replaced and never changed in place, so nothing is read.

Results are remembered where checks run (``quality.runner``: Dagster's check steps, the audit,
``yecai check``), with the table's fingerprint taken before and after GX read it; a table whose
rows moved meanwhile is not remembered. The memo is one JSON file under the quality folder
(each entry one check's last result), mode 0600 as everything under the home. A missing or
unreadable memo only means that every check runs, as before it existed.
"""

from __future__ import annotations

import functools
import glob
import hashlib
import json
import os
import re
from collections.abc import Iterable
from dataclasses import asdict
from datetime import UTC, date, datetime
from importlib import metadata
from pathlib import Path

import duckdb

from ingestion.batches import write_json_atomic
from quality.checks import Asset, Check
from quality.results import CheckResult, to_json
from yecai import build_warehouse
from yecai.settings import Paths

# A relation named after FROM or JOIN (``distinct from`` is a comparison); ``{batch}`` is the
# asset itself and ``(`` opens a subquery, whose own FROM is looked at.
_RELATION = re.compile(r"(?<!distinct )\b(?:from|join)\s+(\"[^\"]+\"|[\w.]+)", re.IGNORECASE)
# The names a WITH clause defines: ``with a as (``, ``, b(x, y) as (``.
_CTE = re.compile(r"(?:\bwith|,)\s+(\w+)\s*(?:\([^()]*\))?\s+as\s*\(", re.IGNORECASE)
# A clock makes a verdict change with time alone: never carried over.
_CLOCK = re.compile(r"\b(now|current_timestamp|get_current_time|current_time)\b", re.IGNORECASE)
# The date alone: carried over within the same day only (the date is part of the spec).
_TODAY = re.compile(r"\b(current_date|today)\b", re.IGNORECASE)


def memo_path(paths: Paths) -> Path:
    return paths.home / "quality" / "audit_memo.json"


def reads_only_its_table(check: Check) -> bool:
    """Whether ``check``'s verdict depends on nothing but its table's rows and the date
    (pure)."""
    if check.kind != "sql":
        return True
    sql = str(check.args.get("sql", ""))
    own = {name.lower() for name in _CTE.findall(sql)}
    others = [r for r in _RELATION.findall(sql) if r.lower() not in own]
    return not others and not _CLOCK.search(sql)


@functools.cache
def _versions() -> str:
    found = []
    for package in ("yecai", "great_expectations"):
        try:
            found.append(f"{package}={metadata.version(package)}")
        except metadata.PackageNotFoundError:
            found.append(f"{package}=?")
    return ",".join(found)


def check_spec(check: Check, asset: Asset, sensitive: tuple[str, ...], sample: int) -> str:
    """A digest of everything a check's result depends on besides the rows (pure but for the
    installed versions)."""
    day = date.today().isoformat() if _TODAY.search(str(check.args.get("sql", ""))) else None
    text = repr((check, sorted(check.args.items()), asset, sensitive, sample, _versions(), day))
    return hashlib.sha256(text.encode()).hexdigest()


def fingerprints(assets: Iterable[Asset], build: Path) -> dict[str, str]:
    """Each asset's fingerprint (columns, row count, sum of row hashes); an asset that cannot
    be read gets none, so its checks run."""
    out: dict[str, str] = {}
    assets = list(assets)
    if not assets:
        return out
    warehouse = (
        build_warehouse.connect(build)
        if build.exists() and any(a.source == "warehouse" for a in assets)
        else None
    )
    lake = duckdb.connect()
    try:
        for asset in assets:
            if asset.files:
                out[asset.name] = _files_fingerprint(asset)
                continue
            con = warehouse if asset.source == "warehouse" else lake
            if con is None:
                continue
            try:
                columns = con.execute(f"select * from ({asset.query}) q limit 0").description
                count, hashes = con.execute(
                    f"select count(*), coalesce(sum(hash(q)), 0)::varchar from ({asset.query}) q"
                ).fetchone()
            except duckdb.Error:
                continue
            shape = [(c[0], str(c[1])) for c in columns]
            out[asset.name] = hashlib.sha256(repr((shape, count, hashes)).encode()).hexdigest()
    finally:
        lake.close()
        if warehouse is not None:
            warehouse.close()  # publish opens the file read-write next, in this process
    return out


def _files_fingerprint(asset: Asset) -> str:
    """The fingerprint of a lake asset's files: their names, sizes and mtimes, and the query
    that reads them (landed files are replaced, never changed in place)."""
    found = []
    for name in sorted(glob.glob(asset.files or "")):
        stat = os.stat(name)
        found.append((name, stat.st_size, stat.st_mtime_ns))
    return hashlib.sha256(repr((asset.query, found)).encode()).hexdigest()


def load(paths: Paths) -> dict[str, dict]:
    """The memo: ``"<asset>\\t<check>"`` → {spec, fingerprint, result}; {} when absent or
    unreadable (every check then runs)."""
    try:
        entries = json.loads(memo_path(paths).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return entries if isinstance(entries, dict) else {}


def _key(asset: str, check: str) -> str:
    return f"{asset}\t{check}"


def carried_over(
    memo: dict[str, dict], check: Check, spec: str, fingerprint: str | None, run_id: str
) -> CheckResult | None:
    """The memo's result of ``check`` for this run, or None when it must run (pure).
    ``spec`` comes from ``specs_for``, which gives one only to checks that may be carried."""
    entry = memo.get(_key(check.asset, check.name))
    if (
        fingerprint is None
        or not entry
        or entry.get("spec") != spec
        or entry.get("fingerprint") != fingerprint
    ):
        return None
    try:
        fields = dict(entry["result"])
        # Recorded under this run (the run's history holds every planned check), with the time
        # the rows were really checked.
        fields["run_id"] = run_id
        fields["checked_at"] = datetime.fromisoformat(fields["checked_at"]).astimezone(UTC)
        return CheckResult(**{k: fields[k] for k in CheckResult.__dataclass_fields__})
    except (KeyError, TypeError, ValueError):
        return None


def specs_for(
    checks: Iterable[Check],
    assets: dict[str, Asset],
    sensitive: dict[str, tuple[str, ...]],
    sample: int,
) -> dict[tuple[str, str], str]:
    """``check_spec`` of every check that may be carried over, by (asset, check)."""
    return {
        (c.asset, c.name): check_spec(c, assets[c.asset], sensitive.get(c.asset, ()), sample)
        for c in checks
        if c.asset in assets and reads_only_its_table(c)
    }


def remember(
    paths: Paths,
    results: Iterable[CheckResult],
    specs: dict[tuple[str, str], str],
    prints: dict[str, str],
) -> None:
    """Add the results whose check may be carried over and whose table's rows are known
    (``prints``: taken before and after the checks ran) to the memo, replacing it atomically.

    Called inside a GX session, whose lock keeps two writers of the memo apart.
    """
    memo = load(paths)
    for r in results:
        spec = specs.get((r.asset, r.check))
        fingerprint = prints.get(r.asset)
        if spec is None or fingerprint is None:
            continue
        memo[_key(r.asset, r.check)] = {
            "spec": spec,
            "fingerprint": fingerprint,
            "result": json.loads(to_json(asdict(r))),
        }
    memo_path(paths).parent.mkdir(parents=True, exist_ok=True)
    write_json_atomic(memo_path(paths), memo)
