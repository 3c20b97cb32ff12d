"""Parameters of the quality suites: tolerance, staleness, sample size, in one place.

(The balance-sheet total line codes were here for the GX 资产 = 负债 + 权益 check; that rule is
dbt's ``lines_equal`` test now, see docs/decisions/one-rule-one-place.md.)
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class QualityParams:
    # Largest difference still treated as equal (decimal(18,2): one cent is a real error).
    tolerance: str = "0.00"
    # A source with no successful batch for this many days is stale (timeliness, warning).
    max_batch_age_days: int = 7
    # Failing keys kept per check in results and on the scorecard.
    failing_keys_sample: int = 20


def default_params() -> QualityParams:
    return QualityParams()
