"""Known personal values planted into a generated demo's sources, and where they must not be.

``plant(home)`` writes distinctive, valid-looking values (a resident ID with its check digit, a
bank card passing Luhn, phones, e-mails, street addresses, names of persons) into every demo
source after ``yecai demo generate`` and before the first extraction: the group ERP (a vendor's
and a customer's contact), the second ERP (a partner's e-mail), the CRM store (a contact) and
the HR exports (two employees in every monthly file). One employee gets an ID number whose
check digit is wrong, so the ``national_id`` check fails on a planted value and its failing
keys, results, scorecard and GX docs are exercised; one month's pay is typed with its unit, so
a row holding the planted pay is quarantined with a reason. ``truncated_hr_export`` writes an export
cut off in the middle of the planted employee's row: the batch message and the run failure it
causes quote that row unless redaction holds.

Imported as ``tests.e2e.privacy.planted``.
"""

from __future__ import annotations

import csv
import io
import re
import sqlite3
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

# The check digit of a GB 11643 resident ID: weights and the check code table.
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def resident_id(first17: str, valid: bool = True) -> str:
    digit = _CHECK[sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True)) % 11]
    if not valid:
        digit = _CHECK[(_CHECK.index(digit) + 1) % 11]
    return first17 + digit


def luhn(prefix: str) -> str:
    """``prefix`` with the Luhn check digit appended."""
    total = 0
    for i, c in enumerate(reversed(prefix)):
        d = int(c) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return prefix + str((10 - total % 10) % 10)


@dataclass(frozen=True)
class Planted:
    value: str
    kind: str  # the classification of the column it is planted in
    where: str  # the source and record, for a reader of a failure

    @property
    def forms(self) -> tuple[str, ...]:
        """The value as planted and, for numbers written with separators or a country code,
        its digits alone and without +86 (the form tokens normalise to)."""
        forms = [self.value]
        if self.kind == "salary":  # later payroll exports write amounts as text: 18,765.43
            forms.append(f"{Decimal(self.value):,}")
        digits = re.sub(r"\D", "", self.value)
        if len(digits) >= 7 and self.kind in ("phone", "bank_account", "national_id"):
            forms.append(digits)
            if self.kind == "phone" and digits.startswith("86") and len(digits) == 13:
                forms.append(digits[2:])
        return tuple(dict.fromkeys(forms))


EMPLOYEE = "H00003"  # the employee whose record is planted (valid ID)
EMPLOYEE_BAD_ID = "H00004"  # the employee whose ID number gets a wrong check digit

HR = {
    "姓名": Planted("司徒守秘", "person_name", f"hr employees {EMPLOYEE} 姓名"),
    "身份证号": Planted(resident_id("32058319870623531"), "national_id", f"hr {EMPLOYEE} 身份证号"),
    "银行账号": Planted(luhn("621700998877665544"), "bank_account", f"hr {EMPLOYEE} 银行账号"),
    "邮箱": Planted("situ.shoumi.planted@yunshan-group.example", "email", f"hr {EMPLOYEE} 邮箱"),
    "手机": Planted("13987650123", "phone", f"hr {EMPLOYEE} 手机"),
}
# The planted employee's base pay (基本工资) in every payroll export; the allowance takes the
# difference, so gross pay, the books and their reconciliation with HR stay as generated.
SALARY = Planted("18765.43", "salary", f"hr payroll {EMPLOYEE} 基本工资")
# In this month's export the pay is typed with its unit, so the row is quarantined and the
# quarantine reason (batch message, governance.ingestion_batches) would quote it.
UNIT_TYPED_PAY = "payroll_2025-06"
HR_BAD_ID = Planted(
    resident_id("44030419910817642", valid=False), "national_id", f"hr {EMPLOYEE_BAD_ID} 身份证号"
)
ERP_VENDOR = {  # erp.vendors V00101: a supplier's contact and its bank account
    "address": Planted("浙江省宁波市秘境路8848号3幢", "address", "erp vendors V00101 address"),
    "contact_person": Planted("诸葛藏锋", "person_name", "erp vendors V00101 contact_person"),
    "phone": Planted("+86 137-2468-1357", "phone", "erp vendors V00101 phone"),
    "bank_account": Planted(
        luhn("622848001357246809"), "bank_account", "erp vendors V00101 bank_account"
    ),
}
ERP_CUSTOMER = {  # erp.customers C000101
    "address": Planted("上海市徐汇区隐私大道1314号", "address", "erp customers C000101 address"),
    "contact_person": Planted("令狐隐名", "person_name", "erp customers C000101 contact_person"),
    "phone": Planted("15808642097", "phone", "erp customers C000101 phone"),
}
ERP2_PARTNER = {  # erp2.bp_master BP10001
    "email": Planted("hidden.partner.q9@planted-privacy.example", "email", "erp2 bp_master email"),
}
CRM_CONTACT = {  # the CRM store's contact CON-00001
    "full_name": Planted("Wilhelmina Quarrington", "person_name", "crm contacts full_name"),
    "phone": Planted("+86 186 7654 3210", "phone", "crm contacts phone"),
    "email": Planted("w.quarrington.planted@partner.example", "email", "crm contacts email"),
}

ALL: tuple[Planted, ...] = (
    *HR.values(),
    SALARY,
    HR_BAD_ID,
    *ERP_VENDOR.values(),
    *ERP_CUSTOMER.values(),
    *ERP2_PARTNER.values(),
    *CRM_CONTACT.values(),
)


def _update_sqlite(path: Path, table: str, key: str, key_value: str, values: dict) -> None:
    con = sqlite3.connect(path)
    try:
        sets = ", ".join(f"{c} = ?" for c in values)
        cur = con.execute(
            f"update {table} set {sets} where {key} = ?",
            [p.value for p in values.values()] + [key_value],
        )
        assert cur.rowcount == 1, f"{path.name}: no {table} row {key_value}"
        con.commit()
    finally:
        con.close()


def _plant_hr(drop: Path) -> int:
    """Rewrite every monthly employees export (GBK, CRLF) with the planted values in the two
    employees' rows; returns how many rows were planted."""
    planted = 0
    for path in sorted(drop.glob("employees_*.csv")):
        rows = list(csv.reader(io.StringIO(path.read_bytes().decode("gbk"), newline="")))
        header = rows[0]
        for row in rows[1:]:
            if row and row[0] == EMPLOYEE:
                for column, value in HR.items():
                    row[header.index(column)] = value.value
                planted += 1
            elif row and row[0] == EMPLOYEE_BAD_ID:
                row[header.index("身份证号")] = HR_BAD_ID.value
        out = io.StringIO(newline="")
        csv.writer(out, lineterminator="\r\n").writerows(rows)
        path.write_bytes(out.getvalue().encode("gbk"))
    return planted


def _plant_payroll(drop: Path) -> int:
    """Set the planted employee's name and base pay in every payroll workbook (numbers, or text
    with thousands separators where the export drifted to text); returns the rows planted."""
    from openpyxl import load_workbook

    base = Decimal(SALARY.value)
    planted = 0
    for path in sorted(drop.glob("payroll_*.xlsx")):
        wb = load_workbook(path)
        for ws in wb.worksheets:
            names = [c.value for c in ws[2]]
            names = [n3 or n2 for n2, n3 in zip(names, [c.value for c in ws[3]], strict=True)]
            col = {n: i for i, n in enumerate(names) if n}
            for row in ws.iter_rows(min_row=4):
                if row[0].value != EMPLOYEE:
                    continue
                pay, allowance = row[col["基本工资"]], row[col["津贴"]]
                as_text = isinstance(pay.value, str)
                total = sum(Decimal(str(c.value).replace(",", "")) for c in (pay, allowance))
                assert total >= base, f"{path.name}: {EMPLOYEE} earns less than the planted pay"
                pay.value = f"{base:,}" if as_text else float(base)
                if UNIT_TYPED_PAY in path.name:  # typed with its unit: the row is quarantined
                    pay.value = f"{base}元"
                rest = total - base
                allowance.value = f"{rest:,}" if as_text else float(rest)
                row[col["姓名"]].value = HR["姓名"].value
                planted += 1
        wb.save(path)
    return planted


def plant(demo: Path) -> None:
    """Plant every value of ``ALL`` into the demo's sources under ``demo`` (<home>/demo)."""
    _update_sqlite(demo / "erp.sqlite", "vendors", "vendor_no", "V00101", ERP_VENDOR)
    _update_sqlite(demo / "erp.sqlite", "customers", "customer_no", "C000101", ERP_CUSTOMER)
    _update_sqlite(demo / "erp2.sqlite", "bp_master", "bp_id", "BP10001", ERP2_PARTNER)
    _update_sqlite(demo / "crm.sqlite", "contacts", "id", "CON-00001", CRM_CONTACT)
    assert _plant_hr(demo / "hr_drop") >= 6, "the planted employee is in too few HR exports"
    assert _plant_payroll(demo / "hr_drop") >= 6, "the planted employee is paid too rarely"


def truncated_hr_export(drop: Path) -> Path:
    """A new month's employees export cut off inside the planted employee's row (no final
    line break): the files connector refuses it and its message names the last line."""
    source = sorted(drop.glob("employees_*.csv"))[-1]
    lines = source.read_bytes().decode("gbk").split("\r\n")
    row = next(line for line in lines if line.startswith(EMPLOYEE + ","))
    cut = row[: row.index(HR["手机"].value) + 5]  # stops inside the phone number
    path = drop / "employees_2026-01.csv"
    path.write_bytes(("\r\n".join([lines[0], cut])).encode("gbk"))
    return path
