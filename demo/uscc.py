"""Check digits of Chinese identifiers the demo hands out (and sometimes breaks on purpose).

- Unified social credit code (统一社会信用代码), GB 32100-2015: 18 characters.
- Organisation code (组织机构代码), GB 11714-1997: the 9 characters at positions 9–17 of a USCC.
- Resident identity number (公民身份号码), GB 11643-1999: 18 characters.
- Bank card number: Luhn (ISO/IEC 7812) check digit.

All functions are pure; generation takes a ``random.Random`` so the demo stays deterministic.
"""

from __future__ import annotations

import random
from datetime import date

# GB 32100: 31 characters, no I, O, Z, S, V (they are too easily confused with digits).
USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUE = {ch: i for i, ch in enumerate(USCC_CHARSET)}
_USCC_WEIGHTS = [pow(3, i, 31) for i in range(17)]  # 3^i mod 31, positions 1..17

_ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]
_ID_WEIGHTS = [pow(2, 17 - i, 11) for i in range(17)]  # 7 9 10 5 8 4 2 1 6 3 ...
_ID_CHECK = "10X98765432"


def uscc_check_char(first17: str) -> str:
    """The 18th character of a USCC for its first 17 characters."""
    if len(first17) != 17 or any(ch not in _USCC_VALUE for ch in first17):
        raise ValueError(f"USCC body must be 17 characters of {USCC_CHARSET!r}: {first17!r}")
    total = sum(_USCC_VALUE[ch] * w for ch, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return USCC_CHARSET[(31 - total % 31) % 31]


def org_code_check_char(first8: str) -> str:
    """The 9th character of an organisation code (GB 11714): 0-9 or X."""
    values = [int(ch) if ch.isdigit() else ord(ch) - 55 for ch in first8]
    c = 11 - sum(v * w for v, w in zip(values, _ORG_WEIGHTS, strict=True)) % 11
    return {10: "X", 11: "0"}.get(c, str(c))


def is_valid_uscc(code: str | None) -> bool:
    """True when ``code`` is 18 characters of the GB 32100 charset with a matching check digit."""
    if not isinstance(code, str) or len(code) != 18:
        return False
    if any(ch not in _USCC_VALUE for ch in code):
        return False
    return uscc_check_char(code[:17]) == code[17]


def make_uscc(rng: random.Random, admin_division: str, org_type: str = "91") -> str:
    """A valid USCC: registration authority + type ("91" = enterprise registered with SAMR),
    6-digit administrative division, a valid 9-character organisation code, check digit."""
    org_body = "".join(rng.choice("0123456789") for _ in range(8))
    org_code = org_body + org_code_check_char(org_body)
    first17 = f"{org_type}{admin_division}{org_code}"
    return first17 + uscc_check_char(first17)


def corrupt_uscc(rng: random.Random, code: str) -> str:
    """A USCC with the same shape whose check digit no longer matches (a typo in one character)."""
    body = list(code[:17])
    pos = rng.randrange(8, 17)  # the organisation-code part, where people mistype
    body[pos] = rng.choice([c for c in "0123456789" if c != body[pos]])
    wrong = [c for c in USCC_CHARSET if c != uscc_check_char("".join(body))]
    return "".join(body) + rng.choice(wrong)


def national_id_check_char(first17: str) -> str:
    """The 18th character of a resident identity number (GB 11643)."""
    if len(first17) != 17 or not first17.isdigit():
        raise ValueError(f"identity number body must be 17 digits: {first17!r}")
    return _ID_CHECK[sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def is_valid_national_id(number: str | None) -> bool:
    """True when ``number`` is 17 digits plus a matching check character (0-9 or X)."""
    if not isinstance(number, str) or len(number) != 18 or not number[:17].isdigit():
        return False
    return national_id_check_char(number[:17]) == number[17].upper()


def make_national_id(rng: random.Random, admin_division: str, birth: date, male: bool) -> str:
    """A valid identity number: region, birth date, sequence (odd for men, even for women)."""
    seq = rng.randrange(0, 50) * 2 + (1 if male else 0)
    first17 = f"{admin_division}{birth:%Y%m%d}{rng.randrange(0, 10)}{seq:02d}"
    return first17 + national_id_check_char(first17)


def luhn_check_digit(body: str) -> str:
    """Luhn check digit for a bank card number body."""
    total = 0
    for i, d in enumerate(reversed(body)):
        n = int(d)
        if i % 2 == 0:  # every second digit from the right, starting next to the check digit
            n *= 2
            n -= 9 if n > 9 else 0
        total += n
    return str((10 - total % 10) % 10)


def is_valid_bank_card(number: str | None) -> bool:
    if not isinstance(number, str) or not number.isdigit() or len(number) < 12:
        return False
    return luhn_check_digit(number[:-1]) == number[-1]


def make_bank_card(rng: random.Random, bin_prefix: str = "622202", length: int = 19) -> str:
    body = bin_prefix + "".join(
        rng.choice("0123456789") for _ in range(length - 1 - len(bin_prefix))
    )
    return body + luhn_check_digit(body)
