"""Turn one GX expectation result into a ``CheckResult``. Pure: no GX objects needed."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from quality.checks import Check
from quality.redaction import redact_gx_result
from quality.results import CheckResult, to_json
from yecai.privacy.redact import redact_text


def _exception_message(exception_info: Any) -> str | None:
    """GX reports errors either flat or keyed by metric id; find the first raised one."""
    if not isinstance(exception_info, dict):
        return None
    if exception_info.get("raised_exception"):
        return str(exception_info.get("exception_message") or "expectation raised an error")
    for value in exception_info.values():
        if isinstance(value, dict) and value.get("raised_exception"):
            return str(value.get("exception_message") or "expectation raised an error")
    return None


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else text


def from_gx(
    check: Check,
    success: bool,
    result: dict[str, Any],
    exception_info: Any,
    *,
    run_id: str,
    checked_at: datetime,
    layer: str,
    sample: int,
    sensitive: Collection[str] = (),
    key_columns: Collection[str] = (),
) -> CheckResult:
    """``sensitive`` columns never reach the result: failing rows keep ``key_columns`` (and
    the values of unclassified columns, scrubbed); see ``quality.redaction``."""
    error = _exception_message(exception_info)
    error = redact_text(error) if error else None
    compound = list(check.args.get("columns", ())) if check.kind == "unique" else []
    columns = [check.column] if check.column else compound
    result = redact_gx_result(result, columns, sensitive, key_columns)
    observed = result.get("observed_value")
    unexpected = result.get("unexpected_count")
    keys: list[dict[str, Any]] = []
    if check.kind in ("sql", "regex"):
        unexpected = observed if isinstance(observed, int) else unexpected
        rows = (result.get("details") or {}).get("unexpected_rows") or []
        keys = [dict(r) for r in rows[:sample]]
    elif check.kind == "columns_present":
        present = set(observed or [])
        missing = [c for c in check.args.get("columns", ()) if c not in present]
        unexpected = len(missing) if observed is not None else None
        keys = [{"missing_column": c} for c in missing[:sample]]
        observed = sorted(present)
    else:
        index = result.get("unexpected_index_list")
        if index:
            keys = [dict(r) for r in index[:sample]]
        else:
            values = result.get("partial_unexpected_list") or []
            # multi-column checks list each failing row as a dict of its columns
            keys = [v if isinstance(v, dict) else {"value": v} for v in values[:sample]]
    if error:
        success = False
    return CheckResult(
        run_id=run_id,
        checked_at=checked_at,
        layer=layer,
        asset=check.asset,
        check=check.name,
        dimension=str(check.dimension),
        domain=check.domain,
        owner=check.owner,
        severity=str(check.severity),
        success=bool(success),
        observed_value=None if observed is None else to_json(observed),
        unexpected_count=None if unexpected is None else int(unexpected),
        failing_keys=keys,
        description=check.description,
        error=_first_line(error) if error else None,
    )


def not_run(
    check: Check, reason: str, *, run_id: str, checked_at: datetime, layer: str
) -> CheckResult:
    """A failed result for a check that could not run (its table is missing, …)."""
    return CheckResult(
        run_id=run_id,
        checked_at=checked_at,
        layer=layer,
        asset=check.asset,
        check=check.name,
        dimension=str(check.dimension),
        domain=check.domain,
        owner=check.owner,
        severity=str(check.severity),
        success=False,
        observed_value=None,
        unexpected_count=None,
        failing_keys=[],
        description=check.description,
        error=reason,
    )
