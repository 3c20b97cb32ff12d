"""The governance scorecard: one offline HTML page (inline CSS and SVG, no CDN).

Scores per dimension, domain and owner from each check's latest result; the trend
over runs; the failing checks with their failing keys; exception and quarantine
counts; what the pipeline found grouped by defect kind (``defect_kinds``), beside the demo's
defect log where there is one (``defect_log_comparison``); a link to the GX Data Docs. ``write_scorecard(paths)`` is the entry point.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
from jinja2 import Environment, FileSystemLoader, select_autoescape

from ingestion.lake import scan
from quality import charts, coverage, defect_kinds, defect_log_comparison
from quality.checks import Dimension
from quality.gx_context import data_docs_dir
from quality.results import CheckResult, read_history, to_json
from quality.sql_rules import quote_ident
from yecai import build_warehouse
from yecai.settings import Paths

TEMPLATES = Path(__file__).parent / "templates"


@dataclass(frozen=True)
class Score:
    key: str
    passed: int
    total: int
    blocking_failed: int

    @property
    def percent(self) -> float:
        return 100.0 * self.passed / self.total if self.total else 100.0


# --- pure aggregation ----------------------------------------------------------------
def latest_results(history: list[CheckResult]) -> list[CheckResult]:
    """The most recent result of every (layer, asset, check) still in its asset's suite.

    A check absent from the latest audit of its asset was removed from the suite (or its
    asset renamed); its old result no longer describes the data, so it is left out.
    """
    latest: dict[tuple[str, str, str], CheckResult] = {}
    last_audit: dict[tuple[str, str], datetime] = {}
    for r in sorted(history, key=lambda r: r.checked_at):
        latest[(r.layer, r.asset, r.check)] = r
        last_audit[(r.layer, r.asset)] = r.checked_at
    current = [r for r in latest.values() if r.checked_at == last_audit[(r.layer, r.asset)]]
    # An asset missing from the newest whole-layer audit (more than one asset) no longer
    # exists or is no longer checked: drop it too.
    by_run: dict[tuple[str, str], set[str]] = defaultdict(set)
    run_time: dict[tuple[str, str], datetime] = {}
    for r in history:
        by_run[(r.layer, r.run_id)].add(r.asset)
        run_time[(r.layer, r.run_id)] = max(
            run_time.get((r.layer, r.run_id), r.checked_at), r.checked_at
        )
    newest_layer_audit: dict[str, tuple[datetime, set[str]]] = {}
    for (layer, run), assets in by_run.items():
        if len(assets) > 1 and (
            layer not in newest_layer_audit or run_time[(layer, run)] > newest_layer_audit[layer][0]
        ):
            newest_layer_audit[layer] = (run_time[(layer, run)], assets)
    current = [
        r
        for r in current
        if r.layer not in newest_layer_audit
        or r.asset in newest_layer_audit[r.layer][1]
        or r.checked_at > newest_layer_audit[r.layer][0]
    ]
    return sorted(current, key=lambda r: (r.layer, r.asset, r.check))


def scores_by(results: list[CheckResult], attr: str) -> list[Score]:
    groups: dict[str, list[CheckResult]] = defaultdict(list)
    for r in results:
        groups[str(getattr(r, attr))].append(r)
    if attr == "dimension":  # every dimension shows, even with no checks yet
        for d in Dimension:
            groups.setdefault(str(d), [])
    return [
        Score(
            key,
            sum(r.success for r in rs),
            len(rs),
            sum(r.blocking_failure for r in rs),
        )
        for key, rs in sorted(groups.items())
    ]


def trend(history: list[CheckResult]) -> tuple[list[str], dict[str, list[float | None]]]:
    """Pass rate per run (overall and per dimension), runs ordered by time."""
    runs: dict[str, list[CheckResult]] = defaultdict(list)
    for r in history:
        runs[r.run_id].append(r)
    ordered = sorted(runs.items(), key=lambda kv: min(r.checked_at for r in kv[1]))
    labels = [min(r.checked_at for r in rs).strftime("%m-%d %H:%M:%S") for _, rs in ordered]
    series: dict[str, list[float | None]] = {"overall": []}
    for d in Dimension:
        series[str(d)] = []
    for _, rs in ordered:
        series["overall"].append(100.0 * sum(r.success for r in rs) / len(rs))
        for d in Dimension:
            ds = [r for r in rs if r.dimension == str(d)]
            series[str(d)].append(100.0 * sum(r.success for r in ds) / len(ds) if ds else None)
    return labels, {k: v for k, v in series.items() if any(x is not None for x in v)}


# --- reads ---------------------------------------------------------------------------
def _kind_column(con: duckdb.DuckDBPyConnection, table: str) -> str | None:
    schema, name = table.split(".")
    cols = [
        r[0]
        for r in con.execute(
            "select column_name from information_schema.columns "
            "where table_schema = ? and table_name = ?",
            [schema, name],
        ).fetchall()
    ]
    return next(
        (c for c in ("kind", "exception_type", "exception_kind", "reason", "status") if c in cols),
        None,
    )


def exception_counts(db: Path) -> dict[str, list[tuple[str, int]]]:
    """Master-data and reconciliation exceptions by kind, from the given warehouse."""
    out: dict[str, list[tuple[str, int]]] = {}
    if not db.exists():
        return out
    con = build_warehouse.connect(db)
    try:
        for table in (
            "governance.master_data_exceptions",
            "governance.reconciliation_exceptions",
        ):
            col = _kind_column(con, table)
            if col is None:
                continue
            rows = con.execute(
                f"select coalesce(cast({quote_ident(col)} as varchar), '(none)') as k, count(*) "
                f"from {table} group by k order by 2 desc, 1"
            ).fetchall()
            out[table] = [(str(k), int(n)) for k, n in rows]
    finally:
        con.close()
    return out


def quarantine_counts(paths: Paths) -> list[tuple[str, str, str, int]]:
    """Quarantined rows by source, entity and reason, read from the quarantine zone."""
    files = list(paths.quarantine.glob("*/*/batch=*/*.parquet"))
    if not files:
        return []
    glob = str(paths.quarantine / "*" / "*" / "batch=*" / "*.parquet")
    con = duckdb.connect()
    try:
        source = scan(
            con, paths, glob, filename="true", union_by_name="true", hive_partitioning="false"
        )
        # One row may carry several reasons ("a; b"); details such as "(row 52 kept)" are
        # dropped so rows group by the kind of problem, not by row number, and a quoted
        # value ("value '1990-13-45' is not a valid date") is dropped too: it may be personal.
        rows = con.execute(
            "with q as (select split_part(filename, '/', -4) as source, "
            "split_part(filename, '/', -3) as entity, "
            "unnest(string_split(coalesce(_reason, '(no reason)'), '; ')) as reason from "
            f"{source}), "
            "kinds as (select source, entity, regexp_replace(reason, "
            "'value ''.*'' is not', 'value … is not', 'g') as reason from q) "
            "select source, entity, trim(regexp_replace(reason, '\\s*\\([^)]*[0-9][^)]*\\)', '', 'g')) "
            "as reason, count(*) from kinds group by all order by 4 desc, 1, 2, 3"
        ).fetchall()
    finally:
        con.close()
    return [(s, e, r, int(n)) for s, e, r, n in rows]


# --- render --------------------------------------------------------------------------
def render(
    history: list[CheckResult],
    exceptions: dict[str, list[tuple[str, int]]],
    quarantine: list[tuple[str, str, str, int]],
    data_docs_link: str | None,
    generated_at: datetime,
    findings: list[defect_kinds.Finding] | None = None,
    log_comparison: list[defect_log_comparison.KindComparison] | None = None,
    not_checked: list[coverage.NotChecked] | None = None,
) -> str:
    latest = latest_results(history)
    findings = findings or []
    totals = defect_kinds.totals_by_kind(findings)
    labels, series = trend(history)
    failing = [r for r in latest if not r.success]
    failing.sort(key=lambda r: (r.severity != "blocking", r.layer, r.asset, r.check))
    overall = scores_by(latest, "layer")
    total = len(latest)
    passed = sum(r.success for r in latest)
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html", "j2"])
    )
    env.filters["keys_json"] = to_json  # keeps the key order of the failing row
    return env.get_template("scorecard.html.j2").render(
        generated_at=generated_at.strftime("%Y-%m-%d %H:%M UTC"),
        total=total,
        passed=passed,
        percent=(100.0 * passed / total) if total else None,
        blocking_failed=sum(r.blocking_failure for r in latest),
        by_layer=overall,
        by_dimension=scores_by(latest, "dimension"),
        by_domain=scores_by(latest, "domain"),
        by_owner=scores_by(latest, "owner"),
        trend_svg=charts.line_chart(series, labels, title="pass rate per run") if labels else "",
        runs=len(labels),
        failing=failing,
        exceptions=[
            (table, rows, charts.bar_chart(rows, title=table)) for table, rows in exceptions.items()
        ],
        quarantine=quarantine,
        quarantine_svg=charts.bar_chart(
            [(f"{s}/{e}: {r}", n) for s, e, r, n in quarantine[:15]], title="quarantined rows"
        )
        if quarantine
        else "",
        data_docs_link=data_docs_link,
        kinds=defect_kinds.KINDS,
        not_classifiable=defect_kinds.NOT_CLASSIFIABLE,
        kind_totals=totals,
        log_comparison=log_comparison or [],
        not_checked=not_checked or [],
        kind_counts=[
            c for c in defect_kinds.count_by_kind(findings) if c.kind != defect_kinds.FOLLOW_ON
        ],
        follow_ons=[
            c for c in defect_kinds.count_by_kind(findings) if c.kind == defect_kinds.FOLLOW_ON
        ],
        kinds_svg=charts.bar_chart(
            [(k, n) for k, n in totals.items() if n], title="findings per defect kind"
        )
        if any(totals.values())
        else "",
    )


def write_scorecard(paths: Paths, db_path: Path | None = None) -> Path:
    """Write ``<reports>/scorecard.html`` from the history and the warehouse; returns its path."""
    # The build warehouse: after a publish it holds what was published; after a blocked one,
    # the failing data the governance team needs to see.
    db = db_path or paths.build_db
    docs_index = data_docs_dir(paths) / "index.html"
    paths.reports.mkdir(parents=True, exist_ok=True)
    history = read_history(paths)
    findings = defect_kinds.collect_findings(paths, db, latest_results(history))
    html = render(
        history,
        exception_counts(db),
        quarantine_counts(paths),
        "data_docs/index.html" if docs_index.exists() else None,
        datetime.now(UTC),
        findings,
        # the demo's defect log, only to explain what the data cannot show (demo only)
        defect_log_comparison.comparison(paths, db, defect_kinds.totals_by_kind(findings)),
        coverage.not_checked_in(paths, db),
    )
    out = paths.reports / "scorecard.html"
    tmp = out.with_suffix(".html.tmp")
    tmp.write_text(html, encoding="utf-8")
    tmp.replace(out)
    return out
