"""The column classes: the words a contract or a dbt model uses to say a column is sensitive.

A column is tagged with one class (``classification: national_id`` in a contract column,
``meta: {classification: national_id}`` on a dbt model column). A class is data about the
column's content, not about who may see it: the masking policy (``policy.py``) decides that
per role. Kept small on purpose: every class needs a rule for every role.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from yecai.errors import YecaiError


@dataclass(frozen=True)
class ColumnClass:
    name: str
    description: str
    # PIPL art. 28 sensitive personal information (敏感个人信息): identity numbers, financial
    # accounts, pay. The others are personal information (个人信息).
    pipl_sensitive: bool
    # A column *named* like this probably holds the class (full match, lower-case name).
    name_pattern: str

    def name_matches(self, column: str) -> bool:
        return re.fullmatch(self.name_pattern, column.lower()) is not None


CLASSES: tuple[ColumnClass, ...] = (
    ColumnClass(
        "national_id",
        "resident identity number (身份证号, GB 11643), passport or foreign ID number",
        True,
        r"(.*_)?(national_id|id_card(_no)?|identity_(number|no)|passport(_no)?|nric|ssn)",
    ),
    ColumnClass(
        "bank_account",
        "bank account or card number (银行账号 / 卡号) of a person or a company",
        True,
        r"(.*_)?(bank_account(_no|_number)?|iban|bank_card(_no|_number)?|card_no|card_number)",
    ),
    ColumnClass(
        "phone",
        "telephone or mobile number (电话 / 手机)",
        False,
        r"(.*_)?(phone|mobile|tel|telephone|fax)(_no|_number)?",
    ),
    ColumnClass("email", "e-mail address", False, r"(.*_)?e?_?mail(_address)?"),
    ColumnClass(
        "address",
        "street address (地址) of a person or a contact",
        False,
        r"(.*_)?(street_)?address(_line_?\d)?|street",
    ),
    ColumnClass(
        "birth_date",
        "date of birth (出生日期)",
        False,
        r"(.*_)?(birth_date|date_of_birth|birthday|dob)",
    ),
    ColumnClass(
        "salary",
        "what one person is paid or has withheld (工资, 奖金, 个税, 社保): payroll amounts",
        True,
        r"(.*_)?(salary|wage|wages|bonus|allowance|gross_pay|net_pay|income_tax"
        r"|social_insurance(_employee|_employer)?|housing_fund(_employee|_employer)?)",
    ),
    ColumnClass(
        "person_name",
        "a natural person's name (姓名): employees, contacts, users",
        False,
        r"(.*_)?(employee_name|full_name|person_name|contact_person|contact_name|display_name"
        r"|first_name|last_name|given_name|family_name)",
    ),
)

BY_NAME: dict[str, ColumnClass] = {c.name: c for c in CLASSES}
CLASS_NAMES: tuple[str, ...] = tuple(BY_NAME)
# A reviewed column that looks sensitive but is not (a company's corporate income tax, a
# warehouse's street): ``classification: none`` silences the detector with a decision.
NOT_SENSITIVE = "none"


def check_tag(name: object, where: str = "") -> str:
    """A tag's value as written in a contract or model YAML: a class name or ``none``.

    An unknown value is an error naming ``where`` it was used: a typo must not leave a
    column unprotected.
    """
    text = str(name).strip()
    if text == NOT_SENSITIVE or text in BY_NAME:
        return text
    raise YecaiError(
        f"{where + ': ' if where else ''}unknown classification {text!r}",
        f"use one of: {', '.join(CLASS_NAMES)}, or {NOT_SENSITIVE!r} for a column reviewed "
        "as not sensitive (docs/security.md says what each means)",
    )


def class_by_column_name(column: str) -> str | None:
    """The class a column's name suggests, or None. First match wins (classes are disjoint)."""
    return next((c.name for c in CLASSES if c.name_matches(column)), None)
