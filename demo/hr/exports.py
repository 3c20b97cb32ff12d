"""Write the HR system's monthly exports into the drop folder, with injected defects.

For every month of the World: ``employees_YYYY-MM.csv`` (GBK), ``org_units_YYYY-MM.csv``
(UTF-8 with BOM) and ``payroll_YYYY-MM.xlsx`` (one sheet per legal entity, title row,
merged two-row header, 合计 row). Payroll figures come from ``world.monthly_payroll`` — the
same function the ERP's payroll vouchers use — so clean rows reconcile to the cent.

Defects recorded in the DefectLog (system "hr"):
- invalid_national_id (employees, key 工号): 身份证号 with a wrong check digit, in every
  monthly file the employee appears in (HR master data was typed wrong once).
- missing_key: employees (key 工号) with a blank 部门编码; payroll (key 工号|月份) with a
  blank 工号.
- duplicate_row: the same employee / payslip row twice in one file.
- schema_drift (key = file name): later payroll files add 备注, rename 个税 → 个人所得税 and
  write amounts as text with thousands separators.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

from demo import defects as dk
from demo.defects import DefectConfig, DefectLog
from demo.errors import DemoError
from demo.hr import layouts
from demo.hr.writers import GBK, UTF8_BOM, SheetSpec, write_csv, write_xlsx
from demo.uscc import is_valid_national_id, national_id_check_char
from demo.world import World, is_employed_in, monthly_payroll

SYSTEM = "hr"
REMARKS = ("", "", "", "", "补发上月绩效", "含交通补贴", "试用期")


def employees_file(period: str) -> str:
    return f"employees_{period}.csv"


def org_units_file(period: str) -> str:
    return f"org_units_{period}.csv"


def payroll_file(period: str) -> str:
    return f"payroll_{period}.xlsx"


def wrong_check_digit(national_id: str, rng: random.Random) -> str:
    """The same identity number with a check character that does not match (a typo)."""
    right = national_id_check_char(national_id[:17])
    return national_id[:17] + rng.choice([c for c in "0123456789X" if c != right])


def write_hr_exports(
    world: World,
    drop_dir: Path,
    defect_log: DefectLog,
    config: DefectConfig,
    periods: list[tuple[int, int]] | None = None,
    on_month: Callable[[str], None] | None = None,
) -> list[Path]:
    """Write every month's exports (or only ``periods``) into ``drop_dir``; return the files.

    Deterministic for the World's seed. Every injected defect is recorded in ``defect_log``.
    ``on_month`` is called with each finished period ('2025-03'), for a progress bar.
    """
    drop_dir = Path(drop_dir)
    drop_dir.mkdir(parents=True, exist_ok=True)
    all_periods = world.periods()
    wanted = all_periods if periods is None else [p for p in all_periods if p in set(periods)]
    bad_ids = _national_id_typos(world, defect_log, config)
    # Whether this export series drifts at all is one draw (DefectConfig: rate per series).
    drift_on = config.hit(random.Random(f"{world.seed}/hr/drift"), dk.SCHEMA_DRIFT)
    written: list[Path] = []
    for year, month in wanted:
        index = all_periods.index((year, month))
        period = layouts.period_label(year, month)
        rng = random.Random(f"{world.seed}/hr/{period}")
        written.append(
            _write_employees(world, drop_dir, defect_log, config, rng, year, month, bad_ids)
        )
        written.append(_write_org_units(world, drop_dir, period))
        drift = layouts.payroll_drift_for(index, len(all_periods), drift_on)
        written.append(_write_payroll(world, drop_dir, defect_log, config, rng, year, month, drift))
    return written


def _national_id_typos(world: World, log: DefectLog, config: DefectConfig) -> dict[str, str]:
    """hr_id → the mistyped identity number HR keeps for that employee (Chinese ids only)."""
    typos: dict[str, str] = {}
    for emp in world.employees:
        rng = random.Random(f"{world.seed}/hr/national-id/{emp.hr_id}")
        if not config.hit(rng, dk.INVALID_NATIONAL_ID) or not is_valid_national_id(emp.national_id):
            continue  # abroad ids are not GB 11643 numbers, so they cannot have this typo
        typos[emp.hr_id] = wrong_check_digit(emp.national_id, rng)
        log.record(
            dk.INVALID_NATIONAL_ID,
            SYSTEM,
            "employees",
            emp.hr_id,
            f"身份证号 {typos[emp.hr_id]} (true {emp.national_id}) in every employees file",
        )
    return typos


def _write_employees(
    world: World,
    drop_dir: Path,
    log: DefectLog,
    config: DefectConfig,
    rng: random.Random,
    year: int,
    month: int,
    bad_ids: dict[str, str],
) -> Path:
    name = employees_file(layouts.period_label(year, month))
    dept_col = layouts.EMPLOYEE_HEADERS.index("部门编码")
    id_col = layouts.EMPLOYEE_HEADERS.index("身份证号")
    rows: list[list[object]] = []
    for emp in world.employees:
        if not is_employed_in(emp, year, month):
            continue
        missing_hit = config.hit(rng, dk.MISSING_KEY)
        dup_hit = config.hit(rng, dk.DUPLICATE_ROW)
        row = layouts.employee_row(
            emp, world.org_unit(emp.dept_code), world.entity(emp.entity_code), year, month
        )
        if emp.hr_id in bad_ids:
            row[id_col] = bad_ids[emp.hr_id]
        if missing_hit:
            row[dept_col] = ""
            log.record(dk.MISSING_KEY, SYSTEM, "employees", emp.hr_id, f"部门编码 blank in {name}")
        rows.append(row)
        if dup_hit:
            rows.append(list(row))
            log.record(dk.DUPLICATE_ROW, SYSTEM, "employees", emp.hr_id, f"row repeated in {name}")
    return _write_csv_checked(drop_dir / name, layouts.EMPLOYEE_HEADERS, rows, GBK)


def _write_org_units(world: World, drop_dir: Path, period: str) -> Path:
    rows = [layouts.org_unit_row(u, world.entity(u.entity_code)) for u in world.org_units]
    return _write_csv_checked(
        drop_dir / org_units_file(period), layouts.ORG_UNIT_HEADERS, rows, UTF8_BOM
    )


def _write_csv_checked(path: Path, headers, rows, encoding: str) -> Path:
    try:
        return write_csv(path, headers, rows, encoding)
    except UnicodeEncodeError as exc:
        # GBK cannot hold every character; a real HR system would fail the export too.
        bad = exc.object[exc.start : exc.end]
        raise DemoError(
            f"cannot write {path.name} in {encoding}: character {bad!r} has no {encoding} code",
            "write this export as UTF-8 with BOM instead, or fix the name in HR master data",
        ) from exc


def _write_payroll(
    world: World,
    drop_dir: Path,
    log: DefectLog,
    config: DefectConfig,
    rng: random.Random,
    year: int,
    month: int,
    drift: layouts.PayrollDrift,
) -> Path:
    period = layouts.period_label(year, month)
    name = payroll_file(period)
    headers = layouts.drifted_headers(drift)
    sheets = []
    for entity in world.entities:
        rows: list[list[object]] = []
        for emp in world.employees_of(entity.code):
            line = monthly_payroll(world, emp, year, month)
            if line is None:
                continue
            missing_hit = config.hit(rng, dk.MISSING_KEY)
            dup_hit = config.hit(rng, dk.DUPLICATE_ROW)
            row = layouts.payroll_row(line, emp, world.org_unit(emp.dept_code))
            key = f"{emp.hr_id}|{period}"
            if missing_hit:
                row[0] = None
                log.record(
                    dk.MISSING_KEY,
                    SYSTEM,
                    "payroll",
                    key,
                    f"工号 blank in {name}, sheet {entity.short_name} (姓名 {emp.name})",
                )
            rows.append(row)
            if dup_hit:
                rows.append(list(row))
                log.record(
                    dk.DUPLICATE_ROW,
                    SYSTEM,
                    "payroll",
                    key,
                    f"row repeated in {name}, sheet {entity.short_name}",
                )
        if not rows:
            continue
        totals = layouts.totals_row(rows, len(layouts.PAYROLL_HEADERS))
        sheets.append(
            SheetSpec(
                sheet_title=entity.short_name,
                title=f"{entity.name} {year}年{month:02d}月工资表",
                headers=headers,
                groups=layouts.drifted_groups(drift),
                rows=[layouts.apply_drift(r, drift, rng.choice(REMARKS)) for r in rows],
                totals=layouts.apply_drift(totals, drift),
            )
        )
    for change in drift.changes():
        log.record(dk.SCHEMA_DRIFT, SYSTEM, "payroll", name, change)
    return write_xlsx(drop_dir / name, sheets)
