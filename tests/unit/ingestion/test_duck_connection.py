"""The DuckDB every ingestion batch runs in: capped, and what it spills is not clear text."""

import pytest

from ingestion import duck
from tests.shared.spills import SORTED_ROWS, spill_while
from yecai.errors import YecaiError

pytestmark = pytest.mark.unit

PLANTED = "13800138000"  # a phone number, as a CRM contact's


def test_a_batch_spills_encrypted(tmp_path):
    con = duck.connect(tmp_path / "spill", memory_limit="64MB")
    seen = spill_while(
        con,
        tmp_path / "spill",
        f"create table t as {SORTED_ROWS.format(value=PLANTED)}",
        PLANTED,
        cap=False,
    )
    assert seen["files"] > 0, "the batch did not spill: the test proves nothing"
    assert seen["clear"] == 0


def test_the_cap_comes_from_the_environment_and_a_bad_one_names_the_variable(tmp_path, monkeypatch):
    monkeypatch.setenv("YECAI_INGEST_MEMORY_LIMIT", "300MB")
    con = duck.connect(tmp_path / "spill")
    assert con.execute("select current_setting('memory_limit')").fetchone() == ("286.1 MiB",)
    monkeypatch.setenv("YECAI_INGEST_MEMORY_LIMIT", "half")
    with pytest.raises(YecaiError, match="YECAI_INGEST_MEMORY_LIMIT='half'"):
        duck.connect(tmp_path / "spill")
