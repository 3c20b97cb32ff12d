"""Raw retention: the personal values of old versions leave the raw zone, and what a full
rebuild reads from it (every staging view: the latest version of each record, when it was first
seen) stays exactly the same."""

from __future__ import annotations

import re
import sqlite3
import subprocess

import duckdb
import pytest
import yaml

from demo.defects import DefectLog
from demo.erp.advance import advance_erp
from demo.sqlio import parse_target
from ingestion.lake import committed_batches, read_manifest
from ingestion.raw_integrity import raw_zone_problems
from ingestion.runner import ingest
from tests.orchestration.demo_helpers import yecai
from tests.shared.demo_home import generate_demo_company
from yecai.privacy import audit
from yecai.settings import Paths

pytestmark = pytest.mark.integration


def _yecai(*args: str, timeout: int = 900) -> subprocess.CompletedProcess:
    done = yecai(*args, timeout=timeout)
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def _staging(paths: Paths) -> dict[str, list[tuple]]:
    """Every staging view's rows, sorted: what a full rebuild reads from the raw zone."""
    con = duckdb.connect(str(paths.build_db), read_only=True)
    try:
        views = [
            r[0]
            for r in con.execute(
                "select table_name from information_schema.tables "
                "where table_schema = 'staging' and table_type = 'VIEW' order by 1"
            ).fetchall()
        ]
        return {
            v: con.execute(f'select * from staging."{v}" order by all').fetchall() for v in views
        }
    finally:
        con.close()


def _raw_text(paths: Paths, entity: str) -> str:
    glob = paths.raw / "erp" / entity / "batch=*" / "*.parquet"
    rows = duckdb.sql(
        f"select * from read_parquet('{glob}', union_by_name = true, hive_partitioning = false)"
    ).fetchall()
    return repr(rows)


QUARANTINED_PHONE = "13700001111"


def _quarantine_rows(paths: Paths, entity: str) -> list[dict]:
    glob = paths.quarantine / "erp" / entity / "batch=*" / "*.parquet"
    rel = duckdb.sql(
        f"select * from read_parquet('{glob}', union_by_name = true, hive_partitioning = false) "
        "order by _batch_id, _row_number"
    )
    return [dict(zip(rel.columns, r, strict=True)) for r in rel.fetchall()]


def _kept(row: dict) -> tuple:
    """What retention keeps of a quarantined row: key, batch, row number and reason."""
    return (row["vendor_no"], row["_batch_id"], row["_row_number"], row["_reason"])


def _version_hashes(paths: Paths, vendor_no: str) -> list[str]:
    """The vendor's ``_row_hash`` in every raw version, oldest first."""
    glob = paths.raw / "erp" / "vendors" / "batch=*" / "*.parquet"
    return [
        r[0]
        for r in duckdb.execute(
            f"select _row_hash from read_parquet('{glob}', union_by_name = true, "
            "hive_partitioning = false) where vendor_no = ? order by _batch_id",
            [vendor_no],
        ).fetchall()
    ]


def _hash_of_stored_values(paths: Paths, vendor_no: str) -> str:
    """The hash ingestion would give the vendor's oldest version as it is stored now."""
    from ingestion.validation import row_hash_sql

    first = sorted(paths.raw.glob("erp/vendors/batch=*"))[0]
    rel = duckdb.sql(f"select * from read_parquet('{first}/*.parquet', hive_partitioning = false)")
    business = [c for c in rel.columns if not c.startswith("_")]
    return duckdb.execute(
        f"select {row_hash_sql(business)} from read_parquet('{first}/*.parquet', "
        "hive_partitioning = false) where vendor_no = ?",
        [vendor_no],
    ).fetchone()[0]


def _row_counts(paths: Paths) -> dict[str, int]:
    counts = {}
    for batch in sorted(paths.raw.glob("*/*/batch=*")):
        n = duckdb.sql(
            f"select count(*) from read_parquet('{batch}/*.parquet', hive_partitioning = false)"
        ).fetchone()[0]
        counts[str(batch)] = n
        assert n == read_manifest(batch)["rows"], batch
    return counts


def test_retention_removes_old_personal_values_and_leaves_the_rebuild_unchanged(
    tmp_path, monkeypatch
):
    paths = Paths(home=tmp_path / "home")
    generate_demo_company(paths, seed=3, scale=0.01)
    erp = paths.demo / "erp.sqlite"
    monkeypatch.setenv("YECAI_HOME", str(paths.home))
    monkeypatch.setenv("YECAI_ERP_URL", f"sqlite:///{erp}")
    ingest(paths, source="erp")

    # The ERP moves on (changed and deleted records, ground truth in the defect log), and one
    # vendor changes its phone and another is deleted: both old versions hold personal values.
    log = DefectLog()
    advance_erp(parse_target(erp), 20, log)
    with sqlite3.connect(erp) as db:
        (changed, old_phone, stamp), (gone, gone_phone, _) = db.execute(
            "select vendor_no, phone, updated_at from vendors where phone is not null "
            "order by vendor_no limit 2"
        ).fetchall()
        newer = stamp.replace(stamp[:4], str(int(stamp[:4]) + 5), 1)
        db.execute(
            "update vendors set phone = '13911112222', updated_at = ? where vendor_no = ?",
            [newer, changed],
        )
        db.execute("delete from vendors where vendor_no = ?", [gone])
        # a new vendor whose creation date does not parse: quarantined with its phone
        db.row_factory = sqlite3.Row
        row = dict(db.execute("select * from vendors where vendor_no = ?", [changed]).fetchone())
        row.update(vendor_no="VQ9999", phone=QUARANTINED_PHONE, created_on="31/02/2024")
        db.execute(
            f"insert into vendors ({', '.join(row)}) values ({', '.join('?' * len(row))})",
            list(row.values()),
        )
    assert {r.status for r in ingest(paths, source="erp")} <= {"succeeded", "no_change"}
    _yecai("dbt", "--", "run", "--select", "path:models/staging/erp")
    before = _staging(paths)
    rows_before = _row_counts(paths)
    assert old_phone in _raw_text(paths, "vendors") and gone_phone in _raw_text(paths, "vendors")
    quarantined = _quarantine_rows(paths, "vendors")
    assert any(QUARANTINED_PHONE in repr(r) for r in quarantined)
    old_hashes = _version_hashes(paths, changed)
    assert len(old_hashes) == 2, old_hashes  # the first version and the changed one

    # Without a policy nothing changes; with `raw_retention_days: 0` every old version goes.
    assert "nothing to do" in _yecai("privacy", "retain").stdout
    config = yaml.safe_load(paths.sources_config.read_text(encoding="utf-8"))
    config["sources"]["erp"]["raw_retention_days"] = 0
    paths.sources_config.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    out = _yecai("privacy", "retain").stdout
    # the changed vendor's old version, the deleted one's last version and its tombstone
    assert "erp.vendors: 3 old version(s) blanked" in out, out
    assert re.search(r"erp\.vendors: \d+ old quarantined row\(s\) blanked", out), out
    changed_customers = {d.key for d in log.entries if d.kind == "changed_record"}
    assert changed_customers and "erp.customers" in out, out

    # The old values are gone; the current ones, every row and every batch are where they were.
    raw = _raw_text(paths, "vendors")
    assert old_phone not in raw and gone_phone not in raw
    assert "13911112222" in raw
    assert _row_counts(paths) == rows_before
    assert _staging(paths) == before
    assert raw_zone_problems(paths) == []  # manifests tell the rewritten files' sizes and sums
    assert len(committed_batches(paths, "erp", "vendors")) == 2
    # every quarantined row is still there, with its key, row number and reason
    after = _quarantine_rows(paths, "vendors")
    assert QUARANTINED_PHONE not in repr(after)
    assert [_kept(r) for r in after] == [_kept(r) for r in quarantined]
    # the old version's row hash (an md5 a guessed phone could be checked against) is now the
    # hash of what the row holds; the current version's is untouched
    new_hashes = _version_hashes(paths, changed)
    assert new_hashes[-1] == old_hashes[-1]
    assert new_hashes[0] != old_hashes[0]
    assert new_hashes[0] == _hash_of_stored_values(paths, changed)
    assert all(
        r["_row_hash"] != q["_row_hash"]
        for r, q in zip(after, quarantined, strict=True)
        if r["phone"] is None and q["phone"] is not None
    )

    entries = audit.read(paths)
    assert [e["action"] for e in entries] == ["retention"] and audit.verify(entries) == []
    assert entries[0]["details"]["rows"] >= 4

    # Applying it again finds nothing left to remove, and records nothing.
    assert "no old version or old quarantined row holds personal values" in (
        _yecai("privacy", "retain").stdout
    )
    assert len(audit.read(paths)) == 1
