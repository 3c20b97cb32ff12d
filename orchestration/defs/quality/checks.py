"""Quality suites as asset checks: per table, one blocking gate and one warning report."""

import dagster as dg

from orchestration.defs.quality import wiring
from orchestration.defs.quality.verdict import BLOCKING, WARNING, Verdict, verdicts_for
from orchestration.defs.shared.policies import WAREHOUSE_POOL
from orchestration.defs.shared.resources import WarehouseWriter, YecaiHome

BLOCKING_CHECK = "blocking_rules"
WARNING_CHECK = "warning_rules"


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
    if verdict.total == 0:
        meta["note"] = "no checks declared for this table"
    return meta


def build_table_checks(table: str, asset_key: dg.AssetKey) -> dg.AssetChecksDefinition:
    """Run the table's suite once; report blocking and warning results as two checks.

    ``blocking_rules`` has blocking=True: when it fails, Dagster does not run anything
    downstream of the table in that run, so publish never sees a failed gate.
    """
    safe = "__".join(asset_key.path).replace("-", "_")

    @dg.multi_asset_check(
        name=f"quality_{safe}",
        specs=[
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
        ],
        pool=WAREHOUSE_POOL,
    )
    def _table_checks(
        context: dg.AssetCheckExecutionContext,
        yecai: YecaiHome,
        warehouse_writer: WarehouseWriter,
    ):
        paths = yecai.paths()
        # The runner appends to the results history in the warehouse: it is a writer too.
        with warehouse_writer.hold(paths):
            results = wiring.run_table_checks(paths, table, run_id=context.run.run_id)
        verdicts = verdicts_for(results)
        yield dg.AssetCheckResult(
            asset_key=asset_key,
            check_name=BLOCKING_CHECK,
            passed=verdicts[BLOCKING].passed,
            severity=dg.AssetCheckSeverity.ERROR,
            metadata=_metadata(table, verdicts[BLOCKING]),
        )
        yield dg.AssetCheckResult(
            asset_key=asset_key,
            check_name=WARNING_CHECK,
            passed=verdicts[WARNING].passed,
            severity=dg.AssetCheckSeverity.WARN,
            metadata=_metadata(table, verdicts[WARNING]),
        )

    return _table_checks


def build_quality_checks(tables: dict[str, dg.AssetKey]) -> list[dg.AssetChecksDefinition]:
    return [build_table_checks(table, key) for table, key in sorted(tables.items())]
