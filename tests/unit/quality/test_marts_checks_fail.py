"""Every marts check can fail: on the hand-made warehouse that passes them all
(test_runner), one defect per check makes each one fail with a verdict on the data — not
with a SQL error, and not by staying green. A check added to the marts suite is held to
this too: it must get a defect here.
"""

import pytest
import quality_fixtures as qf

from quality.runner import run_layer
from yecai.settings import Paths

pytestmark = pytest.mark.unit

# check -> the defect written for it (one statement each; they do not repair one another)
DEFECTS = {
    ("finance.gl_lines", "traceable_source_document_id"): (
        "insert into finance.gl_lines values ('V8','E1','2024-02','1001',0,0,'erp',null,'b1',false)"
    ),
    ("finance.gl_lines", "period_format"): (
        "insert into finance.gl_lines values ('V9','E1','2024-13','1001',0,0,'erp','D9','b1',false)"
    ),
    ("finance.gl_lines", "debit_not_negative"): (
        "insert into finance.gl_lines values ('VA','E1','2024-02','1001',-1,0,'erp','DA','b1',false)"
    ),
    ("finance.gl_lines", "credit_not_negative"): (
        "insert into finance.gl_lines values ('VB','E1','2024-02','1001',0,-1,'erp','DB','b1',false)"
    ),
    ("finance.trial_balance", "closing_equals_opening_plus_movement"): (
        "insert into finance.trial_balance values ('E2','2024-02','2202',-30.00,0,0,-31.00)"
    ),
    ("finance.trial_balance", "movement_matches_gl"): (
        "insert into finance.gl_lines values ('V7','E2','2024-02','1002',40.00,0,'erp2','DOC7',"
        "'b2',false)"
    ),
    ("finance.balance_sheet", "line_name_zh_not_null"): (
        "insert into finance.balance_sheet values ('E1','2024-02','BS17',null,'Total assets',1,0)"
    ),
    ("finance.income_statement", "line_name_zh_not_null"): (
        "insert into finance.income_statement values ('E1','2024-02','IS_X',null,'Revenue',1,0)"
    ),
    ("master.parties", "uscc_check_digit"): (
        "insert into master.parties values ('P0003','91350100M000100Y44','丙公司')"
    ),
    ("master.parties", "uscc_unique"): (
        "insert into master.parties values ('P0004','91350100M000100Y43','甲公司二')"
    ),
    ("governance.master_data_exceptions", "contract_columns"): (
        "alter table governance.master_data_exceptions drop column owner"
    ),
    ("governance.ingestion_batches", "contract_columns"): (
        "alter table governance.ingestion_batches drop column watermark"
    ),
    ("governance.ingestion_batches", "sources_fresh"): (
        "update governance.ingestion_batches set finished_at = now() - interval 400 day "
        "where source = 'erp2'"
    ),
}


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    paths = Paths(home=tmp_path_factory.mktemp("marts_defects"))
    qf.build_good_warehouse(paths.build_db)
    for sql in DEFECTS.values():
        qf.execute(paths.build_db, sql)
    return {(r.asset, r.check): r for r in run_layer(paths, "marts", run_id="defects")}


def test_every_marts_check_has_a_defect(results):
    assert set(results) == set(DEFECTS)


@pytest.mark.parametrize("check", list(DEFECTS), ids=lambda c: f"{c[0]}:{c[1]}")
def test_marts_check_fails_on_its_defect(results, check):
    result = results[check]
    assert not result.success, result.summary()
    assert result.error is None, f"{check} failed without a verdict on the data: {result.error}"
