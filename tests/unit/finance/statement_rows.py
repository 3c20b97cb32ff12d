"""Mart-shaped rows for the statement layout and file tests (no warehouse needed)."""

from __future__ import annotations

from decimal import Decimal


def line_row(
    code: str,
    order: int,
    amount: str | None,
    comparative: str | None = None,
    kind: str = "detail",
    name: str | None = None,
    panel: str = "main",
) -> dict:
    return {
        "line_code": code,
        "line_name_zh": name or code,
        "line_name_en": code,
        "line_order": order,
        "is_total": kind == "total",
        "line_kind": kind,
        "panel": panel,
        "currency": "CNY",
        "amount": None if amount is None else Decimal(amount),
        "comparative_amount": None if comparative is None else Decimal(comparative),
    }


def equity_rows(line_code: str, order: int, name: str, amounts: dict[str, str], total=False):
    """Rows of one equity-statement line, one per component (column order as given)."""
    return [
        {
            "line_code": line_code,
            "line_name_zh": name,
            "line_order": order,
            "is_total": total,
            "column_code": f"EQC_{index}",
            "column_name_zh": column,
            "column_order": index * 10,
            "currency": "CNY",
            "amount": Decimal(value),
            "comparative_amount": None,
        }
        for index, (column, value) in enumerate(amounts.items(), start=1)
    ]
