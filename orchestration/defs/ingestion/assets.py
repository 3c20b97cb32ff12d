"""One asset per raw entity: ingest it into the raw zone and record the batch counts."""

import importlib
from typing import Any

import dagster as dg

from orchestration.defs.shared.policies import SOURCE_RETRY
from orchestration.defs.shared.resources import YecaiHome
from yecai.errors import YecaiError

RAW_GROUP = "raw"


def raw_asset_key(source: str, entity: str) -> dg.AssetKey:
    """The key dbt sources map onto (see the dbt translator): ``raw/<source>/<entity>``."""
    return dg.AssetKey(["raw", source, entity])


def summarize_batches(results: list[Any]) -> dict[str, Any]:
    """Fold the BatchResults of one ingest call into asset metadata and a verdict.

    Returns counts summed over batches, the batch ids, the last watermark and the messages of
    failed batches (``failed`` non-empty means the asset must fail so Dagster retries it).
    """
    summary: dict[str, Any] = {
        "rows_read": 0,
        "rows_landed": 0,
        "rows_quarantined": 0,
        "batches": [],
        "statuses": [],
        "watermark": None,
        "failed": [],
    }
    for result in results:
        summary["rows_read"] += int(result.rows_read or 0)
        summary["rows_landed"] += int(result.rows_landed or 0)
        summary["rows_quarantined"] += int(result.rows_quarantined or 0)
        summary["batches"].append(str(result.batch_id))
        summary["statuses"].append(str(result.status))
        if result.watermark is not None:
            summary["watermark"] = str(result.watermark)
        if result.status == "failed":
            summary["failed"].append(f"{result.batch_id}: {result.message}")
    return summary


def _run_ingest(paths, source: str, entity: str, log) -> list[Any]:
    try:
        runner = importlib.import_module("ingestion.runner")
    except ModuleNotFoundError as exc:
        raise YecaiError(
            "the ingestion stage (ingestion.runner) is not installed",
            "install the project with `uv sync` so the ingestion package is present",
        ) from exc

    def on_progress(*args: Any, **kwargs: Any) -> None:
        # Progress arrives in whatever shape ingestion reports it; the run log shows it as is.
        log.debug(f"ingest {source}.{entity}: {args or ''} {kwargs or ''}")

    return list(runner.ingest(paths, source=source, entity=entity, on_progress=on_progress))


def build_raw_asset(source: str, entity: str) -> dg.AssetsDefinition:
    """The asset that lands one source entity as a new raw batch."""

    @dg.asset(
        key=raw_asset_key(source, entity),
        group_name=RAW_GROUP,
        kinds={"parquet", source},
        description=f"Raw batches of {source}.{entity}: lake/raw/{source}/{entity}/batch=*/",
        retry_policy=SOURCE_RETRY,
        tags={"yecai/source": source},
    )
    def _raw_entity(context: dg.AssetExecutionContext, yecai: YecaiHome) -> dg.MaterializeResult:
        try:
            results = _run_ingest(yecai.paths(), source, entity, context.log)
        except YecaiError as exc:
            # A user-fixable problem (missing file, bad config): retrying cannot help.
            raise dg.Failure(
                description=f"ingesting {source}.{entity}: {exc.what}",
                metadata={"what to do": exc.fix or ""},
                allow_retries=False,
            ) from exc
        summary = summarize_batches(results)
        if summary["failed"]:
            # A Failure (not a crash) so the run log shows the reason; the retry policy re-runs it.
            raise dg.Failure(
                description=f"ingesting {source}.{entity} failed: " + "; ".join(summary["failed"]),
                metadata={"batches": summary["batches"]},
            )
        return dg.MaterializeResult(
            metadata={
                "rows_read": summary["rows_read"],
                "rows_landed": summary["rows_landed"],
                "rows_quarantined": summary["rows_quarantined"],
                "batch_ids": ", ".join(summary["batches"]) or "none",
                "statuses": ", ".join(summary["statuses"]) or "none",
                "watermark": summary["watermark"] or "",
            }
        )

    return _raw_entity


def build_raw_assets(entities: list[tuple[str, str]]) -> list[dg.AssetsDefinition]:
    return [build_raw_asset(source, entity) for source, entity in entities]
