"""A GX validation-results store that never writes a sensitive value to disk.

GX persists every validation result as JSON under ``<home>/quality/gx/uncommitted/validations``
and builds Data Docs from those files; with ``result_format: COMPLETE`` they list failing
values and rows. This store (configured in ``gx_context``, GX's own extension point: a store
class named in ``great_expectations.yml``) redacts each result as it is serialised, with the
columns ``checks.to_expectation`` recorded in the expectation's meta, so the JSON and every
Data Docs page built from it carry keys and counts only.
"""

from __future__ import annotations

from typing import Any

from great_expectations.core import ExpectationSuiteValidationResult
from great_expectations.data_context.store import ValidationResultsStore

from quality.redaction import redact_gx_result
from yecai.privacy.redact import redact_text

SENSITIVE_META = "redact_columns"
KEYS_META = "key_columns"


def checked_columns(kwargs: dict[str, Any]) -> list[str]:
    """The column(s) an expectation checks, from its kwargs."""
    out = [kwargs["column"]] if kwargs.get("column") else []
    out += list(kwargs.get("column_list") or [])
    out += [kwargs[k] for k in ("column_A", "column_B") if kwargs.get(k)]
    return [str(c) for c in out]


def _redact_exception(info: Any) -> Any:
    if isinstance(info, dict):
        return {k: _redact_exception(v) for k, v in info.items()}
    return redact_text(info) if isinstance(info, str) else info


def redact_suite_result(suite_result: ExpectationSuiteValidationResult) -> None:
    """Redact every expectation result of ``suite_result`` in place."""
    for evr in suite_result.results:
        config = evr.expectation_config
        meta = (config.meta or {}) if config is not None else {}
        kwargs = dict(config.kwargs or {}) if config is not None else {}
        evr.result = redact_gx_result(
            evr.result or {},
            checked_columns(kwargs),
            meta.get(SENSITIVE_META) or (),
            meta.get(KEYS_META) or (),
        )
        if evr.exception_info:
            evr.exception_info = _redact_exception(evr.exception_info)


class RedactingValidationResultsStore(ValidationResultsStore):
    """``ValidationResultsStore`` that redacts before it serialises (set, add and update)."""

    def serialize(self, value):  # type: ignore[override]
        if isinstance(value, ExpectationSuiteValidationResult):
            redact_suite_result(value)
        return super().serialize(value)
