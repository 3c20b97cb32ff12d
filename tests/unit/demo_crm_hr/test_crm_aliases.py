"""CRM spellings of company names: different text, same company once normalised."""

from __future__ import annotations

import random
import unicodedata

import pytest

from demo.crm.aliases import (
    change_latin_case,
    crm_alias,
    insert_spaces,
    swap_company_suffix,
    to_full_width,
)

pytestmark = pytest.mark.unit

NAMES = [
    "上海华信科技有限公司",
    "苏州恒达电子有限责任公司",
    "北京中关村软件股份有限公司",
    "ABC贸易（深圳）有限公司",
    "Tan Trading Pte. Ltd.",
]


def matcher_key(name: str) -> str:
    """What a reasonable name matcher does (written here, independent of demo code)."""
    text = unicodedata.normalize("NFKC", name).casefold()
    text = "".join(text.split()).replace("有限责任公司", "有限公司")
    return text.replace("(", "").replace(")", "")


def test_suffix_swaps_both_ways_but_leaves_joint_stock_companies():
    assert swap_company_suffix("上海华信科技有限公司") == "上海华信科技有限责任公司"
    assert swap_company_suffix("苏州恒达电子有限责任公司") == "苏州恒达电子有限公司"
    assert swap_company_suffix("北京中关村软件股份有限公司") == "北京中关村软件股份有限公司"


def test_full_width_widens_ascii_and_spaces_and_case_change_text():
    assert to_full_width("ABC贸易") == "ＡＢＣ贸易"
    assert to_full_width("华信（上海）") == "华信(上海)"
    assert insert_spaces("上海华信") == "上海 华信 "
    assert change_latin_case("ABC贸易") == "abc贸易"


@pytest.mark.parametrize("name", NAMES)
def test_alias_is_never_the_name_but_matches_it_after_normalising(name):
    rng = random.Random(7)
    for _ in range(30):
        alias, style = crm_alias(name, rng)
        assert alias != name
        assert style
        assert matcher_key(alias) == matcher_key(name)
