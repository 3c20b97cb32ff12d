"""Parameters of the quality suites that belong to other stages' decisions.

Kept in one place so the finance engineer's choices (statement line codes, sign
convention) are changed here, not inside SQL.
"""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class QualityParams:
    # Balance-sheet line codes for 资产总计 and 负债和所有者权益总计 in finance.balance_sheet,
    # as the finance marts define them (dbt_project/seeds/cas_statement_lines.csv). Override
    # with YECAI_BS_TOTAL_ASSETS_LINE / YECAI_BS_TOTAL_LIAB_EQUITY_LINE.
    total_assets_line: str = "BS17"
    total_liabilities_equity_line: str = "BS45"
    # Largest difference still treated as equal (decimal(18,2): one cent is a real error).
    tolerance: str = "0.00"
    # A source with no successful batch for this many days is stale (timeliness, warning).
    max_batch_age_days: int = 7
    # Failing keys kept per check in results and on the scorecard.
    failing_keys_sample: int = 20


def default_params() -> QualityParams:
    """Defaults, with balance-sheet line codes overridable from the environment."""
    base = QualityParams()
    return QualityParams(
        total_assets_line=os.environ.get("YECAI_BS_TOTAL_ASSETS_LINE", base.total_assets_line),
        total_liabilities_equity_line=os.environ.get(
            "YECAI_BS_TOTAL_LIAB_EQUITY_LINE", base.total_liabilities_equity_line
        ),
    )
