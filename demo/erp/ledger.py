"""Journal voucher lines the ERP books: small pure helpers that keep every voucher balanced.

A leg is given in transaction currency with its rate; the functional amount is rounded per leg,
and ``balance_with`` adds the line that absorbs the rounding so the voucher nets to zero in the
functional currency (what ERPs call the round-off or FX difference line).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from demo.world import money

ZERO = Decimal("0.00")


@dataclass(slots=True)  # not frozen: a frozen dataclass sets each field through
class Leg:  # object.__setattr__, and ~2M legs are made at scale 1; nothing mutates one
    account_no: str | None
    side: str  # "D" or "C"
    amount: Decimal  # functional currency, positive
    amount_tc: Decimal  # transaction currency, positive
    currency: str
    rate: Decimal
    description: str = ""
    cost_center: str | None = None
    customer_no: str | None = None
    vendor_no: str | None = None
    material_no: str | None = None

    @property
    def signed(self) -> Decimal:
        return self.amount if self.side == "D" else -self.amount


def leg(
    account_no: str,
    side: str,
    amount_tc: Decimal,
    currency: str = "CNY",
    rate: Decimal = Decimal("1"),
    **dims: str | None,
) -> Leg:
    """A leg whose functional amount is ``amount_tc × rate`` rounded to cents. A negative amount
    flips the side, so callers can pass differences without branching."""
    if amount_tc < 0:
        side = "C" if side == "D" else "D"
        amount_tc = -amount_tc
    description = dims.pop("description", None) or ""
    return Leg(
        account_no,
        side,
        money(amount_tc * rate),
        money(amount_tc),
        currency,
        rate,
        description,
        **dims,
    )


def fc_leg(account_no: str, side: str, amount_fc: Decimal, **dims: str | None) -> Leg:
    """A leg booked only in the functional currency (CNY), e.g. a difference line."""
    return leg(account_no, side, amount_fc, "CNY", Decimal("1"), **dims)


def imbalance(legs: list[Leg]) -> Decimal:
    """Debits minus credits in functional currency."""
    return sum((lg.signed for lg in legs), ZERO)


def balance_with(legs: list[Leg], account_no: str, description: str = "汇兑差额") -> list[Leg]:
    """The legs plus one functional-currency line that makes debits = credits (if needed)."""
    diff = imbalance(legs)
    if diff == 0:
        return legs
    return [*legs, fc_leg(account_no, "C" if diff > 0 else "D", abs(diff), description=description)]


def scale_legs(legs: list[Leg], factor: Decimal) -> list[Leg]:
    """Every leg times ``factor`` (a booking with a wrong amount that still balances: the last
    leg takes the rounding)."""
    scaled = [
        replace(lg, amount=money(lg.amount * factor), amount_tc=money(lg.amount_tc * factor))
        for lg in legs
    ]
    diff = imbalance(scaled)
    last = scaled[-1]
    fix = -diff if last.side == "D" else diff
    scaled[-1] = replace(last, amount=last.amount + fix)
    return scaled
