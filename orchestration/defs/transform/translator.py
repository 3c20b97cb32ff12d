"""Map dbt sources onto the raw entity assets, so lineage runs from source system to mart."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings

from orchestration.defs.transform.dbt_args import has_period_tag

# dbt tests are not loaded as Dagster asset checks. ``dbt build`` still runs every test, and a
# failing error-severity test still fails the dbt step (dbt exits non-zero and skips what is
# built on the tested model), so nothing downstream runs and nothing is published. As checks,
# the ~300 dbt tests cost two event-log writes each (planned + evaluation) and doubled the
# dbt step's time; the quality gates the UI shows are the GX suites (defs/quality/checks.py).
TRANSLATOR_SETTINGS = DagsterDbtTranslatorSettings(enable_asset_checks=False)


class YecaiDbtTranslator(DagsterDbtTranslator):
    """dbt source ``<source>.<entity>`` is the raw asset ``raw/<source>/<entity>``.

    The company's staging models declare one dbt source per raw-zone system (source name = the
    source's name in sources.yml; table name = the entity contract), so the edge from a raw
    entity to its staging model appears without any per-model configuration. With
    ``period_partitions``, the models tagged ``fiscal_period`` are partitioned by it.
    """

    def __init__(
        self,
        settings: DagsterDbtTranslatorSettings | None = None,
        period_partitions: dg.PartitionsDefinition | None = None,
    ):
        super().__init__(settings or TRANSLATOR_SETTINGS)
        self._period_partitions = period_partitions

    def get_partitions_def(
        self, dbt_resource_props: Mapping[str, Any]
    ) -> dg.PartitionsDefinition | None:
        """Monthly fiscal periods for a model tagged ``fiscal_period``; none for the others.

        Set per model, so the one dbt multi-asset holds partitioned and unpartitioned assets.
        """
        if self._period_partitions is not None and has_period_tag(dbt_resource_props):
            return self._period_partitions
        return None

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props.get("resource_type") == "source":
            return dg.AssetKey(
                ["raw", dbt_resource_props["source_name"], dbt_resource_props["name"]]
            )
        return super().get_asset_key(dbt_resource_props)
