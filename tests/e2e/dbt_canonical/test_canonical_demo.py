"""The canonical model and unified coding on the demo company, end to end.

One session fixture generates the demo (scale 0.01, with coding defects injected at raised rates
so every kind occurs), serves its CRM over HTTP, lands every source with the real ingestion
runner, and runs `dbt build` once on the canonical, master and governance models (their data
tests, contracts and unit tests included). The tests then compare what the warehouse says with
the demo's defect log (demo/ground_truth.csv) and its World — never with the models' own logic.
"""

from __future__ import annotations

import csv
import re
import subprocess
from collections import defaultdict
from pathlib import Path

import duckdb
import pytest

from demo.crm.server import start_crm_server
from demo.defects import DefectConfig
from demo.world import build_world
from ingestion.runner import ingest
from tests.shared.demo_home import generate_demo_company
from tests.transform.dbt_helpers import dbt_process
from yecai.settings import get_paths

pytestmark = pytest.mark.e2e

SEED = 7
SCALE = 0.01
# Raised rates of the coding defects, so each kind is present at this small scale.
DEFECTS = DefectConfig(
    invalid_uscc=0.15, unmapped_code=0.3, duplicate_row=0.08, cross_system_alias=0.25
)
PARTY_ENTITIES = {
    ("erp", "customers"),
    ("erp", "vendors"),
    ("erp2", "bp_master"),
    ("crm", "accounts"),
}
# Built here: everything up to and including the canonical model, master data and the governance
# tables this area owns. Finance marts are another area's and are tested there.
SELECTION = [
    "--select",
    # the company's staging and conforming models, the product's interface and canonical
    # models, every seed (dbt selects a package's nodes by their fqn, not their path)
    "path:models/staging",
    "yecai.interface",
    "yecai.intermediate",
    "resource_type:seed",
    "master_data_exceptions",
    "ingestion_batches",
    "--exclude",
    "yecai.intermediate.finance",
    "yecai.finance",
    # Only tests whose every parent is built here (not another area's tests on shared models).
    "--indirect-selection",
    "cautious",
]


class Demo:
    def __init__(self, home: Path, dbt: subprocess.CompletedProcess) -> None:
        self.home = home
        self.dbt = dbt
        self.db = duckdb.connect(str(get_paths().build_db), read_only=True)
        with (home / "demo" / "ground_truth.csv").open(encoding="utf-8") as fh:
            self.truth = list(csv.DictReader(fh))

    def rows(self, sql: str, *params) -> list[tuple]:
        return self.db.execute(sql, list(params)).fetchall()

    def defects(self, kind: str) -> list[dict]:
        return [d for d in self.truth if d["kind"] == kind]

    def exceptions(self, kind: str) -> set[tuple[str, str, str]]:
        return set(
            self.rows(
                "select source_system, entity, code from governance.master_data_exceptions where kind = ?",
                kind,
            )
        )

    def unified_party(self, system: str, code: str) -> str:
        found = self.rows(
            "select unified_party_code from master.party_crosswalk where party_key = ?",
            f"{system}:{code}",
        )
        assert found, f"party record {system}:{code} is not in master.party_crosswalk"
        return found[0][0]


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    home = tmp_path_factory.mktemp("yecai_canonical")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("YECAI_HOME", str(home))
        paths = get_paths()
        generate_demo_company(paths, seed=SEED, scale=SCALE, defects=DEFECTS)
        crm = start_crm_server(
            paths.demo / "crm.sqlite", token="demo-token", max_requests_per_second=1000
        )
        mp.setenv("YECAI_CRM_URL", crm.url)
        mp.setenv("YECAI_CRM_TOKEN", "demo-token")
        try:
            results = ingest(paths)
        finally:
            crm.stop()
        failed = [r for r in results if r.status == "failed"]
        assert not failed, f"ingestion failed: {[(r.source, r.entity, r.message) for r in failed]}"
        paths.build_db.parent.mkdir(parents=True, exist_ok=True)
        dbt = dbt_process(home, paths.build_db, "build", *SELECTION, timeout=600)
        yield Demo(home, dbt)


def test_dbt_build_passes_with_contracts_tests_and_unit_tests(demo: Demo) -> None:
    output = demo.dbt.stdout + demo.dbt.stderr
    assert demo.dbt.returncode == 0, output[-4000:]
    summary = re.findall(r"Done\. PASS=(\d+) WARN=(\d+) ERROR=(\d+) SKIP=(\d+)", output)
    assert summary, output[-2000:]
    passed, _, errors, skipped = map(int, summary[-1])
    assert errors == 0 and skipped == 0
    assert passed > 200  # models, contracts, data tests and unit tests all ran


def test_every_invalid_uscc_of_a_party_is_reported(demo: Demo) -> None:
    injected = {
        (d["system"], d["entity"], d["key"])
        for d in demo.defects("invalid_uscc")
        if (d["system"], d["entity"]) in PARTY_ENTITIES
    }
    assert len(injected) >= 5
    assert injected <= demo.exceptions("invalid_uscc")


def test_every_unmapped_code_is_reported(demo: Demo) -> None:
    injected = {(d["system"], d["entity"], d["key"]) for d in demo.defects("unmapped_code")}
    assert {e for _, e, _ in injected} >= {"products", "chart_of_accounts", "gl_accounts"}
    assert injected <= demo.exceptions("unmapped_code")


def test_every_duplicate_party_is_reported_and_merged_into_its_original(demo: Demo) -> None:
    injected = [
        d for d in demo.defects("duplicate_row") if (d["system"], d["entity"]) in PARTY_ENTITIES
    ]
    assert len(injected) >= 5
    reported = demo.exceptions("duplicate_row")
    for d in injected:
        assert (d["system"], d["entity"], d["key"]) in reported, d
        original = re.match(r"duplicate of (\S+)", d["detail"]).group(1)
        assert demo.unified_party(d["system"], d["key"]) == demo.unified_party(
            d["system"], original
        ), d


def test_every_cross_system_alias_is_one_unified_party_with_its_company(demo: Demo) -> None:
    world = build_world(SEED, SCALE)
    by_name = {c.legal_name: c for c in world.companies}
    by_uscc = {c.uscc: c for c in world.companies if c.uscc}
    aliases = demo.defects("cross_system_alias")
    assert len(aliases) >= 10
    for d in aliases:
        alias_code = demo.unified_party(d["system"], d["key"])
        detail = d["detail"]
        # The detail says which real company the alias spelling stands for.
        if m := re.search(r"legal name '(.+)'$", detail):
            company = by_name[m.group(1)]
        elif detail.startswith("uscc="):
            company = by_uscc[detail.removeprefix("uscc=").strip()]
        elif detail.startswith("erp_name="):
            company = by_name[detail.removeprefix("erp_name=")]
        else:
            erp_customer = re.match(r"erp_customer_no=(\S+)", detail).group(1)
            assert alias_code == demo.unified_party("erp", erp_customer), d
            continue
        # Every record of the same real company: spelled with its legal name, or carrying its code.
        same_company = demo.rows(
            "select party_key, unified_party_code from master.party_crosswalk "
            "where party_name = ? or (uscc_is_valid and unified_social_credit_code = ?)",
            company.legal_name,
            company.uscc or "",
        )
        assert {code for _, code in same_company} <= {alias_code}, (d, same_company)


def test_a_company_in_crm_and_erp_under_different_ids_and_spellings_is_one_party(
    demo: Demo,
) -> None:
    crm_aliases = [d for d in demo.defects("cross_system_alias") if d["system"] == "crm"]
    assert crm_aliases
    joined = 0
    for d in crm_aliases:
        unified = demo.unified_party("crm", d["key"])
        crm_name = demo.rows(
            "select party_name from canonical.party where party_key = ?", f"crm:{d['key']}"
        )[0][0]
        erp_names = demo.rows(
            "select p.party_name from master.party_crosswalk x join canonical.party p using (party_key) "
            "where x.source_system = 'erp' and x.unified_party_code = ? and p.party_name <> ?",
            unified,
            crm_name,
        )
        joined += bool(erp_names)
    # Most CRM aliases are customers the ERP knows under a C-number and its own spelling.
    assert joined >= 5
    (golden,) = demo.rows(
        "select count(*) from master.parties where source_systems like '%crm%' and source_systems like '%erp%'"
    )[0]
    assert golden >= joined


def test_rows_in_equal_rows_mapped_plus_exceptions_for_accounts(demo: Demo) -> None:
    (rows_in,) = demo.rows("select count(*) from canonical.account")[0]
    (mapped,) = demo.rows(
        "select count(*) from master.account_crosswalk where group_account_code is not null"
    )[0]
    (excepted,) = demo.rows(
        "select count(*) from governance.master_data_exceptions where rule = 'account_mapping'"
    )[0]
    assert rows_in > 100
    assert excepted >= 3  # the late accounts of both ERPs' charts
    assert rows_in == mapped + excepted


def test_second_erp_flows_into_the_same_canonical_models(demo: Demo) -> None:
    for model in [
        "party",
        "product",
        "account",
        "org_unit",
        "customer_invoice",
        "supplier_invoice",
        "receipt",
        "payment",
        "delivery",
        "goods_receipt",
        "journal_voucher",
        "journal_line",
    ]:
        (count,) = demo.rows(
            f"select count(*) from canonical.{model} where source_system = 'erp2'"
        )[0]
        assert count > 0, model
    entity = demo.rows(
        "select legal_entity_code, functional_currency from canonical.legal_entity where source_system = 'erp2'"
    )
    assert entity == [("E03", "SGD")]
    # Its SGD amounts are converted to the group currency at a real rate, and its vouchers balance.
    unconverted = demo.rows(
        "select count(*) from canonical.customer_invoice where source_system = 'erp2' and gross_amount_group is null"
    )
    assert unconverted == [(0,)]
    ratio = demo.rows(
        "select min(gross_amount_group / gross_amount_functional), max(gross_amount_group / gross_amount_functional) "
        "from canonical.customer_invoice where source_system = 'erp2' and transaction_currency = 'SGD' and gross_amount > 0"
    )
    low, high = ratio[0]
    assert 4 < low <= high < 7  # CNY per SGD


def test_every_canonical_row_traces_to_its_source_record_and_batch(demo: Demo) -> None:
    (batches,) = demo.rows(
        "select count(*) from governance.ingestion_batches where status = 'succeeded'"
    )[0]
    assert batches > 40
    for model in ["party", "journal_line", "customer_invoice", "payroll", "opportunity"]:
        orphans = demo.rows(
            f"select count(*) from canonical.{model} c left join governance.ingestion_batches b "
            "on b.batch_id = c.batch_id where b.batch_id is null or c.source_document_id is null"
        )
        assert orphans == [(0,)], model


def test_exceptions_name_an_owner_and_when_first_seen(demo: Demo) -> None:
    rows = demo.rows(
        "select owner, first_seen, reason from governance.master_data_exceptions where kind <> 'missing_exchange_rate'"
    )
    assert rows
    assert all(owner and owner != "data-governance" for owner, _, _ in rows)
    assert all(first_seen is not None for _, first_seen, _ in rows)
    per_kind = defaultdict(int)
    for (kind,) in demo.rows("select kind from governance.master_data_exceptions"):
        per_kind[kind] += 1
    assert {"invalid_uscc", "unmapped_code", "duplicate_row"} <= set(per_kind)
