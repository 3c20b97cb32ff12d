"""One asset per raw entity: ingest it into the raw zone and record the batch counts."""

import importlib
import logging
from typing import Any

import dagster as dg

from ingestion.batches import FAILING_STATUSES, QUARANTINED_ALL
from orchestration.defs.shared.policies import SOURCE_RETRY
from orchestration.defs.shared.resources import YecaiHome
from yecai.errors import YecaiError
from yecai.privacy.retention import apply_retention

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
        "needs_fix": [],
    }
    for result in results:
        summary["rows_read"] += int(result.rows_read or 0)
        summary["rows_landed"] += int(result.rows_landed or 0)
        summary["rows_quarantined"] += int(result.rows_quarantined or 0)
        summary["batches"].append(str(result.batch_id))
        summary["statuses"].append(str(result.status))
        if result.watermark is not None:
            summary["watermark"] = str(result.watermark)
        if result.status in FAILING_STATUSES:
            shown = "" if result.status == "failed" else f"{result.status}: "
            summary["failed"].append(f"{result.batch_id}: {shown}{result.message}")
        if result.status == QUARANTINED_ALL:
            # Reading the same file again quarantines it again: a person must fix it.
            summary["needs_fix"].append(str(result.source_file or result.batch_id))
    return summary


# Ingest progress goes to the process log, not the run's event log: every run-log line is a
# write to the Dagster instance, and ingestion reports several phases per entity.
progress_log = logging.getLogger("yecai.orchestration.ingest")


def _run_ingest(paths, source: str, entity: str | None) -> list[Any]:
    """Ingest one entity of ``source``, or (``entity`` None) the whole source in one call."""
    try:
        runner = importlib.import_module("ingestion.runner")
    except ModuleNotFoundError as exc:
        raise YecaiError(
            "the ingestion stage (ingestion.runner) is not installed",
            "install the project with `uv sync` so the ingestion package is present",
        ) from exc

    def on_progress(*args: Any, **kwargs: Any) -> None:
        progress_log.debug("ingest %s: %s %s", source, args or "", kwargs or "")

    return list(runner.ingest(paths, source=source, entity=entity, on_progress=on_progress))


def results_by_entity(
    paths, source: str, entities: list[str], whole_source: bool
) -> tuple[dict[str, list[Any]], dict[str, YecaiError], list[Any]]:
    """BatchResults of ``entities`` by entity, user errors by entity, and the other records.

    With ``whole_source`` one ingest call covers the source (what ``yecai ingest`` does: the
    config is read once and a source found down is not retried for each of its tables);
    otherwise one call per entity. "Other records" are results for no selected entity, such
    as the source's report of files no contract claims.
    """
    found: dict[str, list[Any]] = {entity: [] for entity in entities}
    errors: dict[str, YecaiError] = {}
    others: list[Any] = []
    if whole_source:
        for result in _run_ingest(paths, source, None):
            found.get(result.entity, others).append(result)
        return found, errors, others
    for entity in entities:
        try:
            found[entity] = _run_ingest(paths, source, entity)
        except YecaiError as exc:
            errors[entity] = exc
    return found, errors, others


def raw_entity_spec(source: str, entity: str) -> dg.AssetSpec:
    """One raw entity as an asset of its source's ingest step (see ``build_source_assets``)."""
    return dg.AssetSpec(
        key=raw_asset_key(source, entity),
        group_name=RAW_GROUP,
        kinds={"parquet", source},
        description=f"Raw batches of {source}.{entity}: lake/raw/{source}/{entity}/batch=*/",
        tags={"yecai/source": source},
        # The step may be run for some entities only (the HR drop job, a UI selection).
        skippable=True,
    )


def batch_metadata(summary: dict[str, Any]) -> dict[str, Any]:
    """The asset metadata of one entity's ingest (pure): counts, batch ids, watermark."""
    return {
        "rows_read": summary["rows_read"],
        "rows_landed": summary["rows_landed"],
        "rows_quarantined": summary["rows_quarantined"],
        "batch_ids": ", ".join(summary["batches"]) or "none",
        "statuses": ", ".join(summary["statuses"]) or "none",
        "watermark": summary["watermark"] or "",
    }


def build_source_assets(source: str, entities: list[str]) -> dg.AssetsDefinition:
    """One step that lands every selected entity of ``source``, one asset per entity.

    A step per source, not per entity: each Dagster step costs its own start/stop events
    and bookkeeping, which for 45 small entities was more than their ingest work. Each
    entity is still its own asset with its batch counts as metadata, and the step can be
    subset, so a run (or the HR drop job) may ingest only some entities. An entity that
    fails does not stop the others: the step lands what it can, then fails naming every
    failed entity, and the retry policy runs it again (a landed entity is then a cheap
    ``no_change`` batch).
    """
    keys = {raw_asset_key(source, entity): entity for entity in entities}

    @dg.multi_asset(
        name=f"raw_{source}",
        specs=[raw_entity_spec(source, entity) for entity in entities],
        can_subset=True,
        retry_policy=SOURCE_RETRY,
        description=f"Ingest the {source} entities into the raw zone (one batch per entity).",
    )
    def _raw_source(context: dg.AssetExecutionContext, yecai: YecaiHome):
        paths = yecai.paths()
        selected = sorted(keys[key] for key in context.selected_asset_keys)
        try:
            found, errors, others = results_by_entity(
                paths, source, selected, whole_source=len(selected) == len(keys)
            )
        except YecaiError as exc:
            raise dg.Failure(
                description=f"ingesting {source}: {exc.what}",
                metadata={"what to do": exc.fix or ""},
                allow_retries=False,
            ) from exc
        for other in others:
            # Not an entity's batch (e.g. export files no contract claims): shown, not fatal.
            context.log.warning(f"{source}.{other.entity}: {other.status}: {other.message}")
        failed: list[str] = []
        fixes: list[str] = []
        for entity in selected:
            if entity in errors:
                # A user-fixable problem (missing file, bad config): retrying cannot help.
                failed.append(f"{source}.{entity}: {errors[entity].what}")
                fixes.append(errors[entity].fix or "")
                continue
            summary = summarize_batches(found[entity])
            if summary["failed"]:
                failed.append(f"{source}.{entity} failed: " + "; ".join(summary["failed"]))
                if summary["needs_fix"]:
                    fixes.append(
                        "every row of " + ", ".join(summary["needs_fix"]) + " was quarantined: "
                        "fix the file (or the contract) and drop it again"
                    )
                continue
            yield dg.MaterializeResult(
                asset_key=raw_asset_key(source, entity), metadata=batch_metadata(summary)
            )
        # The source's raw retention (sources.yml raw_retention_days), applied as it lands:
        # the batches just landed are what supersede older versions. Nothing without a policy.
        retained = apply_retention(paths, sources=[source])
        if retained.rows:
            context.log.info(f"{source}: raw retention: {retained.message()}")
        if failed:
            # A Failure (not a crash) so the run log shows the reasons; the retry policy
            # re-runs the step unless a failure needs the user's hand first.
            raise dg.Failure(
                description="ingesting " + " | ".join(failed),
                metadata={"what to do": " | ".join(f for f in fixes if f)},
                allow_retries=not fixes,
            )

    return _raw_source


def build_raw_assets(entities: list[tuple[str, str]]) -> list[dg.AssetsDefinition]:
    """One ingest step per source system, one asset per raw entity."""
    by_source: dict[str, list[str]] = {}
    for source, entity in entities:
        by_source.setdefault(source, []).append(entity)
    return [build_source_assets(source, names) for source, names in sorted(by_source.items())]
