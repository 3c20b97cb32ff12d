"""A company of one system with no general ledger, onboarded by configuration only.

`yecai init` writes an empty company; the files under tests/e2e/onboarding/shop/ are what an
onboarder adds for a web shop that keeps no ledger (a files source of CSV exports): its entry in
sources.yml (`books: derived`, legal entity E04), its contracts, its staging and conforming
models, and rows of the mapping seeds. Its history is from 2019, before the fiscal-period
partitions start. The product is not touched. Then `yecai run` must give E04 a trial balance
that nets to zero in every period from the first to the last, a balance sheet that balances, no
"missing booking" noise, and minted product codes; the daily increment must pick up a new
export and equal a full rebuild; `yecai run --full` must still hold every period.
"""

from __future__ import annotations

import os
import shutil
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from tests.orchestration.demo_helpers import yecai
from tests.shared.published_copy import copy_published
from tests.transform.dbt_helpers import dbt_process, rows_differing
from yecai.settings import Paths

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

SHOP = Path(__file__).parent / "shop"

EXPORTS_2019 = {
    "customers_2019.csv": "customer_id,name,uscc,city\nC1,宁波甲贸易有限公司,,宁波\nC2,杭州乙科技有限公司,,杭州\n",
    "suppliers_2019.csv": "supplier_id,name,uscc,city\nS1,绍兴丙纺织有限公司,,绍兴\n",
    "products_2019.csv": "sku,title,category,unit_cost,price\nP1,棉衬衫,APPAREL,40.00,100.00\n"
    "P2,羊毛围巾,APPAREL,30.00,80.00\n",
    "bills_2019-11.csv": "bill_no,supplier_id,bill_date,due_date,net,vat,gross\n"
    "B1,S1,2019-11-03,2019-12-03,400.00,52.00,452.00\n",
    "goods_in_2019-11.csv": "receipt_no,line,bill_no,supplier_id,sku,qty,amount,received_on\n"
    "G1,1,B1,S1,P1,10,400.00,2019-11-03\n",
    "sales_2019-11.csv": "invoice_no,customer_id,invoice_date,due_date,net,vat,gross\n"
    "I1,C1,2019-11-20,2019-12-20,300.00,39.00,339.00\nI2,C2,2019-12-10,2020-01-10,200.00,26.00,226.00\n",
    "shipments_2019-11.csv": "shipment_no,line,invoice_no,customer_id,sku,qty,cost,shipped_on\n"
    "SH1,1,I1,C1,P1,3,120.00,2019-11-20\nSH2,1,I2,C2,P1,2,80.00,2019-12-10\n",
    "receipts_2019-12.csv": "receipt_no,invoice_no,customer_id,paid_on,amount\nR1,I1,C1,2019-12-15,339.00\n",
    "payments_2019-12.csv": "payment_no,bill_no,supplier_id,paid_on,amount\nPM1,B1,S1,2019-12-05,452.00\n",
}
EXPORTS_2020 = {
    "sales_2020-01.csv": "invoice_no,customer_id,invoice_date,due_date,net,vat,gross\n"
    "I3,C1,2020-01-08,2020-02-08,500.00,65.00,565.00\n",
    "shipments_2020-01.csv": "shipment_no,line,invoice_no,customer_id,sku,qty,cost,shipped_on\n"
    "SH3,1,I3,C1,P1,5,200.00,2020-01-08\n",
}


def onboard_shop(home: Path) -> None:
    """What an onboarder adds to a fresh `yecai init` company (docs/onboarding.md)."""
    shutil.copytree(SHOP / "contracts", home / "contracts", dirs_exist_ok=True)
    shutil.copytree(SHOP / "dbt" / "models", home / "dbt" / "models", dirs_exist_ok=True)
    for seed in (SHOP / "dbt" / "seeds").glob("*.csv"):
        with (home / "dbt" / "seeds" / seed.name).open("a", encoding="utf-8") as out:
            out.write(seed.read_text(encoding="utf-8"))
    sources = (home / "sources.yml").read_text(encoding="utf-8").replace("sources: {}\n", "")
    shop = (SHOP / "sources.yml").read_text(encoding="utf-8")
    (home / "sources.yml").write_text(sources + shop, encoding="utf-8")


def drop(home: Path, exports: dict[str, str]) -> None:
    folder = home / "drops" / "shop"
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in exports.items():
        (folder / name).write_text(text, encoding="utf-8")


def run_ok(*args: str) -> str:
    done = yecai(*args, timeout=1500)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-4000:]
    return output


def query(db: Path, sql: str, *params) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


class Shop:
    def __init__(self, home: Path, first: Path, increment: Path, full: Path, reference: Path):
        self.home = home
        self.first = first  # the published warehouse after the first run
        self.increment = increment  # … after the daily increment took the January exports
        self.full = full  # … after `yecai run --full`
        self.reference = reference  # a dbt full build of the same lake, beside the pipeline


@pytest.fixture(scope="module")
def shop(tmp_path_factory) -> Shop:
    home = tmp_path_factory.mktemp("onboarding") / "acme"
    saved = dict(os.environ)
    for name in list(os.environ):
        if name.startswith("YECAI_") and name != "YECAI_FIRST_PERIOD":
            del os.environ[name]
    os.environ["YECAI_HOME"] = str(home)
    os.environ["DAGSTER_HOME"] = str(home / "dagster")
    try:
        run_ok("init", str(home))
        onboard_shop(home)
        drop(home, EXPORTS_2019)
        check = run_ok("config", "check")
        assert "configuration is valid" in check
        paths = Paths(home=home)
        run_ok("run", "--no-scorecard")
        first = home / "first.duckdb"
        copy_published(paths, first)

        drop(home, EXPORTS_2020)
        output = run_ok("run", "--no-scorecard")
        assert "increment" in output
        increment = home / "increment.duckdb"
        copy_published(paths, increment)

        reference = home / "reference.duckdb"
        built = dbt_process(home, reference, "build", "--full-refresh")
        assert built.returncode == 0, (built.stdout + built.stderr)[-4000:]

        run_ok("run", "--full", "--no-scorecard")
        full = home / "full.duckdb"
        copy_published(paths, full)
        yield Shop(home, first, increment, full, reference)
    finally:
        os.environ.clear()
        os.environ.update(saved)


def test_the_product_was_not_touched_only_the_company_folder():
    # Everything the onboarding added lives in the company's folder (the fixture's files).
    assert not list((Path(__file__).parents[3] / "dbt_project").rglob("*shop*"))


def test_the_derived_vouchers_are_the_books_of_the_entity(shop: Shop):
    lines = query(
        shop.first,
        "select count(*), bool_and(is_derived), min(source_system), max(source_system) "
        "from finance.gl_lines where entity_code = 'E04'",
    )[0]
    assert lines[0] > 0 and lines[1] and lines[2] == lines[3] == "shop"
    unbalanced = query(
        shop.first,
        "select voucher_id from finance.gl_lines where entity_code = 'E04' "
        "group by voucher_id having sum(debit) <> sum(credit)",
    )
    assert unbalanced == []
    # revenue of the November invoice, as the posting rules say: credit 6001 300.00
    revenue = query(
        shop.first,
        "select sum(credit - debit) from finance.gl_lines "
        "where entity_code = 'E04' and period = '2019-11' and account_code like '6001%'",
    )[0][0]
    assert revenue == Decimal("300.00")


def test_every_period_from_the_first_to_the_last_nets_to_zero(shop: Shop):
    periods = query(
        shop.first,
        "select period, sum(closing_balance), sum(debit) - sum(credit) from finance.trial_balance "
        "where entity_code = 'E04' group by period order by period",
    )
    assert [p for p, _, _ in periods] == ["2019-11", "2019-12"]
    assert all(closing == 0 and movement == 0 for _, closing, movement in periods)


def test_the_balance_sheet_balances(shop: Shop):
    totals = dict(
        query(
            shop.first,
            "select line_code, amount from finance.balance_sheet "
            "where entity_code = 'E04' and period = '2019-12' and line_code in ('BS17', 'BS45')",
        )
    )
    assert totals["BS17"] == totals["BS45"] and totals["BS17"] != 0


def test_no_document_of_a_source_without_a_ledger_is_a_missing_booking(shop: Shop):
    noise = query(
        shop.first,
        "select count(*) from governance.reconciliation_exceptions "
        "where source_system = 'shop' and exception_type = 'missing_booking'",
    )[0][0]
    assert noise == 0


def test_products_no_system_holds_get_codes_minted_by_the_rule(shop: Shop):
    codes = dict(
        query(
            shop.first,
            "select product_source_code, unified_product_code from master.product_crosswalk "
            "where source_system = 'shop'",
        )
    )
    assert codes == {"P1": "NB-P1", "P2": "NB-P2"}
    minted = query(
        shop.first, "select count(*) from master.products where unified_product_code like 'NB-%'"
    )
    assert minted[0][0] == 2


def test_the_daily_increment_takes_the_new_export(shop: Shop):
    january = query(
        shop.increment,
        "select sum(credit - debit) from finance.gl_lines "
        "where entity_code = 'E04' and period = '2020-01' and account_code like '6001%'",
    )[0][0]
    assert january == Decimal("500.00")
    periods = query(
        shop.increment,
        "select distinct period from finance.trial_balance where entity_code = 'E04' order by 1",
    )
    assert [p for (p,) in periods] == ["2019-11", "2019-12", "2020-01"]


@pytest.mark.parametrize(
    "table",
    [
        "canonical.customer_invoice",
        "canonical.delivery",
        "master.product_crosswalk",
        "finance.gl_lines",
        "finance.trial_balance",
        "finance.balance_sheet",
    ],
)
def test_the_increment_equals_a_full_build(shop: Shop, table: str):
    only_increment, only_full, total = rows_differing(shop.increment, shop.reference, table)
    assert total > 0 and (only_increment, only_full) == (0, 0)


def test_a_full_run_rebuilds_every_period_in_the_data(shop: Shop):
    periods = query(
        shop.full,
        "select distinct period from finance.trial_balance where entity_code = 'E04' order by 1",
    )
    assert [p for (p,) in periods] == ["2019-11", "2019-12", "2020-01"]
    assert rows_differing(shop.full, shop.reference, "finance.trial_balance")[:2] == (0, 0)
