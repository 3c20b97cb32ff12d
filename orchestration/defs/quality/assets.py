"""Publish (write-audit-publish's last step) and the governance scorecard report."""

from collections.abc import Sequence
from typing import Any

import dagster as dg

from orchestration.defs.quality import wiring
from orchestration.defs.shared.policies import WAREHOUSE_POOL, WAREHOUSE_RETRY
from orchestration.defs.shared.resources import WarehouseWriter, YecaiHome
from yecai.errors import YecaiError

PUBLISH_KEY = dg.AssetKey(["warehouse", "published"])
SCORECARD_KEY = dg.AssetKey(["reports", "quality_scorecard"])


def publish_metadata(outcome: Any) -> dict[str, Any]:
    """The publish outcome as asset metadata: version, counts, and what blocked it."""
    failures = list(getattr(outcome, "blocking_failures", []) or [])
    return {
        "published": bool(getattr(outcome, "published", False)),
        "version": str(getattr(outcome, "version", None) or ""),
        "forced": bool(getattr(outcome, "forced", False)),
        "checks_run": len(getattr(outcome, "results", []) or []),
        "blocking_failures": len(failures),
        "snapshot_id": int(getattr(outcome, "snapshot_id", None) or 0),
        "relations_written": int(getattr(outcome, "relations_written", 0) or 0),
    }


def result_metadata(result: Any) -> dict[str, Any]:
    """Whatever the quality stage returns, shown as plain metadata (never dropped)."""
    if result is None:
        return {}
    if isinstance(result, dict):
        return {str(k): str(v) for k, v in result.items()}
    fields = getattr(result, "__dataclass_fields__", None)
    if fields:
        return {name: str(getattr(result, name)) for name in fields}
    return {"result": str(result)}


def build_publish_asset(upstream: Sequence[dg.AssetKey]) -> dg.AssetsDefinition:
    """Publish after every warehouse model and its checks: a failed gate upstream skips it."""

    @dg.asset(
        key=PUBLISH_KEY,
        deps=list(upstream),
        group_name="publish",
        kinds={"duckdb"},
        pool=WAREHOUSE_POOL,
        retry_policy=WAREHOUSE_RETRY,
        description="Audits build.duckdb and, when every blocking check passed, publishes what "
        "changed as one snapshot of the published lakehouse (DuckLake); analysts keep the last "
        "good snapshot otherwise.",
    )
    def published_warehouse(
        context: dg.AssetExecutionContext, yecai: YecaiHome, warehouse_writer: WarehouseWriter
    ) -> dg.MaterializeResult:
        paths = yecai.paths()
        with warehouse_writer.hold(paths):
            try:
                outcome = wiring.publish(paths, context.run_id, progress=context.log.info)
            except YecaiError as exc:
                raise dg.Failure(
                    description=f"publish refused: {exc.what}",
                    metadata={"what to do": exc.fix or ""},
                    allow_retries=False,
                ) from exc
        metadata = {"published_catalog": str(paths.published_catalog), **publish_metadata(outcome)}
        if not metadata["published"]:
            # The audit found a blocking failure: analysts stay on the last good version, and
            # the run fails so the alert goes out. Retrying would audit the same data again.
            message = outcome.message() if hasattr(outcome, "message") else str(outcome)
            raise dg.Failure(description=message, metadata=metadata, allow_retries=False)
        return dg.MaterializeResult(metadata=metadata)

    return published_warehouse


@dg.asset(
    key=SCORECARD_KEY,
    group_name="reports",
    kinds={"html"},
    description="The governance quality scorecard (by dimension, domain and owner, with "
    "trends). Rebuilt after every pipeline run, passed or failed, by the "
    "scorecard_after_pipeline sensors: a failed gate is exactly when it is needed.",
)
def quality_scorecard(yecai: YecaiHome) -> dg.MaterializeResult:
    paths = yecai.paths()
    result = wiring.write_scorecard(paths)
    return dg.MaterializeResult(metadata={"reports": str(paths.reports), **result_metadata(result)})
