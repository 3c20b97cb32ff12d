"""Financialization, finance marts and business–finance reconciliation on the demo company.

One module fixture generates the demo (scale 0.01, the booking defects raised so every kind
occurs), lands the ERP, the foreign subsidiary's books and the HR exports with the real
ingestion runner, builds the finance area with dbt (its data tests included) and writes the
statements with `yecai report statements`. The tests compare the warehouse with the demo's
defect log (demo/ground_truth.csv), never with the models' own logic.
"""

from __future__ import annotations

import csv
import subprocess
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from demo.defects import DefectConfig
from ingestion.runner import ingest
from orchestration.cli import app
from tests.shared.demo_home import generate_demo_company
from tests.transform.dbt_helpers import dbt_process, run_dbt
from yecai.settings import get_paths

pytestmark = pytest.mark.e2e

SEED = 7
SCALE = 0.01
# Raised rates of the booking defects so each kind occurs at this small scale.
DEFECTS = DefectConfig(
    booked_without_document=0.1,
    unbalanced_voucher=0.01,
    wrong_amount=0.02,
    wrong_account=0.02,
    not_booked=0.02,
)
# What each injected discrepancy must be reported as.
EXPECTED_TYPE = {
    "not_booked": "missing_booking",
    "wrong_amount": "amount_differs",
    "wrong_account": "account_differs",
    "booked_without_document": "booked_without_document",
    "unbalanced_voucher": "unbalanced_voucher",
}
# dbt selects the product package's models by fqn (package.folder…), not by path
FINANCE = [
    "yecai.intermediate.finance",
    "yecai.marts.finance",
    "yecai.marts.business",
    "yecai.marts.management",
    "reconciliation_exceptions",
    "reconciliation_summary",
]


class Books:
    def __init__(self, home: Path, runs: list[subprocess.CompletedProcess]) -> None:
        self.home = home
        self.runs = runs
        self.db = duckdb.connect(str(get_paths().build_db), read_only=True)
        with (home / "demo" / "ground_truth.csv").open(encoding="utf-8") as fh:
            self.truth = list(csv.DictReader(fh))

    def rows(self, sql: str, *params) -> list[tuple]:
        return self.db.execute(sql, list(params)).fetchall()

    def reported(self, system: str, key: str) -> set[str]:
        """Exception types reported for a document or voucher key of a source system."""
        found = self.rows(
            """select distinct exception_type from governance.reconciliation_exceptions
               where source_system = ? and (document_source_id = ?
                  or list_contains(string_split(voucher_source_id, ', '), ?))""",
            system,
            key,
            key,
        )
        return {r[0] for r in found}


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> Books:
    home = tmp_path_factory.mktemp("yecai_finance")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("YECAI_HOME", str(home))
        paths = get_paths()
        generate_demo_company(paths, seed=SEED, scale=SCALE, defects=DEFECTS)
        # the CRM holds no booking; the books and the payroll register are what finance needs
        for source in ("erp", "erp2", "hr"):
            failed = [r for r in ingest(paths, source=source) if r.status == "failed"]
            assert not failed, f"ingestion failed: {[(r.entity, r.message) for r in failed]}"
        paths.build_db.parent.mkdir(parents=True, exist_ok=True)
        runs = [
            dbt_process(home, paths.build_db, "seed"),
            dbt_process(home, paths.build_db, "run", "--select", *[f"+{s}" for s in FINANCE]),
            dbt_process(
                home,
                paths.build_db,
                "test",
                "--select",
                *FINANCE,
                "yecai.singular.finance",
                "yecai.finance",
            ),
        ]
        yield Books(home, runs)


def test_dbt_builds_the_finance_area_and_its_data_tests_pass(books: Books) -> None:
    for run in books.runs:
        assert run.returncode == 0, (run.args[1], (run.stdout + run.stderr)[-4000:])
    assert "PASS=" in books.runs[-1].stdout


@pytest.mark.parametrize("kind", sorted(EXPECTED_TYPE))
def test_every_injected_discrepancy_is_reported_with_its_type(books: Books, kind: str) -> None:
    injected = [d for d in books.truth if d["kind"] == kind]
    assert injected, f"the demo injected no {kind}; raise its rate in DEFECTS"
    missing = [
        (d["system"], d["entity"], d["key"])
        for d in injected
        if EXPECTED_TYPE[kind] not in books.reported(d["system"], d["key"])
    ]
    assert not missing, f"{len(missing)} of {len(injected)} {kind} not reported: {missing[:10]}"


def test_document_exceptions_on_the_books_all_trace_to_an_injected_defect(books: Books) -> None:
    # Precision: outside payroll (whose register comes from HR exports with their own
    # quarantined rows), every document-level exception is a defect the demo injected.
    keys = {(d["system"], d["key"]) for d in books.truth}
    keys |= {(d["system"], d["key"].split("|")[0]) for d in books.truth}
    rows = books.rows(
        """select source_system, exception_type, document_source_id, voucher_source_id
           from governance.reconciliation_exceptions
           where check_level = 'document' and document_type <> 'payroll'"""
    )
    assert rows
    unexplained = [
        r
        for r in rows
        if (r[0], r[2]) not in keys and not any((r[0], v) in keys for v in (r[3] or "").split(", "))
    ]
    assert not unexplained, unexplained[:10]


def test_unbalanced_vouchers_are_held_out_of_the_ledger(books: Books) -> None:
    vouchers = {(d["system"], d["key"]) for d in books.truth if d["kind"] == "unbalanced_voucher"}
    in_ledger = set(
        books.rows("select distinct source_system, voucher_source_id from finance.gl_lines")
    )
    assert vouchers and not (vouchers & in_ledger)


def test_trial_balance_nets_to_zero_and_balance_sheet_balances(books: Books) -> None:
    assert (
        books.rows(
            "select entity_code, period from finance.trial_balance group by 1, 2 having sum(closing_balance) <> 0"
        )
        == []
    )
    entities = {r[0] for r in books.rows("select distinct entity_code from finance.balance_sheet")}
    assert {"E01", "E02", "E03", "GROUP"} <= entities
    unbalanced = books.rows(
        """select entity_code, period from finance.balance_sheet group by 1, 2
           having sum(amount) filter (where line_code = 'BS17')
               <> sum(amount) filter (where line_code = 'BS45')"""
    )
    assert unbalanced == []


def test_statements_xlsx_opens_and_its_totals_match_the_mart(books: Books, monkeypatch) -> None:
    monkeypatch.setenv("YECAI_HOME", str(books.home))
    period = books.rows("select max(period) from finance.balance_sheet where entity_code = 'E01'")[
        0
    ][0]
    result = CliRunner().invoke(
        app, ["report", "statements", "--entity", "E01", "--period", period, "--warehouse", "build"]
    )
    assert result.exit_code == 0, result.output
    workbook = load_workbook(
        books.home / "reports" / "statements" / f"E01_{period}_statements.xlsx"
    )
    assert workbook.sheetnames == ["资产负债表", "利润表", "现金流量表"]
    for sheet, mart, line in (
        ("资产负债表", "balance_sheet", "BS17"),
        ("资产负债表", "balance_sheet", "BS45"),
        ("利润表", "income_statement", "IS17"),
        ("现金流量表", "cash_flow_statement", "CF_CLOSING_CASH"),
    ):
        ws = workbook[sheet]
        name, expected = books.rows(
            f"select line_name_zh, amount from finance.{mart} where entity_code = 'E01' and period = ? and line_code = ?",
            period,
            line,
        )[0]
        row = next(r for r in ws.iter_rows(min_row=5) if r[0].value and r[0].value.strip() == name)
        assert Decimal(str(row[2].value)) == expected
        assert row[0].font.bold, f"total {name} is not bold"
        assert "#,##0.00" in row[2].number_format
    ws = workbook["资产负债表"]
    assert ws["A1"].value == "资产负债表" and ws.freeze_panes == "B5"
    assert "单位：元" in [c.value for c in ws[2]]
    csv_file = books.home / "reports" / "statements" / f"E01_{period}_balance_sheet.csv"
    assert "资产总计" in csv_file.read_text(encoding="utf-8-sig")


def test_trace_drills_from_a_statement_line_to_its_documents(books: Books, monkeypatch) -> None:
    monkeypatch.setenv("YECAI_HOME", str(books.home))
    monkeypatch.setenv("COLUMNS", "250")
    (period,) = books.rows(
        """select max(period) from finance.statement_drilldown
           where entity_code = 'E01' and line_code = 'BS04' and source_document_type = 'customer_invoice'"""
    )[0]
    result = CliRunner().invoke(
        app,
        [
            "trace",
            "--entity",
            "E01",
            "--period",
            period,
            "--line",
            "BS04",
            "-n",
            "3",
            "-w",
            "build",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "accounts behind BS04" in result.output
    assert "business documents" in result.output and "customer_invoice" in result.output


def test_a_daily_increment_updates_the_ledger_like_a_full_build(books: Books) -> None:
    # Runs last: it advances the demo ERP by one business day, lands it and runs dbt again
    # without --full-refresh; the incremental ledger must hold exactly the booked lines a full
    # build would (every canonical line outside the held-out vouchers), and still balance.
    from demo.defects import DefectLog
    from demo.erp.advance import advance_erp
    from demo.sqlio import parse_target

    books.db.close()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("YECAI_HOME", str(books.home))
        paths = get_paths()
        before = duckdb.connect(str(paths.build_db), read_only=True)
        lines_before = before.execute("select count(*) from finance.gl_lines").fetchone()[0]
        before.close()
        advance_erp(parse_target(paths.demo / "erp.sqlite"), 1, DefectLog())
        failed = [r for r in ingest(paths, source="erp") if r.status == "failed"]
        assert not failed
        run_dbt(books.home, paths.build_db, "run", "--select", "+gl_lines", "+trial_balance")
        con = duckdb.connect(str(paths.build_db), read_only=True)
        try:
            expected = con.execute(
                """select count(*) from canonical.journal_line
                   where journal_voucher_key not in
                       (select journal_voucher_key from finance.int_finance__held_out_vouchers)"""
            ).fetchone()[0]
            got, distinct = con.execute(
                "select count(*), count(distinct gl_line_id) from finance.gl_lines"
            ).fetchone()
            unbalanced = con.execute(
                "select count(*) from (select entity_code, period from finance.trial_balance "
                "group by 1, 2 having sum(closing_balance) <> 0)"
            ).fetchone()[0]
        finally:
            con.close()
        assert got == distinct == expected
        assert got > lines_before  # the new day's vouchers arrived
        assert unbalanced == 0
