"""Raw and quarantine Parquet of an entity with classified columns, encrypted under the lake key.

A small SQLite source with two entities: ``people`` (a national ID and a name, classified in
its contract) and ``orders`` (nothing classified). Landed with ``YECAI_LAKE_KEY`` set, the
people files (raw, quarantine, latest-versions index) open neither with DuckDB nor PyArrow
without the key, open with it, and carry the key ID in their manifest and batch record; the
orders files stay plain; the key itself is in no file of the home. A folder landed in clear
before the key was set is re-encrypted by the next ingest, and a rotation moves it to the new
key while the old one is still given as ``YECAI_LAKE_KEY_PREVIOUS``.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from ingestion.lake import committed_batches, scan
from ingestion.lake_encryption import key_changed_since
from ingestion.raw_integrity import raw_zone_problems
from ingestion.runner import ingest
from yecai.errors import YecaiError
from yecai.privacy.keys import key_id_of, new_key_text, parse_key_text
from yecai.privacy.lake_crypto import is_encrypted_parquet, lake_keyring, parquet_scan
from yecai.settings import Paths

pytestmark = pytest.mark.integration

NATIONAL_ID = "110101199003077575"
BROKEN_ID = "11010119900307757X-broken"  # lands in quarantine: the amount does not cast

PEOPLE = """
primary_key: [person_id]
cursor: updated_at
columns:
  - {name: person_id, type: varchar, nullable: false}
  - {name: full_name, type: varchar, classification: person_name}
  - {name: national_id, type: varchar, classification: national_id}
  - {name: pay, type: "decimal(18,2)", classification: salary}
  - {name: updated_at, type: timestamp, nullable: false}
"""

ORDERS = """
primary_key: [order_no]
columns:
  - {name: order_no, type: varchar, nullable: false}
  - {name: amount, type: "decimal(18,2)"}
"""


def _make_home(tmp_path: Path) -> tuple[Paths, Path]:
    home = tmp_path / "home"
    for entity, text in (("people", PEOPLE), ("orders", ORDERS)):
        folder = home / "contracts" / "hr"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{entity}.yml").write_text(text, encoding="utf-8")
    db = tmp_path / "hr.sqlite"
    con = sqlite3.connect(db)
    con.execute("create table people (person_id, full_name, national_id, pay, updated_at)")
    con.executemany(
        "insert into people values (?, ?, ?, ?, ?)",
        [
            ("P1", "张三", NATIONAL_ID, "12000.00", "2025-01-05 10:00:00"),
            ("P2", "李四", BROKEN_ID, "not a number", "2025-01-05 10:00:00"),
        ],
    )
    con.execute("create table orders (order_no, amount)")
    con.execute("insert into orders values ('SO1', '10.00')")
    con.commit()
    con.close()
    (home / "sources.yml").write_text(
        "contracts_dir: contracts\nsources:\n  hr:\n    kind: sql\n    url_env: HR_URL\n"
        "    entities: [people, orders]\n",
        encoding="utf-8",
    )
    return Paths(home=home), db


def _add_person(db: Path, person_id: str, national_id: str) -> None:
    con = sqlite3.connect(db)
    con.execute(
        "insert into people values (?, '王五', ?, '9000.00', '2025-02-01 09:00:00')",
        (person_id, national_id),
    )
    con.commit()
    con.close()


@pytest.fixture
def hr(tmp_path, monkeypatch):
    paths, db = _make_home(tmp_path)
    monkeypatch.setenv("YECAI_HOME", str(paths.home))
    monkeypatch.setenv("HR_URL", f"sqlite:///{db}")
    monkeypatch.delenv("YECAI_LAKE_KEY", raising=False)
    monkeypatch.delenv("YECAI_LAKE_KEY_FILE", raising=False)
    monkeypatch.delenv("YECAI_LAKE_KEY_PREVIOUS", raising=False)
    return paths, db


def _files(paths: Paths, zone: str, entity: str) -> list[Path]:
    return sorted((paths.lake / zone / "hr" / entity).glob("batch=*/*.parquet"))


def _read_all(paths: Paths, files: list[Path]) -> list[tuple]:
    con = duckdb.connect()
    return con.execute(f"select * from {scan(con, paths, files, union_by_name='true')}").fetchall()


def _stored_columns(paths: Paths, files: list[Path]) -> set[str]:
    """The columns the files hold (the batch=<id> folder not read as a column)."""
    con = duckdb.connect()
    source = scan(con, paths, files, union_by_name="true", hive_partitioning="false")
    return {r[0] for r in con.execute(f"describe select * from {source}").fetchall()}


def _assert_no_folder_column(paths: Paths, entity: str) -> None:
    """Re-written files and their manifests hold the columns landed, not the folder's batch."""
    assert "batch" not in _stored_columns(paths, _files(paths, "raw", entity))
    for batch in committed_batches(paths, "hr", entity):
        schema = json.loads((batch / "manifest.json").read_text())["schema"]
        assert "batch" not in {c["name"] for c in schema}


def _home_bytes(paths: Paths) -> bytes:
    return b"".join(p.read_bytes() for p in paths.home.rglob("*") if p.is_file())


def test_classified_entity_lands_encrypted_and_plain_one_stays_plain(hr, monkeypatch):
    paths, _db = hr
    key_text = new_key_text()
    monkeypatch.setenv("YECAI_LAKE_KEY", key_text)
    key_id = key_id_of("lake", parse_key_text(key_text, "test"))

    results = {r.entity: r for r in ingest(paths)}
    assert results["people"].status == "succeeded", results["people"].message
    assert results["people"].rows_quarantined == 1
    assert results["people"].key_id == key_id
    assert results["orders"].key_id is None

    raw, quarantine = _files(paths, "raw", "people"), _files(paths, "quarantine", "people")
    assert raw and quarantine
    for path in raw + quarantine:
        assert is_encrypted_parquet(path)
        assert NATIONAL_ID.encode() not in path.read_bytes()
        with pytest.raises(duckdb.InvalidInputException, match="encrypted"):
            duckdb.sql(f"select * from read_parquet('{path}')").fetchall()
        with pytest.raises(OSError, match="encrypted"):
            pq.read_table(path)
    # the orders entity classifies nothing: plain Parquet, readable by anyone
    for path in _files(paths, "raw", "orders"):
        assert not is_encrypted_parquet(path)
        assert pq.read_table(path).num_rows == 1

    # with the key: every row, the national ID in raw and the broken row's in quarantine
    assert NATIONAL_ID in {r[2] for r in _read_all(paths, raw)}
    assert BROKEN_ID in {r[2] for r in _read_all(paths, quarantine)}

    manifest = json.loads(
        (committed_batches(paths, "hr", "people")[0] / "manifest.json").read_text()
    )
    assert manifest["key_id"] == key_id and manifest["batch"]["key_id"] == key_id
    record = json.loads(
        (paths.lake_meta / "batches" / f"{results['people'].batch_id}.json").read_text()
    )
    assert record["key_id"] == key_id
    assert raw_zone_problems(paths) == []  # the integrity check knows encrypted Parquet
    # the key (as given, and as the derived Parquet key) is in no file of the home
    assert key_text.encode() not in _home_bytes(paths)

    # a second batch: the latest-versions index (written from now on) is encrypted too
    _add_person(_db, "P3", "110101199003071234")
    results = {r.entity: r for r in ingest(paths, entity="people")}
    assert results["people"].status == "succeeded", results["people"].message
    assert results["people"].rows_landed == 1
    index = list((paths.lake_meta / "latest" / "hr" / "people").glob("*.parquet"))
    assert all(is_encrypted_parquet(p) for p in index)


def test_reading_without_the_key_names_the_fix(hr, monkeypatch):
    paths, _db = hr
    monkeypatch.setenv("YECAI_LAKE_KEY", new_key_text())
    ingest(paths, entity="people")
    monkeypatch.delenv("YECAI_LAKE_KEY")
    con = duckdb.connect()
    with pytest.raises(YecaiError) as err:
        scan(con, paths, _files(paths, "raw", "people"))
    assert "encrypted and no lake key was given" in err.value.what
    assert "YECAI_LAKE_KEY_FILE" in err.value.fix
    # and ingesting it again fails the batch with that message, writing nothing in clear
    (result,) = ingest(paths, entity="people")
    assert result.status == "failed" and "YECAI_LAKE_KEY_FILE" in result.message
    # a wrong key: the manifest's key ID says which one is needed
    monkeypatch.setenv("YECAI_LAKE_KEY", new_key_text())
    with pytest.raises(YecaiError) as err:
        scan(con, paths, _files(paths, "raw", "people"))
    assert "was written with lake key lake-" in err.value.what


def test_without_a_key_lands_in_clear_and_warns(hr, caplog):
    paths, _db = hr
    from ingestion import lake_encryption

    lake_encryption._warn_landing_in_clear.cache_clear()
    with caplog.at_level("WARNING"):
        results = ingest(paths)
    assert all(r.status == "succeeded" for r in results)
    assert all(not is_encrypted_parquet(p) for p in _files(paths, "raw", "people"))
    warnings = [r for r in caplog.records if "no lake key" in r.getMessage()]
    assert len(warnings) == 1  # once per run, not once per entity or batch
    assert "YECAI_LAKE_KEY_FILE" in warnings[0].getMessage()
    # every log line is redacted on its way out: this one must survive it whole
    from yecai.privacy.redact import MASK, redact_text

    assert MASK not in redact_text(warnings[0].getMessage())


def test_a_key_set_later_re_encrypts_the_folder_and_a_rotation_moves_it(hr, monkeypatch):
    paths, db = hr
    ingest(paths, entity="people")  # no key yet: clear
    assert not any(is_encrypted_parquet(p) for p in _files(paths, "raw", "people"))

    first = new_key_text()
    monkeypatch.setenv("YECAI_LAKE_KEY", first)
    _add_person(db, "P3", "110101199003071234")
    (result,) = ingest(paths, entity="people")
    assert result.status == "succeeded", result.message
    files = _files(paths, "raw", "people") + _files(paths, "quarantine", "people")
    assert len(files) == 3 and all(is_encrypted_parquet(p) for p in files)
    assert raw_zone_problems(paths) == []  # manifests re-recorded with the new files
    _assert_no_folder_column(paths, "people")
    # dbt's views read the entity in clear until rebuilt: the next build must be full
    assert key_changed_since(paths, None) == "hr.people"
    changed_at = json.loads((paths.lake_meta / "rewrite" / "last_key_change.json").read_text())
    (result,) = ingest(paths, entity="people")  # nothing to re-write: no change recorded
    assert key_changed_since(paths, changed_at["at"]) is None
    before = _read_all(paths, _files(paths, "raw", "people"))

    second = new_key_text()
    monkeypatch.setenv("YECAI_LAKE_KEY", second)
    monkeypatch.setenv("YECAI_LAKE_KEY_PREVIOUS", first)
    (result,) = ingest(paths, entity="people")
    assert result.status == "no_change", result.message
    second_id = key_id_of("lake", parse_key_text(second, "test"))
    for batch in committed_batches(paths, "hr", "people"):
        assert json.loads((batch / "manifest.json").read_text())["key_id"] == second_id
    _assert_no_folder_column(paths, "people")
    monkeypatch.delenv("YECAI_LAKE_KEY_PREVIOUS")  # the old key is no longer needed
    assert sorted(_read_all(paths, _files(paths, "raw", "people"))) == sorted(before)
    assert raw_zone_problems(paths) == []


def test_one_scan_reads_clear_and_encrypted_files_of_different_columns(tmp_path):
    """DuckDB refuses encryption_config on a clear file (and its absence on an encrypted
    one), and 1.5.5 fails on union_by_name over encrypted files: parquet_scan reads each
    group, and each column set of encrypted files, by its own read_parquet."""
    from yecai.privacy.encryption import register_parquet_key, write_encrypted_parquet

    home = tmp_path / "home"
    ring = lake_keyring(home, {"YECAI_LAKE_KEY": new_key_text()})
    (key,) = ring.values()
    con = duckdb.connect()
    clear, old, new = (tmp_path / f"{n}.parquet" for n in ("clear", "old", "new"))
    con.execute(f"copy (select 1 as a) to '{clear}' (format parquet)")
    write_encrypted_parquet(con, "select 2 as a", old, key)
    write_encrypted_parquet(con, "select 3 as a, 'x' as b", new, key)
    with pytest.raises(duckdb.InvalidInputException, match="not encrypted"):
        con.execute(
            f"select * from read_parquet(['{clear}', '{old}'], "
            f"encryption_config = {{footer_key: '{register_parquet_key(con, key)}'}})"
        )
    source = parquet_scan(con, [clear, old, new], ring, union_by_name="true")
    rows = sorted(con.execute(f"select a, b from {source}").fetchall())
    assert rows == [(1, None), (2, None), (3, "x")]


def test_erasure_finds_the_person_in_encrypted_files_and_keeps_them_encrypted(hr, monkeypatch):
    from yecai.privacy.erase import Classes, ErasureReport, erase_zone_files, find_person
    from yecai.privacy.erase import scan as scan_home

    paths, _db = hr
    monkeypatch.setenv("YECAI_LAKE_KEY", new_key_text())
    ingest(paths, entity="people")
    classes = Classes(paths)
    person, found = find_person(paths, NATIONAL_ID, b"t" * 32, classes)
    assert found.get("national_id")
    report = ErasureReport("tok_test")
    erase_zone_files(paths, person, classes, report)
    assert report.files
    raw = _files(paths, "raw", "people")
    assert all(is_encrypted_parquet(p) for p in raw)
    assert NATIONAL_ID not in {r[2] for r in _read_all(paths, raw)}
    assert scan_home(paths, person.values()) == []
    assert raw_zone_problems(paths, quick=True) == []


def test_quality_reads_the_encrypted_raw_and_quarantine_zones(hr, monkeypatch):
    from quality.defect_kinds import _quarantine_rows, deleted_findings
    from quality.runner import run_layer
    from quality.scorecard import quarantine_counts

    paths, _db = hr
    monkeypatch.setenv("YECAI_LAKE_KEY", new_key_text())
    ingest(paths)
    results = [r for r in run_layer(paths, "raw", build_docs=False) if "people" in r.asset]
    assert results
    assert all(r.error is None and r.success for r in results), [r.summary() for r in results]
    assert [(s, e) for s, e, _r, _n in quarantine_counts(paths)] == [("hr", "people")]
    assert [row[:2] for row in _quarantine_rows(paths)] == [("hr", "people")]
    assert deleted_findings(paths) == []


def test_a_re_write_killed_between_file_and_manifest_is_finished_by_the_next_ingest(
    hr, monkeypatch
):
    """converge re-writes files first and their manifest after; a run killed in between
    leaves the marker, and the next ingest re-records the manifests before checking them."""
    from ingestion.lake_encryption import _marker, _rewrite
    from ingestion.raw_integrity import entity_problems

    paths, _db = hr
    ingest(paths, entity="people")  # clear
    monkeypatch.setenv("YECAI_LAKE_KEY", new_key_text())
    ring = lake_keyring(paths.home)
    (key,) = ring.values()
    # what a run killed after its first file leaves: the marker, one file re-written
    marker = _marker(paths, "hr", "people")
    marker.parent.mkdir(parents=True)
    marker.write_text("{}")
    (first,) = _files(paths, "raw", "people")
    con = duckdb.connect()
    _rewrite(con, first, key, {})
    assert entity_problems(paths, "hr", "people")  # the manifest no longer matches
    (result,) = ingest(paths, entity="people")
    assert result.status == "no_change", result.message
    assert not marker.exists()
    assert entity_problems(paths, "hr", "people") == []
    files = _files(paths, "raw", "people") + _files(paths, "quarantine", "people")
    assert all(is_encrypted_parquet(p) for p in files)
    assert NATIONAL_ID in {r[2] for r in _read_all(paths, _files(paths, "raw", "people"))}


def test_revalidation_withdraws_into_encrypted_files(hr, monkeypatch):
    from ingestion.revalidate import revalidate

    paths, _db = hr
    monkeypatch.setenv("YECAI_LAKE_KEY", new_key_text())
    ingest(paths, entity="people")
    contract = paths.home / "contracts" / "hr" / "people.yml"
    # tightened: a name is now required to be a number, so P1 fails
    contract.write_text(
        PEOPLE.replace("{name: full_name, type: varchar", "{name: full_name, type: integer"),
        encoding="utf-8",
    )
    (result,) = revalidate(paths, "hr", "people")
    assert result.status == "succeeded", result.message
    assert result.rows_quarantined == 1 and result.key_id
    batch = paths.raw / "hr" / "people" / f"batch={result.batch_id}"
    withdrawn = sorted(batch.glob("*.parquet")) + sorted(
        (paths.quarantine / "hr" / "people" / batch.name).glob("*.parquet")
    )
    assert len(withdrawn) == 2 and all(is_encrypted_parquet(p) for p in withdrawn)
    assert json.loads((batch / "manifest.json").read_text())["key_id"] == result.key_id
    assert NATIONAL_ID in {r[2] for r in _read_all(paths, withdrawn[1:])}


def test_a_delete_at_the_source_lands_its_tombstone_encrypted(hr, monkeypatch):
    """Tombstones copy the key's latest landed row, read back from the encrypted batches."""
    paths, db = hr
    monkeypatch.setenv("YECAI_LAKE_KEY", new_key_text())
    ingest(paths, entity="people")
    con = sqlite3.connect(db)
    con.execute("delete from people where person_id = 'P1'")
    con.commit()
    con.close()
    (result,) = ingest(paths, entity="people")
    assert result.status == "succeeded", result.message
    assert result.rows_deleted == 1
    newest = sorted(paths.raw.glob("hr/people/batch=*"))[-1]
    (tombstone,) = newest.glob("*.parquet")
    assert is_encrypted_parquet(tombstone)
    rows = _read_all(paths, [tombstone])
    assert [(r[0], r[2]) for r in rows] == [("P1", NATIONAL_ID)]


def test_a_drift_column_gives_older_encrypted_files_its_column(hr, monkeypatch):
    """An encrypted entity's raw files keep one column set (dbt reads them by one glob,
    without union_by_name): a batch with a new column re-writes the older ones with it."""
    paths, db = hr
    monkeypatch.setenv("YECAI_LAKE_KEY", new_key_text())
    ingest(paths, entity="people")
    con = sqlite3.connect(db)
    con.execute("alter table people add column nickname")
    con.execute(
        "insert into people values ('P3', '王五', '110101199003071234', '1.00', "
        "'2025-02-01 09:00:00', 'Wu')"
    )
    con.commit()
    con.close()
    (result,) = ingest(paths, entity="people")
    assert result.status == "succeeded", result.message
    shapes = {
        tuple(c["name"] for c in json.loads((b / "manifest.json").read_text())["schema"])
        for b in committed_batches(paths, "hr", "people")
    }
    assert len(shapes) == 1 and "nickname" in next(iter(shapes))
    _assert_no_folder_column(paths, "people")
    assert raw_zone_problems(paths) == []
    # one glob with the key, as dbt reads it: every row (P1 again: its row grew a column),
    # the new column where it was sent
    from yecai.privacy.encryption import register_parquet_key

    (key,) = lake_keyring(paths.home).values()
    duck = duckdb.connect()
    glob = paths.raw / "hr" / "people" / "batch=*" / "*.parquet"
    rows = duck.execute(
        f"select distinct person_id, nickname from read_parquet('{glob}', hive_partitioning = false, "
        f"encryption_config = {{footer_key: '{register_parquet_key(duck, key)}'}}) order by 1"
    ).fetchall()
    assert rows == [("P1", None), ("P3", "Wu")]


def test_yecai_privacy_rotate_moves_every_batch_to_the_new_key_now(hr, monkeypatch):
    from yecai.privacy import audit
    from yecai.privacy.rotate import rotate

    paths, _db = hr
    first, second = new_key_text(), new_key_text()
    monkeypatch.setenv("YECAI_LAKE_KEY", first)
    ingest(paths)
    before = _read_all(paths, _files(paths, "raw", "people"))
    monkeypatch.setenv("YECAI_LAKE_KEY", second)
    monkeypatch.setenv("YECAI_LAKE_KEY_PREVIOUS", first)
    report = rotate(paths, "lake", "key schedule")
    second_id = key_id_of("lake", parse_key_text(second, "test"))
    assert report.rewritten and all(step.startswith("hr.people: ") for step in report.rewritten)
    for batch in committed_batches(paths, "hr", "people"):
        assert json.loads((batch / "manifest.json").read_text())["key_id"] == second_id
    assert report.left_on_previous == []
    assert "remove YECAI_LAKE_KEY_PREVIOUS" in report.message()
    monkeypatch.delenv("YECAI_LAKE_KEY_PREVIOUS")  # the new key alone reads everything
    assert sorted(_read_all(paths, _files(paths, "raw", "people"))) == sorted(before)
    assert raw_zone_problems(paths) == []
    (entry,) = [e for e in audit.read(paths) if e["action"] == "rotate_key"]
    assert entry["details"]["purpose"] == "lake" and entry["details"]["key_id"] == second_id
