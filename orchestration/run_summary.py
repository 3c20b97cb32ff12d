"""What a `yecai run` did, in one screen: what analysts now see and what needs attention.

Gathered after the run from what the run left behind — the publish log (version, or why it
was held back), the run's quality results (checks by severity, the failing ones named), the
build warehouse (periods, entities, the exceptions governance owns) and the summary of the
run before (for the change in exceptions) — then rendered as plain lines that read the same
in a terminal, a CI log and the README. ``gather`` reads, ``render`` is pure,
``remember`` writes the one file the next run's delta comes from.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import duckdb

from yecai import build_warehouse
from yecai.settings import Paths

# The tables of exceptions governance owns, and the column that says each row's kind
# (None: the table is one kind). Read from the build warehouse: after a publish it holds
# what was published, after a blocked one the data that needs fixing.
EXCEPTION_TABLES: dict[str, str | None] = {
    "governance.master_data_exceptions": "kind",
    "governance.reconciliation_exceptions": "exception_type",
    "governance.late_and_retroactive_changes": "kind",
    "governance.duplicate_opportunities": None,
}
# What analysts read per period and entity: the published trial balance says which exist.
COVERAGE_TABLE = "finance.trial_balance"
NAMES_SHOWN = 8  # failing checks listed by name; the scorecard has them all
ENTITIES_SHOWN = 12
REASON_CHARS = 300  # a reason's first line; the run log has the whole message
DETAIL_LINES = 5  # of a failed step's message; the rest is in Dagster's run log
DOCS_URL = "http://127.0.0.1:8580"
UI_URL = "http://127.0.0.1:3000"


@dataclass(frozen=True)
class FailedCheck:
    severity: str  # blocking | warning
    name: str  # asset · check
    why: str


@dataclass(frozen=True)
class ExceptionCount:
    table: str
    kind: str
    count: int
    delta: int | None  # None: no earlier run to compare with

    @property
    def label(self) -> str:
        return f"{self.table.split('.')[-1]}: {self.kind}"


@dataclass
class RunSummary:
    run_id: str
    published: bool
    version: str | None = None
    snapshot_id: int | None = None
    previous_version: str | None = None  # what analysts stay on when nothing was published
    held_back: list[str] = field(default_factory=list)  # why nothing was published
    periods: list[str] = field(default_factory=list)
    entities: list[str] = field(default_factory=list)
    passed: dict[str, int] = field(default_factory=dict)  # severity → checks passed
    failed: list[FailedCheck] = field(default_factory=list)
    exceptions: list[ExceptionCount] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)

    def failed_of(self, severity: str) -> list[FailedCheck]:
        return [f for f in self.failed if f.severity == severity]


# --- decide (pure) -----------------------------------------------------------------------
def check_tally(results: list) -> tuple[dict[str, int], list[FailedCheck]]:
    """Passed per severity and the failed checks, blocking first (pure).

    ``results`` are the run's ``quality.results.CheckResult``s, one per (asset, check).
    """
    passed: dict[str, int] = {"blocking": 0, "warning": 0}
    failed: list[FailedCheck] = []
    for r in results:
        if r.success:
            passed[r.severity] = passed.get(r.severity, 0) + 1
            continue
        why = r.error or (f"{r.unexpected_count} unexpected" if r.unexpected_count else "failed")
        failed.append(FailedCheck(r.severity, f"{r.asset} · {r.check}", why))
    failed.sort(key=lambda f: (f.severity != "blocking", f.name))
    return passed, failed


def held_back_reasons(
    publish_entry: dict | None, steps_failed: dict[str, str], checks_failed: dict[str, str]
) -> list[str]:
    """Why a run published nothing, most decisive first (pure)."""
    reasons = []
    if publish_entry is not None and publish_entry.get("status") == "blocked":
        failed = publish_entry.get("failed_checks") or []
        reasons.append(f"{len(failed)} blocking check(s) failed at the publish audit")
    for step, message in steps_failed.items():
        if step == "warehouse__published" and reasons:
            continue  # the audit's verdict above is that step's failure
        lines = (message or "").splitlines() or [""]
        # the step's detail lines too (other failing dbt nodes, dbt's log), a few at most
        detail = "".join(f"\n{line.strip()}" for line in lines[1:DETAIL_LINES] if line.strip())
        reasons.append(cut(f"step {step} failed: {lines[0]}".rstrip(": ")) + detail)
    blocking = [name for name, sev in checks_failed.items() if "ERROR" in str(sev).upper()]
    if blocking and not reasons:
        reasons.append(f"{len(blocking)} blocking check(s) failed, so publish did not run")
    return reasons or ["publish did not run"]


def with_deltas(counts: dict[tuple[str, str], int], before: dict[str, int] | None):
    """Exception counts with their change since the run before (pure); kinds that went to
    zero are kept with their negative delta, so a fix shows."""
    out = []
    keys = set(counts) | {tuple(k.split("|", 1)) for k in (before or {})}
    for table, kind in sorted(keys):
        now = counts.get((table, kind), 0)
        was = None if before is None else before.get(f"{table}|{kind}", 0)
        if now == 0 and not was:
            continue
        out.append(ExceptionCount(table, kind, now, None if was is None else now - was))
    return out


def cut(text: str, chars: int = REASON_CHARS) -> str:
    return text if len(text) <= chars else text[: chars - 1] + "…"


def period_span(periods: list[str]) -> str:
    if not periods:
        return "none"
    if len(periods) == 1:
        return periods[0]
    return f"{periods[0]}..{periods[-1]} ({len(periods)})"


def _names(items: list[str], shown: int) -> str:
    more = f", … {len(items) - shown} more" if len(items) > shown else ""
    return ", ".join(items[:shown]) + more


def _delta(delta: int | None) -> str:
    if delta is None:
        return "new"
    return "no change" if delta == 0 else f"{delta:+d}"


def render(summary: RunSummary) -> list[str]:
    """The summary as plain lines (pure)."""
    lines = ["── run summary " + "─" * 56]
    if summary.published:
        snap = f" (snapshot {summary.snapshot_id})" if summary.snapshot_id is not None else ""
        lines.append(f"published     version {summary.version}{snap}")
    else:
        stay = (
            f"analysts stay on version {summary.previous_version}"
            if summary.previous_version
            else "nothing is published yet"
        )
        lines.append(f"NOT published — {stay}")
        for reason in summary.held_back:
            first, *more = reason.splitlines() or [""]
            lines.append(f"  because     {first}")
            lines += [f"                {line}" for line in more]
    if summary.published or summary.periods:
        what = "periods" if summary.published else "built periods"
        lines.append(f"{what:<13} {period_span(summary.periods)}")
    if summary.entities:
        lines.append(f"{'entities':<13} {_names(summary.entities, ENTITIES_SHOWN)}")
    blocking_failed = summary.failed_of("blocking")
    warning_failed = summary.failed_of("warning")
    passed = sum(summary.passed.values())
    if passed or summary.failed:
        lines.append(
            f"{'checks':<13} {passed} passed · {len(warning_failed)} warning failed · "
            f"{len(blocking_failed)} blocking failed"
        )
    else:
        lines.append(f"{'checks':<13} none ran")
    if summary.failed:
        lines.append("needs attention")
        for f in summary.failed[:NAMES_SHOWN]:
            mark = "✘ blocking" if f.severity == "blocking" else "⚠ warning "
            lines.append(f"  {mark}  {f.name}: {f.why}")
        if len(summary.failed) > NAMES_SHOWN:
            lines.append(f"  … {len(summary.failed) - NAMES_SHOWN} more on the scorecard")
    if summary.exceptions:
        total = sum(e.count for e in summary.exceptions)
        lines.append(f"exceptions    {total} open for governance (change since the last run)")
        width = max(len(e.label) for e in summary.exceptions)
        for e in summary.exceptions:
            lines.append(f"  {e.label:<{width}}  {e.count:>7}  {_delta(e.delta)}")
    else:
        lines.append("exceptions    none open")
    lines.append("where to look")
    width = max((len(label) for label, _ in summary.links), default=0)
    lines += [f"  {label:<{width}}  {target}" for label, target in summary.links]
    return lines


# --- read (thin) -------------------------------------------------------------------------
def _table_exists(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    schema, name = table.split(".")
    return bool(
        con.execute(
            "select count(*) from information_schema.tables "
            "where table_schema = ? and table_name = ?",
            [schema, name],
        ).fetchone()[0]
    )


def read_warehouse(db: Path) -> tuple[list[str], list[str], dict[tuple[str, str], int]]:
    """Periods, entities and exception counts by (table, kind) of the build warehouse."""
    if not db.exists():
        return [], [], {}
    con = build_warehouse.connect(db)
    try:
        periods: list[str] = []
        entities: list[str] = []
        if _table_exists(con, COVERAGE_TABLE):
            periods = [
                str(r[0])
                for r in con.execute(
                    f"select distinct period from {COVERAGE_TABLE} order by 1"
                ).fetchall()
            ]
            entities = [
                str(r[0])
                for r in con.execute(
                    f"select distinct entity_code from {COVERAGE_TABLE} order by 1"
                ).fetchall()
            ]
        counts: dict[tuple[str, str], int] = {}
        for table, column in EXCEPTION_TABLES.items():
            if not _table_exists(con, table):
                continue
            kind = f"coalesce(cast({column} as varchar), '(none)')" if column else "'all'"
            for k, n in con.execute(f"select {kind}, count(*) from {table} group by 1").fetchall():
                counts[(table, str(k))] = int(n)
        return periods, entities, counts
    finally:
        con.close()


def summary_path(paths: Paths) -> Path:
    return paths.home / "quality" / "last_run_summary.json"


def read_previous(paths: Paths) -> dict[str, int] | None:
    """The exception counts the run before recorded; None for the first run."""
    try:
        data = json.loads(summary_path(paths).read_text(encoding="utf-8"))
        return {str(k): int(v) for k, v in data["exceptions"].items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def remember(paths: Paths, summary: RunSummary) -> None:
    """Keep this run's summary for the next run's delta (written atomically)."""
    path = summary_path(paths)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = asdict(summary)
    data["exceptions"] = {f"{e.table}|{e.kind}": e.count for e in summary.exceptions if e.count}
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    tmp.replace(path)


def links(paths: Paths, run_id: str) -> list[tuple[str, str]]:
    found = []
    scorecard = paths.reports / "scorecard.html"
    if scorecard.exists():
        found.append(("scorecard", scorecard.as_uri()))
    # quality.gx_context.data_docs_dir's folder; importing it would load GX (~8 s) for a path
    docs = paths.reports / "data_docs" / "index.html"
    if docs.exists():
        found.append(("Data Docs", docs.as_uri()))
    found.append(("dictionary", f"yecai docs   → {DOCS_URL}"))
    found.append(("Dagster UI", f"yecai ui     → {UI_URL} (Runs → {run_id[:8]})"))
    return found


def gather(
    paths: Paths,
    run_id: str,
    steps_failed: dict[str, str] | None = None,
    checks_failed: dict[str, str] | None = None,
) -> RunSummary:
    """Everything the summary says about pipeline run ``run_id``."""
    from quality.publish import latest_per_check, read_publish_log, read_run_history

    log = read_publish_log(paths)
    entry = next((e for e in reversed(log) if e.get("run_id") == run_id), None)
    published = entry is not None and entry.get("status") == "published"
    earlier = [e for e in log if e.get("status") == "published" and e is not entry]
    passed, failed = check_tally(latest_per_check(read_run_history(paths, run_id)))
    try:
        periods, entities, counts = read_warehouse(paths.build_db)
    except duckdb.Error:  # another run holds the warehouse: say less rather than fail
        periods, entities, counts = [], [], {}
    return RunSummary(
        run_id=run_id,
        published=published,
        version=entry.get("version") if published else None,
        snapshot_id=entry.get("snapshot_id") if published else None,
        previous_version=earlier[-1].get("version") if earlier else None,
        held_back=[]
        if published
        else held_back_reasons(entry, steps_failed or {}, checks_failed or {}),
        periods=periods,
        entities=entities,
        passed=passed,
        failed=failed,
        exceptions=with_deltas(counts, read_previous(paths)),
        links=links(paths, run_id),
    )
