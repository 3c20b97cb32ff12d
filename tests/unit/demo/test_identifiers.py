"""Check digits of the identifiers the demo hands out: USCC, identity numbers, bank cards."""

from __future__ import annotations

import random
from datetime import date

import pytest

from demo.uscc import (
    corrupt_uscc,
    is_valid_bank_card,
    is_valid_national_id,
    is_valid_uscc,
    make_bank_card,
    make_national_id,
    make_uscc,
    org_code_check_char,
)

pytestmark = pytest.mark.unit

# Published codes of real registrations (GB 32100 examples that circulate in the standard's
# explanations and on public registries), and the GB 11643 sample number.
KNOWN_VALID_USCC = ["91350100M000100Y43", "911100001000013290"]
KNOWN_VALID_ID = "11010519491231002X"


@pytest.mark.parametrize("code", KNOWN_VALID_USCC)
def test_known_uscc_validate(code: str) -> None:
    assert is_valid_uscc(code)


@pytest.mark.parametrize(
    "code",
    [
        "91350100M000100Y44",  # wrong check character
        "91350100M000100Y4",  # 17 characters
        "91350100M000100I43",  # I is not in the GB 32100 charset
        "",
        None,
    ],
)
def test_malformed_uscc_rejected(code: str | None) -> None:
    assert not is_valid_uscc(code)


def test_org_code_check_digit_matches_gb11714_example() -> None:
    assert org_code_check_char("D2143569") == "X"


def test_generated_uscc_valid_and_corrupted_invalid() -> None:
    rng = random.Random(7)
    for _ in range(300):
        code = make_uscc(rng, "310115")
        assert is_valid_uscc(code), code
        bad = corrupt_uscc(rng, code)
        assert len(bad) == 18 and bad != code
        assert not is_valid_uscc(bad), bad


def test_national_id_check_digit() -> None:
    assert is_valid_national_id(KNOWN_VALID_ID)
    assert is_valid_national_id(KNOWN_VALID_ID.lower())
    assert not is_valid_national_id("110105194912310021")
    assert not is_valid_national_id("11010519491231002")


def test_generated_national_ids_encode_birth_and_gender() -> None:
    rng = random.Random(3)
    nid = make_national_id(rng, "320505", date(1990, 2, 3), male=True)
    assert is_valid_national_id(nid)
    assert nid[6:14] == "19900203"
    assert int(nid[16]) % 2 == 1
    nid_f = make_national_id(rng, "320505", date(1990, 2, 3), male=False)
    assert int(nid_f[16]) % 2 == 0


def test_bank_card_luhn() -> None:
    assert is_valid_bank_card("4111111111111111")
    assert not is_valid_bank_card("4111111111111112")
    card = make_bank_card(random.Random(1), "622202", 19)
    assert len(card) == 19 and card.startswith("622202") and is_valid_bank_card(card)
