"""On the demo company, the scorecard counts every injected defect kind the pipeline can see.

The demo (seed 42, scale 0.01) is generated and loaded, moved forward three days with
`yecai demo advance` and loaded again (an incremental batch: late entries and retroactive
edits happen there), then runs through the pipeline's steps; the scorecard's "Exceptions by
kind · 问题类型" section is parsed (data attributes on its rows) and compared with the demo's
defect log, ground_truth.csv, which the found counts never read (the test removes it and
writes the scorecard again to show the counts do not change).
"""

import csv
import os
import shutil
import sqlite3
import subprocess
import sys
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.orchestration.demo_helpers import serve_demo_crm
from yecai.settings import REPO_ROOT, Paths

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

YECAI = Path(sys.executable).parent / "yecai"
# trade between the group's own entities is logged for the finance tests, but is no defect
NOT_DEFECTS = {"new_record", "changed_record", "intercompany_transaction"}
# Found from the raw zone's version history; checked record by record below.
HISTORY_KINDS = {"late_arriving", "retroactive_change"}
# Documents whose business date puts them in a period, with their date column (the demo injects
# late and retroactive rows on these and on ERP customers, which have no period).
BUSINESS_DATE = {
    ("erp", "sales_orders"): ("erp.sqlite", "order_no", "order_date"),
    ("erp2", "sales_invoices"): ("erp2.sqlite", "doc_id", "doc_date"),
}
# The scorecard names these by the source entity, like the defect log.
SAME_ENTITY_NAMES = {
    "duplicate_row",
    "missing_key",
    "invalid_uscc",
    "unmapped_code",
    "schema_drift",
}


def _yecai(env: dict, *args: str, timeout: int = 1800) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(YECAI), *args], cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )


class _KindRows(HTMLParser):
    """Rows of the defect-kind tables: (table id, attributes of each <tr data-kind=...>)."""

    def __init__(self) -> None:
        super().__init__()
        self.table: str | None = None
        self.rows: list[tuple[str | None, dict[str, str]]] = []

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "table":
            self.table = a.get("id")
        elif tag == "tr" and "data-kind" in a:
            self.rows.append((self.table, a))


def _scorecard_rows(html: str) -> list[tuple[str | None, dict[str, str]]]:
    parser = _KindRows()
    parser.feed(html)
    return parser.rows


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    """Generate the demo, serve its CRM and run the pipeline's steps once for this module.

    The steps `yecai run` performs, without Dagster: ingest every source, one `dbt build`
    over 2025 (the environment and arguments the orchestration uses), audit and publish,
    write the reports. The scorecard read is the one `yecai report quality` writes.
    """
    from orchestration.defs.transform.dbt_args import dbt_build_args

    home = tmp_path_factory.mktemp("scorecard-demo") / "home"
    paths = Paths(home=home)
    env = dict(os.environ)
    env.update(YECAI_HOME=str(home), YECAI_FIRST_PERIOD="2025-01")
    for var in ("YECAI_DBT_PROJECT_DIR", "YECAI_DAGSTER_PG_URL"):
        env.pop(var, None)
    done = _yecai(env, "demo", "generate", "--seed", "42", "--scale", "0.01", timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]

    with serve_demo_crm(env, "scorecard-e2e"):
        done = _yecai(env, "ingest")
        assert done.returncode == 0, (done.stdout + done.stderr)[-4000:]
        first_load = _first_load_history_expectations(paths.demo)
        for step in (("demo", "advance", "--days", "3"), ("ingest",)):
            done = _yecai(env, *step)
            assert done.returncode == 0, (done.stdout + done.stderr)[-4000:]
    paths.build_db.parent.mkdir(parents=True, exist_ok=True)  # as the orchestration does
    # `yecai dbt` runs dbt in the company's project with the environment the pipeline sets
    done = _yecai(
        env,
        "dbt",
        "--",
        *dbt_build_args(("2025-01", "2026-01")),
        "--target-path",
        str(home / "dbt-target"),
        "--log-path",
        str(home / "dbt-logs"),
        timeout=1200,
    )
    assert done.returncode == 0, done.stdout[-4000:]
    for step in (("publish",), ("report", "quality")):
        done = _yecai(env, *step)
        assert done.returncode == 0, (done.stdout + done.stderr)[-4000:]

    with (paths.demo / "ground_truth.csv").open(encoding="utf-8") as handle:
        # `advance` also logs the records it adds and changes: changes, not defects
        truth = [r for r in csv.DictReader(handle) if r["kind"] not in NOT_DEFECTS]
    html = (paths.reports / "scorecard.html").read_text(encoding="utf-8")
    return paths, truth, _scorecard_rows(html), first_load


def _month(value: str) -> str:
    return str(value)[:7]


def _first_load_history_expectations(demo: Path) -> dict[tuple[str, str, str, str], str | None]:
    """For each late / retroactive defect logged by `demo generate`, what one extract of the
    source can show, read from the source's own data (before the demo moves on): the CRM keeps
    a creation time, so its rows keep their kind; an ERP document last written in a later month
    than its business date is late_or_retroactive (no creation time says which); anything else
    (written within its own period, master data) shows as nothing.
    Keys are (kind, system, entity, key)."""
    with (demo / "ground_truth.csv").open(encoding="utf-8") as handle:
        logged = [r for r in csv.DictReader(handle) if r["kind"] in HISTORY_KINDS]
    out: dict[tuple[str, str, str, str], str | None] = {}
    for r in logged:
        where = (r["system"], r["entity"])
        shown = r["kind"] if r["system"] == "crm" else None
        if where in BUSINESS_DATE:
            db, key_col, date_col = BUSINESS_DATE[where]
            con = sqlite3.connect(demo / db)
            try:
                business, written = con.execute(
                    f"select {date_col}, updated_at from {r['entity']} where {key_col} = ?",
                    [r["key"]],
                ).fetchone()
            finally:
                con.close()
            if _month(written) > _month(business):
                shown = "late_or_retroactive"
        out[(r["kind"], r["system"], r["entity"], r["key"])] = shown
    return out


def _totals(rows) -> dict[str, str]:
    return {a["data-kind"]: a["data-count"] for table, a in rows if table == "kind-totals"}


def _counts(rows) -> Counter:
    out: Counter = Counter()
    for table, a in rows:
        if table == "kind-counts":
            out[(a["data-kind"], a["data-system"], a["data-entity"])] += int(a["data-count"])
    return out


def test_every_countable_kind_shows_the_ground_truth_count(demo_run):
    _, truth, rows, _ = demo_run
    totals = _totals(rows)
    truth_kinds = Counter(r["kind"] for r in truth)
    # every kind the demo injected has a row on the scorecard
    assert set(truth_kinds) <= set(totals), set(truth_kinds) - set(totals)
    exact = set(truth_kinds) - HISTORY_KINDS - {"cross_system_alias"}
    assert len(exact) >= 12
    mismatches = {k: (totals[k], truth_kinds[k]) for k in exact if int(totals[k]) != truth_kinds[k]}
    assert not mismatches, f"kind: (scorecard, ground truth) {mismatches}"


def test_counts_per_system_and_source_entity_match(demo_run):
    _, truth, rows, _ = demo_run
    counts = _counts(rows)
    by_system: Counter = Counter()
    for (kind, system, _), n in counts.items():
        by_system[(kind, system)] += n
    truth_by_system = Counter(
        (r["kind"], r["system"])
        for r in truth
        if r["kind"] not in HISTORY_KINDS | {"cross_system_alias"}
    )
    assert {k: by_system[k] for k in truth_by_system} == dict(truth_by_system)
    # kinds found on a source entity carry the defect log's entity name
    truth_by_entity = Counter(
        (r["kind"], r["system"], r["entity"]) for r in truth if r["kind"] in SAME_ENTITY_NAMES
    )
    assert {k: counts[k] for k in truth_by_entity} == dict(truth_by_entity)


def test_deleted_records_are_counted_where_the_demo_deleted_them(demo_run):
    _, truth, rows, _ = demo_run
    counts = _counts(rows)
    truth_deleted = Counter(
        (r["system"], r["entity"]) for r in truth if r["kind"] == "deleted_record"
    )
    assert truth_deleted
    assert {k: counts[("deleted_record", *k)] for k in truth_deleted} == dict(truth_deleted)


def _alias_has_counterpart(demo: Path, row: dict) -> bool:
    """Whether the aliased company also exists in another source system (read from the demo's
    own databases): only then can any pipeline see two spellings of it."""
    crm = sqlite3.connect(demo / "crm.sqlite")
    erp = sqlite3.connect(demo / "erp.sqlite")
    erp2 = sqlite3.connect(demo / "erp2.sqlite")
    try:
        if row["system"] == "crm":  # detail "uscc=<code>"
            code = row["detail"].split("=", 1)[1].strip()
            in_erp = erp.execute(
                "select count(*) from (select tax_id from customers union all "
                "select tax_id from vendors) where tax_id = ?",
                [code],
            ).fetchone()[0]
            in_erp2 = erp2.execute(
                "select count(*) from bp_master where reg_number = ?", [code]
            ).fetchone()[0]
            return bool(in_erp or in_erp2)
        legal = row["detail"].split("legal name '", 1)[1].rstrip("'")
        in_crm = crm.execute("select count(*) from accounts where name = ?", [legal]).fetchone()[0]
        in_erp2 = erp2.execute(
            "select count(*) from bp_master where bp_name = ?", [legal]
        ).fetchone()[0]
        return bool(in_crm or in_erp2)
    finally:
        for con in (crm, erp, erp2):
            con.close()


def test_cross_system_aliases_with_a_counterpart_are_all_found(demo_run):
    paths, truth, rows, _ = demo_run
    aliases = [r for r in truth if r["kind"] == "cross_system_alias"]
    detectable = [r for r in aliases if _alias_has_counterpart(paths.demo, r)]
    assert detectable, "the demo logged no alias another system could reveal"
    assert int(_totals(rows)["cross_system_alias"]) == len(detectable)


def _defect_log_rows(rows) -> dict[str, dict[str, str]]:
    return {a["data-kind"]: a for table, a in rows if table == "defect-log"}


def test_cross_system_aliases_split_into_found_and_held_by_one_system(demo_run):
    paths, truth, rows, _ = demo_run
    aliases = [r for r in truth if r["kind"] == "cross_system_alias"]
    detectable = [r for r in aliases if _alias_has_counterpart(paths.demo, r)]
    shown = _defect_log_rows(rows)["cross_system_alias"]
    assert int(shown["data-logged"]) == len(aliases)
    assert int(shown["data-detectable"]) == len(detectable) == int(shown["data-found"])


def _expected_history_counts(truth, first_load) -> Counter:
    """(kind shown, system, entity) for every logged late / retroactive defect: what the first
    extract can show for those `demo generate` made, the logged kind for those `advance` made
    (an incremental batch, with the previous batch's watermark to judge by)."""
    left = Counter(first_load.keys())
    out: Counter = Counter()
    for r in truth:
        if r["kind"] not in HISTORY_KINDS:
            continue
        ident = (r["kind"], r["system"], r["entity"], r["key"])
        shown = r["kind"]
        if left[ident]:
            left[ident] -= 1
            shown = first_load[ident]
        if shown:
            out[(shown, r["system"], r["entity"])] += 1
    return out


def test_late_and_retroactive_counts_match_the_defect_log(demo_run):
    _, truth, rows, first_load = demo_run
    expected = _expected_history_counts(truth, first_load)
    # `advance` made one late deal and one retroactive edit in the CRM, on top of generation's
    assert expected[("late_arriving", "crm", "opportunities")] >= 2
    assert expected[("retroactive_change", "crm", "opportunities")] >= 2
    counts = _counts(rows)
    found = {k: n for k, n in counts.items() if k[0] in HISTORY_KINDS | {"late_or_retroactive"}}
    assert found == dict(expected)
    totals = _totals(rows)
    for kind in [*HISTORY_KINDS, "late_or_retroactive"]:
        assert int(totals[kind]) == sum(n for (k, _, _), n in expected.items() if k == kind)
    # beside the defect log: every logged one is found or its reason given
    log = _defect_log_rows(rows)
    for kind in HISTORY_KINDS:
        logged = sum(r["kind"] == kind for r in truth)
        assert int(log[kind]["data-logged"]) == logged
        assert int(log[kind]["data-found"]) == int(totals[kind])
        assert int(log[kind]["data-detectable"]) == int(totals[kind])


def test_scorecard_counts_do_not_come_from_the_defect_log(demo_run):
    paths, _, rows, _ = demo_run
    from quality.scorecard import write_scorecard

    hidden = paths.home / "ground_truth.hidden.csv"
    shutil.move(paths.demo / "ground_truth.csv", hidden)
    try:
        again = _scorecard_rows(write_scorecard(paths).read_text(encoding="utf-8"))
    finally:
        shutil.move(hidden, paths.demo / "ground_truth.csv")
    assert _totals(again) == _totals(rows)
    assert _counts(again) == _counts(rows)
