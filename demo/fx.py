"""Daily exchange rates of the demo world: a pure function of (seed, currency, date).

No state, so ``advance`` can produce the rate of any later day without replaying the year, and
every source system quoting the same day sees the same market rate.
"""

from __future__ import annotations

import math
import random
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import cache

# Units of CNY for one unit of the currency, around which the demo's rates move.
MID_CNY = {"USD": 7.18, "SGD": 5.36, "HKD": 0.921, "EUR": 7.85, "CNY": 1.0}
QUOTE = Decimal("0.0001")


@cache  # pure, and asked for the same few hundred days again for every document
def cny_rate(seed: int, currency: str, d: date) -> Decimal:
    """CNY per one unit of ``currency`` on day ``d``: a slow seasonal swing (±2%) plus daily noise
    (±0.3%), four decimals like the PBOC middle rate."""
    if currency == "CNY":
        return Decimal("1.0000")
    if currency not in MID_CNY:
        raise KeyError(f"no demo exchange rate for {currency}")
    mid = MID_CNY[currency]
    phase = (sum(map(ord, currency)) + seed) % 360
    day = d.toordinal()
    swing = 0.02 * math.sin(2 * math.pi * day / 365.0 + math.radians(phase))
    noise = random.Random(f"{seed}/fx/{currency}/{day}").uniform(-0.003, 0.003)
    return Decimal(str(mid * (1 + swing + noise))).quantize(QUOTE, rounding=ROUND_HALF_UP)


def cross_rate(seed: int, from_ccy: str, to_ccy: str, d: date) -> Decimal:
    """Units of ``to_ccy`` for one unit of ``from_ccy`` on day ``d`` (through CNY), six decimals."""
    rate = cny_rate(seed, from_ccy, d) / cny_rate(seed, to_ccy, d)
    return rate.quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)
