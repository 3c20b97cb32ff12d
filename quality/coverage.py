"""Which warehouse tables no GX rule checks: shown as "Not checked", never as passed.

A table without rules used to get a passing verdict "no checks declared"; a green light over
nothing reads as "checked and fine". Here such tables are listed with the dbt tests that still
guard their structure (dbt_rules), so the scorecard says what is, and is not, looked at.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from quality.catalog import read_catalog
from quality.checks import Check
from quality.rule_overlap import Rule, dbt_rules
from yecai.settings import DBT_PACKAGE_DIR, Paths

# Views of other data (staging), seeds and dbt's own bookkeeping: what they feed is audited.
NOT_AUDITED_SCHEMAS = frozenset({"staging", "master_seeds", "incremental_state"})


@dataclass(frozen=True)
class NotChecked:
    table: str
    dbt_tests: int  # dbt tests and contract rules on the table (0: nothing checks it)


def not_checked(
    tables: Iterable[str], checks: Iterable[Check], dbt: Iterable[Rule]
) -> list[NotChecked]:
    """The ``tables`` (outside the schemas not audited) that no check in ``checks`` is on."""
    checked = {c.asset for c in checks}
    per_table = Counter(r.table for r in dbt)
    return [
        NotChecked(t, per_table.get(t, 0))
        for t in sorted(set(tables))
        if t not in checked and t.split(".", 1)[0] not in NOT_AUDITED_SCHEMAS
    ]


def not_checked_in(paths: Paths, db: Path) -> list[NotChecked]:
    """The warehouse ``db``'s tables that no suite checks."""
    from quality.runner import planned_checks  # the runner imports GX: only when asked

    catalog = read_catalog(db)
    if not catalog.tables:
        return []
    return not_checked(catalog.tables, planned_checks(paths, db), dbt_rules(DBT_PACKAGE_DIR))
