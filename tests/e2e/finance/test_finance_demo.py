"""Financialization, finance marts, statements and business–finance reconciliation on the demo.

One module fixture generates the demo (scale 0.01, the booking defects raised so every kind
occurs, the group trading with itself), moves the group ERP 40 days into the next year (so the
statements of January have a year of comparatives), lands the ERP, the foreign subsidiary's
books and the HR exports with the real ingestion runner, builds the finance area with dbt (its
data tests included) and writes the statements with `yecai report statements`. The tests compare
the warehouse with the demo's defect log (demo/ground_truth.csv) and its source databases, never
with the models' own logic.
"""

from __future__ import annotations

import csv
import re
import sqlite3
import subprocess
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from demo.defects import DefectConfig, DefectLog
from demo.erp.advance import advance_erp
from demo.sqlio import parse_target
from ingestion.runner import ingest
from orchestration.cli import app
from tests.shared.demo_home import generate_demo_company
from tests.transform.dbt_helpers import dbt_process, run_dbt
from yecai.settings import get_paths

pytestmark = pytest.mark.e2e

SEED = 7
SCALE = 0.01
# Into the next year, past January's close: January's statements then compare with the January
# before. The books stop on 9 February, so the daily increment below lands on a pay day (the
# 10th), which always books vouchers.
ADVANCE_DAYS = 40
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
        advanced = DefectLog()
        advance_erp(parse_target(paths.demo / "erp.sqlite"), ADVANCE_DAYS, advanced, DEFECTS)
        advanced.append_csv(paths.demo / "ground_truth.csv")
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
                "cas_statement_lines",
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


def _truth(books: Books, kind: str) -> list[dict]:
    return [d for d in books.truth if d["kind"] == kind]


def _line(books: Books, mart: str, entity: str, period: str, line: str) -> tuple:
    """(amount, comparative_amount) of one printed line."""
    rows = books.rows(
        f"select amount, comparative_amount from finance.{mart} "
        "where entity_code = ? and period = ? and line_code = ?",
        entity,
        period,
        line,
    )
    assert len(rows) == 1, (mart, entity, period, line, rows)
    return rows[0]


def _amount(detail: str, label: str) -> Decimal:
    """A figure the demo wrote into a ground-truth detail, e.g. 'seller revenue 123.45'."""
    match = re.search(rf"{label} (-?[0-9.]+)", detail)
    assert match, (label, detail)
    return Decimal(match.group(1))


def test_every_injected_intercompany_mismatch_is_reported_with_both_sides(books: Books) -> None:
    injected = _truth(books, "intercompany_mismatch")
    assert {"amount", "timing"} <= {"amount" if "%" in d["detail"] else "timing" for d in injected}
    for d in injected:
        rows = books.rows(
            """select exception_type, derived_amount, booked_amount, voucher_no, reason
               from governance.reconciliation_exceptions
               where check_level = 'intercompany' and source_system = ? and document_source_id = ?""",
            d["system"],
            d["key"],
        )
        assert len(rows) == 1, (d, rows)
        kind, seller_amount, buyer_amount, buyer_document, reason = rows[0]
        expected = "amount_differs" if "%" in d["detail"] else "period_differs"
        assert kind == f"intercompany_{expected}", (d, kind)
        # both sides: the seller's invoice and amount, the buyer's invoice and amount
        assert seller_amount and buyer_amount and buyer_document in d["detail"], rows[0]
        assert d["key"] in reason and buyer_document in reason
        assert (seller_amount != buyer_amount) == (expected == "amount_differs")


def test_intercompany_invoice_exceptions_all_trace_to_an_injected_mismatch(books: Books) -> None:
    injected = {(d["system"], d["key"]) for d in _truth(books, "intercompany_mismatch")}
    reported = books.rows(
        """select source_system, document_source_id from governance.reconciliation_exceptions
           where check_level = 'intercompany' and document_type = 'customer_invoice'"""
    )
    assert reported and set(reported) == injected


def test_every_intercompany_trade_in_the_ground_truth_is_recognised(books: Books) -> None:
    trades = _truth(books, "intercompany_transaction")
    sellers = {d["key"] for d in trades if d["entity"] == "customer_invoices"}
    buyers = {d["key"] for d in trades if d["entity"] in ("supplier_invoices", "purchase_invoices")}
    loan_vouchers = {d["key"] for d in trades if d["entity"] == "journal_vouchers"}
    assert sellers and buyers and len(loan_vouchers) == 2
    matched = books.rows(
        """select seller_document, buyer_document from finance.intercompany_reconciliation
           where check_level = 'document'"""
    )
    assert {m[0] for m in matched} == sellers
    assert {m[1] for m in matched} == buyers
    intercompany_vouchers = {
        r[0]
        for r in books.rows(
            """select distinct g.voucher_source_id from finance.gl_lines as g
               join finance.translated_gl_lines as t on t.gl_line_id = g.gl_line_id
               where t.counterparty_entity_code is not null"""
        )
    }
    assert loan_vouchers <= intercompany_vouchers


def test_group_eliminates_the_intercompany_loan_and_its_interest(books: Books) -> None:
    (loan,) = {
        _amount(d["detail"], "CNY")
        for d in _truth(books, "intercompany_transaction")
        if d["entity"] == "journal_vouchers"
    }
    period = "2025-12"
    borrowings = _line(books, "balance_sheet", "E02", period, "BS20")[0]
    assert borrowings == loan  # the borrower's only short-term borrowing
    assert _line(books, "balance_sheet", "E01", period, "BS06")[0] >= loan
    assert _line(books, "balance_sheet", "GROUP", period, "BS20")[0] == borrowings - loan == 0
    # the interest is the group's only interest: gone from GROUP's 其中 lines, not from E02's
    assert _line(books, "income_statement", "E02", period, "IS20")[0] > 0
    assert _line(books, "income_statement", "GROUP", period, "IS20")[0] == 0
    assert _line(books, "income_statement", "GROUP", period, "IS21")[0] == 0


def test_group_revenue_leaves_out_the_intercompany_sales(books: Books) -> None:
    period = "2025-12"
    sold_within = sum(
        _amount(d["detail"], "seller revenue")
        for d in _truth(books, "intercompany_transaction")
        if d["entity"] == "customer_invoices"
    )
    assert sold_within > 0
    entities = sum(_line(books, "income_statement", e, period, "IS01")[0] for e in ("E01", "E02"))
    # E03 reports in SGD; GROUP translates each of its revenue lines at its posting date's rate
    (e03,) = books.rows(
        """select -sum(t.amount_group) from finance.translated_gl_lines as t
           join finance.account_statement_lines as m
             on m.account_code = t.account_code and m.statement = 'income_statement' and m.line_code = 'IS01'
           where t.entity_code = 'E03' and left(t.period, 4) = '2025' and not t.is_opening_balance"""
    )[0]
    group = _line(books, "income_statement", "GROUP", period, "IS01")[0]
    assert group == entities + e03 - sold_within


def test_comparatives_are_the_earlier_statements_and_blank_without_them(books: Books) -> None:
    for entity in ("E01", "GROUP"):
        now = dict(
            books.rows(
                """select line_code, comparative_amount from finance.balance_sheet
                   where entity_code = ? and period = '2026-01' and line_kind <> 'heading'""",
                entity,
            )
        )
        year_end = dict(
            books.rows(
                """select line_code, amount from finance.balance_sheet
                   where entity_code = ? and period = '2025-12' and line_kind <> 'heading'""",
                entity,
            )
        )
        assert now == year_end and now["BS17"] > 0
        for mart in ("income_statement", "cash_flow_statement"):
            this_year = dict(
                books.rows(
                    f"""select line_code, comparative_amount from finance.{mart}
                        where entity_code = ? and period = '2026-01' and line_kind <> 'heading'""",
                    entity,
                )
            )
            last_january = dict(
                books.rows(
                    f"""select line_code, amount from finance.{mart}
                        where entity_code = ? and period = '2025-01' and line_kind <> 'heading'""",
                    entity,
                )
            )
            assert this_year == last_january, mart
            # the books start in 2025: no 上年同期 for it, blank rather than zero
            assert books.rows(
                f"""select count(*) from finance.{mart} where entity_code = ?
                    and period like '2025-%' and comparative_amount is not null""",
                entity,
            ) == [(0,)]


def test_first_year_balance_sheet_comparative_is_the_opening_balance_brought_forward(
    books: Books,
) -> None:
    erp = sqlite3.connect(books.home / "demo" / "erp.sqlite")
    try:
        opening = {
            company: Decimal(str(amount))
            for company, amount in erp.execute(
                """select l.company_code, sum(l.debit - l.credit) from journal_lines as l
                   join journal_vouchers as v on v.voucher_no = l.voucher_no
                   where v.source_doc_type = 'OPENING' and l.account_no like '1002%'
                   group by 1"""
            )
        }
    finally:
        erp.close()
    assert _line(books, "balance_sheet", "E01", "2025-06", "BS01")[1] == opening["1000"]
    assert _line(books, "balance_sheet", "E02", "2025-12", "BS01")[1] == opening["2000"]


def test_translation_difference_is_other_comprehensive_income_not_retained_earnings(
    books: Books,
) -> None:
    oci = [
        _line(books, "income_statement", "GROUP", f"2025-{m:02d}", "IS32")[0] for m in (1, 6, 12)
    ]
    assert any(oci)
    assert _line(books, "balance_sheet", "GROUP", "2025-12", "BS46")[0] == oci[-1]
    # what profit leaves in 未分配利润 no longer drifts with the rates
    drift = {
        _line(books, "balance_sheet", "GROUP", f"2025-{m:02d}", "BS43")[0]
        - _line(books, "income_statement", "GROUP", f"2025-{m:02d}", "IS17")[0]
        for m in (1, 6, 12)
    }
    assert len(drift) == 1


def _report(books: Books, monkeypatch, entity: str, period: str):
    monkeypatch.setenv("YECAI_HOME", str(books.home))
    result = CliRunner().invoke(
        app,
        ["report", "statements", "--entity", entity, "--period", period, "--warehouse", "build"],
    )
    assert result.exit_code == 0, result.output
    return load_workbook(
        books.home / "reports" / "statements" / f"{entity}_{period}_statements.xlsx"
    )


def _sheet_lines(ws, first_column: int = 1) -> dict[str, tuple]:
    """Printed label → (amount, comparative) of one block of a statement sheet."""
    out = {}
    for row in ws.iter_rows(min_row=5):
        label = row[first_column - 1].value
        if isinstance(label, str) and label.strip():
            out[label.strip()] = (row[first_column + 1].value, row[first_column + 2].value)
    return out


def test_statements_workbook_has_the_four_cas_statements_with_comparatives(
    books: Books, monkeypatch
) -> None:
    workbook = _report(books, monkeypatch, "E01", "2026-01")
    assert workbook.sheetnames == ["资产负债表", "利润表", "现金流量表", "所有者权益变动表"]
    bs = workbook["资产负债表"]
    assert bs["A1"].value == "资产负债表" and bs["H2"].value == "会企01表"
    assert [c.value for c in bs[3] if c.value][1:] == ["2026年1月31日", "币种：人民币　单位：元"]
    left, right = _sheet_lines(bs, 1), _sheet_lines(bs, 5)
    for label, line in (("资产总计", "BS17"), ("流动资产合计", "BS09"), ("货币资金", "BS01")):
        amount, comparative = _line(books, "balance_sheet", "E01", "2026-01", line)
        assert [Decimal(str(v)) for v in left[label]] == [amount, comparative]
    assert left["资产总计"] == right["负债和所有者权益（或股东权益）总计"]
    assert bs.cell(row=bs.max_row, column=1).font.bold
    assert "(#,##0.00)" in bs["C6"].number_format and bs.page_setup.orientation == "landscape"

    income = _sheet_lines(workbook["利润表"])
    amount, comparative = _line(books, "income_statement", "E01", "2026-01", "IS17")
    assert [Decimal(str(v)) for v in income["四、净利润（净亏损以“－”号填列）"]] == [
        amount,
        comparative,
    ]

    cash = workbook["现金流量表"]
    rows = [(r[0].value.strip(), r[2].value) for r in cash.iter_rows(min_row=5) if r[0].value]
    labels = [label for label, _ in rows]
    inflows = labels.index("经营活动现金流入小计")
    outflows = labels.index("经营活动现金流出小计")
    assert sum(Decimal(str(v or 0)) for _, v in rows[1:inflows]) == Decimal(str(rows[inflows][1]))
    assert (
        Decimal(str(rows[outflows][1]))
        == sum(Decimal(str(v or 0)) for _, v in rows[inflows + 1 : outflows])
        > 0
    )
    net = Decimal(str(rows[outflows + 1][1]))
    assert net == Decimal(str(rows[inflows][1])) - Decimal(str(rows[outflows][1]))
    supplement = labels.index("补充资料")
    assert dict(rows[supplement:])["经营活动产生的现金流量净额"] == rows[outflows + 1][1]

    equity = workbook["所有者权益变动表"]
    assert equity["C4"].value == "本年金额" and equity["D5"].value == "其他权益工具"
    assert any(
        r[0].value == "四、本年年末余额" and r[0].font.bold for r in equity.iter_rows(min_row=6)
    )


def test_group_statements_for_the_year_end(books: Books, monkeypatch) -> None:
    workbook = _report(books, monkeypatch, "GROUP", "2025-12")
    bs = _sheet_lines(workbook["资产负债表"], 1)
    total, comparative = _line(books, "balance_sheet", "GROUP", "2025-12", "BS17")
    assert [Decimal(str(v)) for v in bs["资产总计"]] == [total, comparative]
    income = _sheet_lines(workbook["利润表"])
    # the books start in 2025: 上期金额 is blank, not zero
    assert all(comparative is None for _, comparative in income.values())
    csv_file = books.home / "reports" / "statements" / "GROUP_2025-12_balance_sheet.csv"
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
