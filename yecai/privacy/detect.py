"""Pure detectors: does a column look like one of the classes, by its name or its values?

Used by the classification test (an untagged column that looks sensitive fails it) and by
``scrub_text`` (free text such as an error message or a batch message loses anything that
looks like an identity number, card, phone or e-mail before it reaches a log or a report).

By content: resident ID (GB 11643 check digit and a real birth date), bank card (16-19 digits,
Luhn), mobile and landline phones (mainland, Singapore), e-mail, street addresses (Chinese
and English), birth dates (dates all at least 16 years old, spread over many years).
Payroll amounts cannot be told from other money by content: salary is found by the column's
name and by the source's header (基本工资, 个税, …), as are names of persons.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from yecai.privacy.vocabulary import class_by_column_name

NATIONAL_ID_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))
NATIONAL_ID_CHECK = "10X98765432"

_NATIONAL_ID = re.compile(r"[1-9]\d{5}(19|20)\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])\d{3}[\dXx]")
_MOBILE_CN = re.compile(r"(\+?86[\s-]?)?1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}")
_LANDLINE_CN = re.compile(r"(\+?86[\s-]?)?\(?0\d{2,3}\)?[\s-]?\d{7,8}")
_PHONE_SG = re.compile(r"\+65[\s-]?[689]\d{3}[\s-]?\d{4}")
# other countries: only with their +country code, so a rate or an amount never looks like one
_PHONE_GENERIC = re.compile(r"\+\d{1,3}[\s-]?\(?\d{1,4}\)?([\s-]?\d{2,4}){2,4}")
_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")
_ADDRESS_ZH = re.compile(r".*(省|市|区|县|镇|乡|自治州).*(路|街|道|巷|弄|号|村|大厦|室).*")
_ADDRESS_EN = re.compile(
    r"(?i).*\b\d+[A-Z]?\b.*\b(road|rd|street|st|avenue|ave|lane|ln|drive|dr|boulevard|blvd"
    r"|way|crescent|close|place|walk)\b.*"
)

# Source headers (e.g. an HR export's Chinese column names) that name a class.
HEADER_WORDS: dict[str, tuple[str, ...]] = {
    "national_id": ("身份证", "证件号"),
    "bank_account": ("银行账号", "银行卡", "卡号", "开户账号"),
    "phone": ("手机", "电话", "联系电话"),
    "email": ("邮箱", "电子邮件"),
    "address": ("地址", "住址"),
    "birth_date": ("出生",),
    "salary": (
        "工资",
        "薪",
        "奖金",
        "津贴",
        "绩效",
        "个税",
        "所得税",
        "社保",
        "公积金",
        "实发",
        "应发",
    ),
    "person_name": ("姓名", "联系人"),
}

# A column looks like a class when at least this share of its sampled non-empty values do.
CONTENT_SHARE = 0.8


def national_id_is_valid(value: str) -> bool:
    """GB 11643: 18 characters, a plausible birth date, and the check character matches."""
    v = value.strip()
    if not _NATIONAL_ID.fullmatch(v):
        return False
    try:
        born = date(int(v[6:10]), int(v[10:12]), int(v[12:14]))
    except ValueError:
        return False
    if born > date.today():
        return False
    total = sum(int(d) * w for d, w in zip(v[:17], NATIONAL_ID_WEIGHTS, strict=True))
    return NATIONAL_ID_CHECK[total % 11] == v[17].upper()


def looks_like_national_id(value: str) -> bool:
    """An 18-character resident ID shape with a real birth date, check digit right or wrong.

    A wrong check digit is still somebody's ID number with a typo: it must be protected too.
    """
    v = value.strip()
    if not _NATIONAL_ID.fullmatch(v):
        return False
    try:
        return date(int(v[6:10]), int(v[10:12]), int(v[12:14])) <= date.today()
    except ValueError:
        return False


def luhn_is_valid(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def looks_like_bank_card(value: str) -> bool:
    digits = re.sub(r"[\s-]", "", value.strip())
    return digits.isdigit() and 16 <= len(digits) <= 19 and luhn_is_valid(digits)


def looks_like_phone(value: str) -> bool:
    v = value.strip()
    if looks_like_national_id(v) or looks_like_bank_card(v):
        return False
    return any(p.fullmatch(v) for p in (_MOBILE_CN, _LANDLINE_CN, _PHONE_SG, _PHONE_GENERIC))


def looks_like_email(value: str) -> bool:
    return _EMAIL.fullmatch(value.strip()) is not None


def looks_like_address(value: str) -> bool:
    v = value.strip()
    return bool(_ADDRESS_ZH.fullmatch(v) or _ADDRESS_EN.fullmatch(v))


def _as_date(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None


def looks_like_birth_dates(values: Sequence[object]) -> bool:
    """Dates, nearly all at least 16 years old and after 1930, spread over 15+ years."""
    dates = [d for d in (_as_date(v) for v in values) if d is not None]
    if len(dates) < 10 or len(dates) < CONTENT_SHARE * len(values):
        return False
    today = date.today()
    adult = date(today.year - 16, today.month, min(today.day, 28))
    old_enough = [d for d in dates if date(1930, 1, 1) <= d <= adult]
    years = {d.year for d in old_enough}
    return len(old_enough) >= 0.95 * len(dates) and max(years) - min(years) >= 15


VALUE_TESTS = {
    "national_id": looks_like_national_id,
    "bank_account": looks_like_bank_card,
    "phone": looks_like_phone,
    "email": looks_like_email,
    "address": looks_like_address,
}


@dataclass(frozen=True)
class Suggestion:
    column: str
    suggested: str
    reason: str


def _share(values: Sequence[object], test) -> float:
    # amounts and rates (Decimal, float) are never identifiers, whatever their digits
    texts = [
        str(v)
        for v in values
        if v is not None and not isinstance(v, (Decimal, float)) and str(v).strip()
    ]
    if not texts:
        return 0.0
    return sum(1 for t in texts if test(t)) / len(texts)


def suggest(
    column: str, values: Sequence[object] = (), headers: Iterable[str] = ()
) -> Suggestion | None:
    """The class ``column`` looks like, by name, by the source headers mapped to it, or by
    a sample of its values (None when it looks like none)."""
    by_name = class_by_column_name(column)
    if by_name:
        return Suggestion(column, by_name, f"its name {column!r}")
    for header in headers:
        for cls, words in HEADER_WORDS.items():
            if any(w in header for w in words):
                return Suggestion(column, cls, f"its source header {header!r}")
    non_empty = [v for v in values if v is not None and str(v).strip()]
    if not non_empty:
        return None
    for cls, test in VALUE_TESTS.items():
        share = _share(non_empty, test)
        if share >= CONTENT_SHARE:
            return Suggestion(column, cls, f"{share:.0%} of {len(non_empty)} sampled values")
    if looks_like_birth_dates(non_empty):
        return Suggestion(column, "birth_date", f"{len(non_empty)} sampled dates of adults' births")
    return None


# --- free text ----------------------------------------------------------------------------
_SCRUB_PATTERNS: tuple[tuple[str, re.Pattern[str], object], ...] = (
    ("email", re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}"), None),
    (
        "national_id",
        re.compile(r"(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])"),
        looks_like_national_id,
    ),
    ("bank_account", re.compile(r"(?<!\d)\d(?:[ -]?\d){15,18}(?!\d)"), looks_like_bank_card),
    ("phone", re.compile(r"(?<![\dA-Za-z])(?:\+?86[\s-]?)?1[3-9]\d(?:[\s-]?\d{4}){2}(?!\d)"), None),
    ("phone", re.compile(r"\+65[\s-]?[689]\d{3}[\s-]?\d{4}(?!\d)"), None),
)


def scrub_text(text: str) -> str:
    """``text`` with anything that looks like an e-mail, resident ID, bank card or mobile
    phone replaced by ``‹class›``: for free text (errors, batch messages) whose columns
    cannot be known. Tagged columns are removed by name before it comes to this."""
    if not text:
        return text
    out = text
    for cls, pattern, confirm in _SCRUB_PATTERNS:
        out = pattern.sub(
            lambda m, cls=cls, confirm=confirm: (
                f"‹{cls}›" if confirm is None or confirm(m.group(0)) else m.group(0)
            ),
            out,
        )
    return out
