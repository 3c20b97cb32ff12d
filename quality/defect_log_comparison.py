"""The demo's defect log next to what the pipeline found, kind by kind, with the reason for
every defect the data cannot show.

A real company has no defect log; the demo writes one (``<home>/demo/ground_truth.csv``,
columns kind,system,entity,key,detail). When it is there, the scorecard shows each kind's
logged count beside its found count, and for the logged defects no rule can count under their
kind, why: an alias of a company only one system holds has no second spelling to compare; on
a system's first extract, with no creation time, a late entry and a later edit look the same.
The found counts never come from the log: this module only reads it to explain differences.

Pure decisions on plain tuples; the two readers at the bottom are thin.
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from yecai import build_warehouse
from yecai.settings import Paths

# Changes the demo logs so incremental loads can be checked; not defects.
_NOT_DEFECTS = {"new_record", "changed_record", "intercompany_transaction"}
HISTORY_KINDS = ("late_arriving", "retroactive_change")

ONE_SYSTEM_ONLY = "company held by one system only: no second spelling to compare"
FIRST_EXTRACT = "first extract of a system with no creation time: counted as late_or_retroactive"
NO_PERIOD_RULE = (
    "not late by the period rule: written within its own period, or a record with no "
    "business period (master data)"
)


@dataclass(frozen=True)
class LoggedDefect:
    kind: str
    system: str
    entity: str
    key: str


@dataclass(frozen=True)
class KindComparison:
    kind: str
    logged: int
    found: int
    # (reason, how many logged defects of the kind it explains)
    undetectable: list[tuple[str, int]] = field(default_factory=list)

    @property
    def detectable(self) -> int:
        return self.logged - sum(n for _, n in self.undetectable)


# --- pure decisions ------------------------------------------------------------------
def alias_reasons(
    aliases: list[LoggedDefect], crosswalk: list[tuple[str, str, str, str]]
) -> Counter:
    """Logged aliases the crosswalk shows no other system holding.

    ``crosswalk`` rows are (unified_party_code, source_system, source_entity, source_code).
    """
    unified_of = {(s, e, c): u for u, s, e, c in crosswalk}
    systems_of: dict[str, set[str]] = defaultdict(set)
    for u, s, _, _ in crosswalk:
        systems_of[u].add(s)
    out: Counter = Counter()
    for a in aliases:
        unified = unified_of.get((a.system, a.entity, a.key))
        if unified is None or len(systems_of[unified]) < 2:
            out[ONE_SYSTEM_ONLY] += 1
    return out


def history_reasons(
    logged: list[LoggedDefect], flagged: dict[tuple[str, str, str], set[str]]
) -> Counter:
    """Logged late / retroactive defects the history rules cannot count under their kind.

    ``flagged`` maps (system, entity, key) to the kinds governance.late_and_retroactive_changes
    gives the record.
    """
    out: Counter = Counter()
    for d in logged:
        kinds = flagged.get((d.system, d.entity, d.key), set())
        if d.kind in kinds:
            continue
        out[FIRST_EXTRACT if "late_or_retroactive" in kinds else NO_PERIOD_RULE] += 1
    return out


def compare(
    logged: list[LoggedDefect],
    found_totals: dict[str, int],
    crosswalk: list[tuple[str, str, str, str]],
    flagged: dict[tuple[str, str, str], set[str]],
) -> list[KindComparison]:
    """One comparison per kind the log or the findings name, in the findings' order."""
    by_kind: dict[str, list[LoggedDefect]] = defaultdict(list)
    for d in logged:
        if d.kind not in _NOT_DEFECTS:
            by_kind[d.kind].append(d)
    out = []
    for kind in [*found_totals, *(k for k in by_kind if k not in found_totals)]:
        rows = by_kind.get(kind, [])
        if kind == "cross_system_alias":
            reasons = alias_reasons(rows, crosswalk)
        elif kind in HISTORY_KINDS:
            reasons = history_reasons(rows, flagged)
        else:
            reasons = Counter()
        out.append(
            KindComparison(kind, len(rows), found_totals.get(kind, 0), sorted(reasons.items()))
        )
    return out


# --- reads ---------------------------------------------------------------------------
def read_defect_log(paths: Paths) -> list[LoggedDefect] | None:
    """The demo's defect log, or None where there is none (every real deployment)."""
    log = paths.demo / "ground_truth.csv"
    if not log.exists():
        return None
    with log.open(encoding="utf-8", newline="") as handle:
        return [
            LoggedDefect(r["kind"], r["system"], r["entity"], r["key"])
            for r in csv.DictReader(handle)
        ]


def read_warehouse(
    db: Path,
) -> tuple[list[tuple[str, str, str, str]], dict[tuple[str, str, str], set[str]]]:
    """(party crosswalk, late/retroactive kinds per record) from the warehouse."""
    crosswalk: list[tuple[str, str, str, str]] = []
    flagged: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    if not db.exists():
        return crosswalk, flagged
    con = build_warehouse.connect(db)
    try:
        for query, sink in (
            (
                "select unified_party_code, source_system, source_entity, party_source_code "
                "from master.party_crosswalk",
                "crosswalk",
            ),
            (
                "select source_system, entity, record_key, kind "
                "from governance.late_and_retroactive_changes",
                "flagged",
            ),
        ):
            try:
                rows = con.execute(query).fetchall()
            except duckdb.CatalogException:
                continue  # an older or hand-made warehouse without the table
            for row in rows:
                row = tuple(str(v) for v in row)
                if sink == "crosswalk":
                    crosswalk.append(row)
                else:
                    flagged[row[:3]].add(row[3])
    finally:
        con.close()
    return crosswalk, flagged


def comparison(paths: Paths, db: Path, found_totals: dict[str, int]) -> list[KindComparison]:
    """The scorecard's comparison with the demo's defect log; empty without a log."""
    logged = read_defect_log(paths)
    if logged is None:
        return []
    crosswalk, flagged = read_warehouse(db)
    return compare(logged, found_totals, crosswalk, flagged)
