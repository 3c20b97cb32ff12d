"""The detector: what looks like a resident ID, a card, a phone, an e-mail, an address, a
birth date, by value, by name and by the source's header; and scrubbing free text.

Ground truth: the GB 11643 standard's example number (11010519491231002X), the demo defect
log's wrong ID (120101199903156726, true …728), the Luhn test card 4111 1111 1111 1111.
"""

import pytest

from yecai.privacy.detect import (
    looks_like_address,
    looks_like_bank_card,
    looks_like_birth_dates,
    looks_like_email,
    looks_like_national_id,
    looks_like_phone,
    national_id_is_valid,
    scrub_text,
    suggest,
)

pytestmark = pytest.mark.unit


def test_resident_ids_with_right_and_wrong_check_digits():
    assert national_id_is_valid("11010519491231002X")
    assert national_id_is_valid("120101199903156728")
    assert not national_id_is_valid("120101199903156726")
    # a typo in the check digit is still someone's ID number: it must be protected
    assert looks_like_national_id("120101199903156726")
    assert not looks_like_national_id("120101199913456728")  # month 13: not a birth date
    assert not looks_like_national_id("SO2025000001234567")


def test_cards_phones_emails_addresses():
    assert looks_like_bank_card("4111 1111 1111 1111")
    assert looks_like_bank_card("6222021234567890128")
    assert not looks_like_bank_card("4111111111111112")  # Luhn fails
    for phone in ("13800138000", "+86 138-0013-8000", "021-64370045", "+65 6123 4567"):
        assert looks_like_phone(phone), phone
    assert not looks_like_phone("2025-06-30")
    assert not looks_like_phone("120101199903156728")
    assert looks_like_email("h00037@yunshan-group.example")
    assert not looks_like_email("not an email")
    assert looks_like_address("福建省福州市鼓楼区五四路123号")
    assert looks_like_address("12 Orchard Road, Singapore")
    assert not looks_like_address("Singapore")


def test_birth_dates_by_content_but_not_hire_dates():
    births = [f"{y}-0{1 + y % 9}-1{y % 9}" for y in range(1962, 2002, 2)]
    assert looks_like_birth_dates(births)
    hires = [f"{y}-03-01" for y in range(2010, 2026)]
    assert not looks_like_birth_dates(hires)


def test_suggest_by_name_header_and_content():
    assert suggest("employee_name").suggested == "person_name"
    assert suggest("x1", headers=["身份证号"]).suggested == "national_id"
    assert suggest("x2", headers=["基本工资"]).suggested == "salary"
    assert suggest("crm_owner_id", headers=["CRM账号"]) is None  # a login account, not a bank's
    hit = suggest("col_7", ["13800138000", "13912345678", "", None, "15011112222"])
    assert hit.suggested == "phone" and "3 sampled" in hit.reason
    assert suggest("col_8", ["SO-1", "SO-2", "SO-3"]) is None
    assert suggest("account_no", ["1001", "6001"]) is None  # a ledger account, not a bank's


def test_scrub_text_keeps_document_numbers():
    text = (
        "row 5: 张三, 120101199903156726, 6222021234567890128, +86 139-1234-5678, "
        "h00037@yunshan-group.example; document SO-2025-00001, batch 20250101T000000Z"
    )
    out = scrub_text(text)
    for value in ("120101199903156726", "6222021234567890128", "139-1234-5678", "h00037@"):
        assert value not in out
    assert "‹national_id›" in out and "‹bank_account›" in out and "‹phone›" in out
    assert "SO-2025-00001" in out and "20250101T000000Z" in out
