"""How a CRM user spells a company the ERP also knows: the 'cross_system_alias' defect.

Sales reps type names by hand, so the same legal person appears as
``上海华信科技有限公司`` in the ERP and ``上海 华信科技有限责任公司`` or
``上海華信ＡＢＣ科技有限公司`` in the CRM. Each function below is one such habit; the
pipeline's name normalisation has to undo all of them. Pure functions.
"""

from __future__ import annotations

import random
from collections.abc import Callable

_HALF_TO_FULL = {c: chr(ord(c) + 0xFEE0) for c in map(chr, range(0x21, 0x7F))}
_FULL_TO_HALF = {v: k for k, v in _HALF_TO_FULL.items()}
_HALF_TO_FULL[" "] = "\u3000"


def swap_company_suffix(name: str) -> str:
    """有限公司 ↔ 有限责任公司 (both are legal spellings of a limited company).

    A 股份有限公司 (company limited by shares) is a different legal form; left alone."""
    if name.endswith("股份有限公司"):
        return name
    if name.endswith("有限责任公司"):
        return name[: -len("有限责任公司")] + "有限公司"
    if name.endswith("有限公司"):
        return name[: -len("有限公司")] + "有限责任公司"
    return name


def to_full_width(name: str) -> str:
    """Typed with a Chinese IME: ASCII letters/digits/brackets become Ａ１（; full-width
    brackets typed on an English keyboard become ( ) instead."""
    widened = "".join(_HALF_TO_FULL.get(c, c) for c in name if c != " ")
    if widened != name.replace(" ", ""):
        return widened
    return name.replace("（", "(").replace("）", ")")


def to_half_width(name: str) -> str:
    return "".join(_FULL_TO_HALF.get(c, c) for c in name).replace("\u3000", " ")


def insert_spaces(name: str) -> str:
    """A space after the city/province prefix, and a trailing one the rep never saw."""
    cut = min(2, max(len(name) - 1, 0))
    return f"{name[:cut]} {name[cut:]} "


def change_latin_case(name: str) -> str:
    """Latin letters in the other case (ABC → abc)."""
    return name.swapcase()


ALIAS_STYLES: dict[str, Callable[[str], str]] = {
    "suffix": swap_company_suffix,
    "full_width": to_full_width,
    "spaces": insert_spaces,
    "latin_case": change_latin_case,
}


def crm_alias(name: str, rng: random.Random) -> tuple[str, str]:
    """A different spelling of ``name`` and the habit(s) that made it; never ``name`` itself.

    Only habits that change this particular name are drawn (a name without Latin letters
    has no case to change), so the recorded style is always the one applied.
    """
    styles = [s for s, change in ALIAS_STYLES.items() if change(name) != name]
    rng.shuffle(styles)
    # Spaces go last: a trailing space would hide the suffix from swap_company_suffix.
    chosen = sorted(styles[: rng.choice((1, 1, 2))], key=lambda s: s == "spaces")
    alias = name
    for style in chosen:
        alias = ALIAS_STYLES[style](alias)
    if alias == name:  # two habits undid each other (rare); spaces always change a name
        chosen, alias = ["spaces"], insert_spaces(name)
    return alias, "+".join(chosen)
