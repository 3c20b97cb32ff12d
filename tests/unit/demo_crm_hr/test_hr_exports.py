"""HR exports: encodings, Excel quirks, payroll arithmetic, and every logged defect present."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from demo import defects as dk
from demo.defects import DefectConfig, DefectLog
from demo.hr.exports import write_hr_exports
from demo.uscc import is_valid_national_id
from demo.world import build_world, payroll_totals_by_cost_center

pytestmark = pytest.mark.unit

LOUD = DefectConfig(duplicate_row=0.03, missing_key=0.03, invalid_national_id=0.08)
AMOUNTS = (
    "基本工资",
    "津贴",
    "绩效",
    "应发工资",
    "社保个人",
    "公积金个人",
    "实发工资",
    "社保公司",
    "公积金公司",
)


@pytest.fixture(scope="module")
def world():
    return build_world(seed=5, scale=0.02)


@pytest.fixture(scope="module")
def exported(world, tmp_path_factory):
    drop = tmp_path_factory.mktemp("hr_drop")
    log = DefectLog()
    files = write_hr_exports(world, drop, log, LOUD)
    return drop, files, log


# --- readers written here, independently of demo/hr ------------------------------------------


def read_csv(path: Path, encoding: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_bytes().decode(encoding))))


def to_decimal(value) -> Decimal:
    if isinstance(value, str):
        return Decimal(value.replace(",", ""))
    return Decimal(str(value)).quantize(Decimal("0.01"))


def read_payroll_sheets(path: Path) -> dict[str, tuple[list[str], list[dict], dict]]:
    """sheet title → (column names from header row 3, else row 2; data rows; totals row)."""
    wb = openpyxl.load_workbook(path)
    out = {}
    for ws in wb.worksheets:
        values = list(ws.iter_rows(values_only=True))
        group_row, name_row = values[1], values[2]
        names = [n if n is not None else g for g, n in zip(group_row, name_row, strict=True)]
        body = [dict(zip(names, r, strict=True)) for r in values[3:]]
        out[ws.title] = (names, body[:-1], body[-1])
    return out


def file_in(detail: str) -> str:
    """The export file a DefectLog detail names."""
    return re.search(r"[a-z_]+_\d{4}-\d{2}\.(?:csv|xlsx)", detail).group(0)


def tax_column(names):
    return "个人所得税" if "个人所得税" in names else "个税"


def test_one_file_of_each_kind_per_month_named_by_period(exported, world):
    drop, files, _ = exported
    periods = [f"{y}-{m:02d}" for y, m in world.periods()]
    expected = {
        f"{stem}_{p}.{ext}"
        for p in periods
        for stem, ext in (("employees", "csv"), ("org_units", "csv"), ("payroll", "xlsx"))
    }
    assert {f.name for f in files} == expected
    assert {f.name for f in drop.iterdir()} == expected  # no temp files left behind


def test_employees_csv_is_gbk_and_not_utf8(exported):
    drop, _, _ = exported
    raw = (drop / "employees_2025-03.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    header = raw.decode("gbk").splitlines()[0]
    assert header.startswith("工号,姓名")
    assert b"\r\n" in raw


def test_org_units_csv_is_utf8_with_bom(exported):
    drop, _, _ = exported
    raw = (drop / "org_units_2025-03.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = read_csv(drop / "org_units_2025-03.csv", "utf-8-sig")
    assert rows and set(rows[0]) >= {"部门编码", "部门名称", "上级部门", "成本中心"}


def test_payroll_xlsx_has_title_row_merged_header_and_totals(exported):
    drop, _, _ = exported
    wb = openpyxl.load_workbook(drop / "payroll_2025-03.xlsx")
    assert len(wb.worksheets) == 3  # one sheet per legal entity
    ws = wb.worksheets[0]
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert "A2:A3" in merged  # 工号 spans both header rows
    assert "H2:K2" in merged  # 应发项目 over 基本工资..应发工资
    assert any(r.startswith("A1:") for r in merged)  # title across the sheet
    assert "工资表" in ws["A1"].value
    last = [c.value for c in ws[ws.max_row]]
    assert last[0] == "合计"


def test_payroll_arithmetic_holds_and_totals_add_up(exported):
    drop, files, _ = exported
    for path in (f for f in files if f.name.startswith("payroll_")):
        for _, (names, rows, totals) in read_payroll_sheets(path).items():
            tax = tax_column(names)
            for row in rows:
                gross = to_decimal(row["应发工资"])
                assert gross == sum(to_decimal(row[c]) for c in ("基本工资", "津贴", "绩效"))
                assert to_decimal(row["实发工资"]) == (
                    gross
                    - to_decimal(row["社保个人"])
                    - to_decimal(row["公积金个人"])
                    - to_decimal(row[tax])
                )
            for col in (*AMOUNTS, tax):
                assert to_decimal(totals[col]) == sum(to_decimal(r[col]) for r in rows)


def test_payroll_without_its_duplicates_equals_what_the_erp_books(exported, world):
    """Drop exact repeated rows: HR gross per cost centre = the World's payroll totals,
    which is what the ERP's payroll vouchers book."""
    drop, _, _ = exported
    for year, month in world.periods()[:3]:
        seen: set[tuple] = set()
        hr_gross: dict[str, Decimal] = {}
        sheets = read_payroll_sheets(drop / f"payroll_{year}-{month:02d}.xlsx")
        for _, (_, rows, _) in sheets.items():
            for row in rows:
                fingerprint = tuple(row.values())
                if fingerprint in seen:
                    continue
                seen.add(fingerprint)
                cc = row["成本中心"]
                hr_gross[cc] = hr_gross.get(cc, Decimal(0)) + to_decimal(row["应发工资"])
        erp_gross = {
            cc: t["gross"]
            for entity in world.entities
            for cc, t in payroll_totals_by_cost_center(world, entity.code, year, month).items()
        }
        assert hr_gross == erp_gross


def test_invalid_national_ids_are_exactly_the_logged_employees(exported):
    drop, files, log = exported
    logged = log.keys(dk.INVALID_NATIONAL_ID, "hr", "employees")
    assert logged
    for path in (f for f in files if f.name.startswith("employees_")):
        rows = read_csv(path, "gbk")
        bad = {
            r["工号"]
            for r in rows
            if r["身份证号"][:1].isdigit() and not is_valid_national_id(r["身份证号"])
        }
        present = {r["工号"] for r in rows}
        assert bad == logged & present


def test_missing_keys_are_blank_where_logged(exported):
    drop, _, log = exported
    entries = log.of_kind(dk.MISSING_KEY, "hr")
    assert {d.entity for d in entries} == {"employees", "payroll"}
    for d in entries:
        file_name = file_in(d.detail)
        if d.entity == "employees":
            rows = [r for r in read_csv(drop / file_name, "gbk") if r["工号"] == d.key]
            assert rows and all(r["部门编码"] == "" for r in rows)
        else:
            name = d.detail.split("姓名 ")[1].rstrip(")")
            sheets = read_payroll_sheets(drop / file_name)
            assert any(
                r["工号"] is None and r["姓名"] == name for _, rs, _ in sheets.values() for r in rs
            )


def test_no_unlogged_blank_keys(exported):
    drop, files, log = exported
    missing = log.keys(dk.MISSING_KEY, "hr", "payroll")
    duplicated = log.keys(dk.DUPLICATE_ROW, "hr", "payroll")
    expected_blank = len(missing) + len(missing & duplicated)
    blank = 0
    for path in (f for f in files if f.name.startswith("payroll_")):
        for _, (_, rows, _) in read_payroll_sheets(path).items():
            blank += sum(1 for r in rows if r["工号"] is None)
    assert blank == expected_blank


def test_duplicates_appear_twice_in_their_file(exported, world):
    drop, _, log = exported
    blanked = log.keys(dk.MISSING_KEY, "hr", "payroll")
    names = {e.hr_id: e.name for e in world.employees}
    entries = log.of_kind(dk.DUPLICATE_ROW, "hr")
    assert {d.entity for d in entries} == {"employees", "payroll"}
    for d in entries:
        file_name = file_in(d.detail)
        if d.entity == "employees":
            count = sum(1 for r in read_csv(drop / file_name, "gbk") if r["工号"] == d.key)
            assert count == 2
        else:
            hr_id = d.key.split("|")[0]
            rows = [r for _, rs, _ in read_payroll_sheets(drop / file_name).values() for r in rs]
            if d.key in blanked:  # the repeated row is the one whose 工号 was blanked
                assert sum(1 for r in rows if r["工号"] is None and r["姓名"] == names[hr_id]) == 2
            else:
                assert sum(1 for r in rows if r["工号"] == hr_id) == 2


def drift_tag(detail: str) -> str:
    """Which change a schema_drift detail describes: added, renamed or retyped."""
    for tag in ("added", "renamed", "retyped"):
        if tag in detail:
            return tag
    raise AssertionError(f"unrecognised schema_drift detail: {detail}")


def test_schema_drift_is_logged_for_exactly_the_files_that_drift(exported):
    drop, files, log = exported
    drift: dict[str, set[str]] = {}
    for d in log.of_kind(dk.SCHEMA_DRIFT, "hr"):
        assert d.entity == "payroll"
        drift.setdefault(d.key, set()).add(drift_tag(d.detail))
    assert drift, "later payroll files should drift"
    for path in (f for f in files if f.name.startswith("payroll_")):
        changes = drift.get(path.name, set())
        for names, rows, totals in read_payroll_sheets(path).values():
            assert ("备注" in names) == ("added" in changes)
            assert ("个人所得税" in names) == ("renamed" in changes)
            assert ("个税" in names) == ("renamed" not in changes)
            amounts_are_text = all(isinstance(r["应发工资"], str) for r in rows)
            amounts_are_numbers = all(isinstance(r["应发工资"], int | float) for r in rows)
            if "retyped" in changes:
                assert amounts_are_text and isinstance(totals["应发工资"], str)
                assert any("," in r["应发工资"] for r in rows)
            else:
                assert amounts_are_numbers


def test_clean_config_logs_nothing_and_writes_no_defects(world, tmp_path):
    log = DefectLog()
    files = write_hr_exports(world, tmp_path, log, DefectConfig.none(), periods=[(2025, 1)])
    assert log.entries == []
    assert len(files) == 3
    rows = read_csv(tmp_path / "employees_2025-01.csv", "gbk")
    assert len({r["工号"] for r in rows}) == len(rows)
    assert all(r["部门编码"] for r in rows)
