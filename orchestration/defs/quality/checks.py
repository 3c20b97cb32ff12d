"""Quality suites as asset checks: per table, one blocking gate and one warning report.

A table (or a severity) with no GX rules reports no result: Dagster shows the check as
skipped, never as a pass ("not checked"; the scorecard lists such tables).

The checks of many tables run in one step (one ``multi_asset_check`` per group from
``tables.candidate_tables``): one GX session and one warehouse connection per layer instead of
one per table, which was most of Dagster's overhead. The UI still shows both checks on every
table, and a failed blocking check still keeps everything downstream from running.
"""

import logging
from collections.abc import Mapping

import dagster as dg

from orchestration.defs.quality import wiring
from orchestration.defs.quality.verdict import (
    BLOCKING,
    WARNING,
    Verdict,
    reportable,
    verdicts_for,
)
from orchestration.defs.shared.policies import WAREHOUSE_POOL
from orchestration.defs.shared.resources import WarehouseWriter, YecaiHome

BLOCKING_CHECK = "blocking_rules"
WARNING_CHECK = "warning_rules"
CHECK_SEVERITY = {
    BLOCKING_CHECK: (BLOCKING, dg.AssetCheckSeverity.ERROR),
    WARNING_CHECK: (WARNING, dg.AssetCheckSeverity.WARN),
}


class _NoRulesIsNotAMissingGate(logging.Filter):
    """Drops Dagster's warning that a blocking check emitted no result, for our own gates.

    Here no result means the table has no blocking rules (shown skipped, by design); the
    warning, once per such table, buried the run's real output.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return not ("emitted no result" in message and f":{BLOCKING_CHECK}'" in message)


logging.getLogger("dagster._core.execution.plan.active").addFilter(_NoRulesIsNotAMissingGate())


def _metadata(table: str, verdict: Verdict) -> dict[str, object]:
    meta: dict[str, object] = {
        "table": table,
        "checks": verdict.total,
        "failed": ", ".join(verdict.failed) or "none",
    }
    if verdict.details:
        meta["results"] = dg.MetadataValue.json(verdict.details)
    if verdict.failing_keys:
        meta["failing_keys_sample"] = dg.MetadataValue.json(verdict.failing_keys)
    return meta


def _specs(table: str, asset_key: dg.AssetKey) -> list[dg.AssetCheckSpec]:
    return [
        dg.AssetCheckSpec(
            BLOCKING_CHECK,
            asset=asset_key,
            blocking=True,
            description=f"Blocking quality rules on {table}: a failure stops publishing.",
        ),
        dg.AssetCheckSpec(
            WARNING_CHECK,
            asset=asset_key,
            description=f"Warning quality rules on {table}: shown on the scorecard.",
        ),
    ]


def tables_to_run(tables: Mapping[str, dg.AssetKey], selected: set[dg.AssetCheckKey]) -> list[str]:
    """The tables with at least one selected check (pure): a subset run checks only those."""
    return sorted(
        table
        for table, key in tables.items()
        if any(dg.AssetCheckKey(key, name) in selected for name in CHECK_SEVERITY)
    )


def build_group_checks(group: str, tables: Mapping[str, dg.AssetKey]) -> dg.AssetChecksDefinition:
    """One step that runs the suites of every table in ``tables`` and reports two checks each.

    ``blocking_rules`` has blocking=True: when it fails, Dagster does not run anything
    downstream of the table in that run, so publish never sees a failed gate. The step can
    be subset: a run that selects some of the tables checks only those.
    """
    tables = dict(sorted(tables.items()))
    specs = [spec for table, key in tables.items() for spec in _specs(table, key)]

    @dg.multi_asset_check(
        name=f"quality_{group}",
        specs=specs,
        can_subset=True,
        pool=WAREHOUSE_POOL,
        description=f"Quality suites of the {len(tables)} table(s) in check group {group!r}.",
    )
    def _group_checks(
        context: dg.AssetCheckExecutionContext,
        yecai: YecaiHome,
        warehouse_writer: WarehouseWriter,
    ):
        selected = set(context.selected_asset_check_keys)
        chosen = tables_to_run(tables, selected)
        paths = yecai.paths()
        # The runner appends to the results history in the warehouse: it is a writer too.
        with warehouse_writer.hold(paths):
            found = wiring.run_tables_checks(paths, chosen, run_id=context.run.run_id)
        not_checked = []
        for table in chosen:
            key = tables[table]
            verdicts = reportable(verdicts_for(found.get(table, [])))
            if not verdicts:
                not_checked.append(table)
            for check_name, (severity, dagster_severity) in CHECK_SEVERITY.items():
                if dg.AssetCheckKey(key, check_name) not in selected or severity not in verdicts:
                    continue
                yield dg.AssetCheckResult(
                    asset_key=key,
                    check_name=check_name,
                    passed=verdicts[severity].passed,
                    severity=dagster_severity,
                    metadata=_metadata(table, verdicts[severity]),
                )
        if not_checked:
            context.log.info(
                f"not checked (no GX rules, shown as skipped): {', '.join(not_checked)}"
            )

    return _group_checks


def build_quality_checks(tables: Mapping[str, dg.AssetKey]) -> list[dg.AssetChecksDefinition]:
    """One check step per group (``tables.group_of``); without groups, one per table."""
    group_of = getattr(tables, "group_of", None) or {
        table: "__".join(key.path).replace("-", "_") for table, key in tables.items()
    }
    groups: dict[str, dict[str, dg.AssetKey]] = {}
    for table, key in tables.items():
        groups.setdefault(group_of[table], {})[table] = key
    return [build_group_checks(group, members) for group, members in sorted(groups.items())]
