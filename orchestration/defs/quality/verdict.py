"""Pure: turn the quality stage's CheckResults into the two Dagster check verdicts per table."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

BLOCKING = "blocking"
WARNING = "warning"


@dataclass
class Verdict:
    """The outcome of all checks of one severity on one table."""

    severity: str
    passed: bool
    total: int = 0
    failed: list[str] = field(default_factory=list)
    details: dict[str, str] = field(default_factory=dict)
    failing_keys: dict[str, list[str]] = field(default_factory=dict)

    @property
    def checked(self) -> bool:
        """Whether any rule of this severity ran: a verdict over no rules is no verdict."""
        return self.total > 0


def _describe(result: Any) -> str:
    status = "passed" if result.success else "FAILED"
    parts = [status]
    if getattr(result, "error", None):
        parts.append(str(result.error))
    if getattr(result, "unexpected_count", None) not in (None, 0):
        parts.append(f"{result.unexpected_count} unexpected")
    if getattr(result, "observed_value", None) is not None:
        parts.append(f"observed {result.observed_value}")
    return ", ".join(parts)


def reportable(verdicts: dict[str, Verdict]) -> dict[str, Verdict]:
    """The verdicts to report as Dagster check results: only severities with rules.

    A severity without rules on a table yields no result, so Dagster shows that check as not
    executed (skipped) rather than a green pass over nothing; the scorecard lists the table
    under "Not checked" (quality/coverage.py).
    """
    return {severity: v for severity, v in verdicts.items() if v.checked}


def verdicts_for(results: list[Any]) -> dict[str, Verdict]:
    """Split results by severity; a severity passes when every one of its checks passed.

    An unknown severity counts as blocking: a gate we cannot classify must not be ignored.
    """
    out = {BLOCKING: Verdict(BLOCKING, True), WARNING: Verdict(WARNING, True)}
    for result in results:
        severity = str(getattr(result, "severity", BLOCKING))
        verdict = out[WARNING] if severity == WARNING else out[BLOCKING]
        verdict.total += 1
        verdict.details[str(result.check)] = _describe(result)
        if not result.success:
            verdict.passed = False
            verdict.failed.append(str(result.check))
            keys = list(getattr(result, "failing_keys", None) or [])
            if keys:
                # A sample is enough to start the investigation; the exception tables hold all.
                verdict.failing_keys[str(result.check)] = [str(k) for k in keys[:20]]
    return out
