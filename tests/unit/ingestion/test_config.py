"""sources.yml: its schema, its errors (one line each, did you mean), and no built-in company."""

from __future__ import annotations

import pytest

from demo.install import COMPANY_DIR
from ingestion.catalog import list_entities
from ingestion.config import load_config
from yecai.config import load_company
from yecai.errors import YecaiError
from yecai.settings import Paths

pytestmark = pytest.mark.unit


def write(home, text: str) -> Paths:
    home.mkdir(parents=True, exist_ok=True)
    (home / "sources.yml").write_text(text, encoding="utf-8")
    return Paths(home=home)


def problem(home, text: str) -> YecaiError:
    with pytest.raises(YecaiError) as exc:
        load_config(write(home, text))
    return exc.value


def test_without_sources_yml_nothing_is_extracted_and_the_error_says_what_to_do(tmp_path):
    with pytest.raises(YecaiError) as exc:
        load_config(Paths(home=tmp_path))
    assert "sources.yml" in exc.value.what
    assert "yecai demo generate" in exc.value.fix and "yecai init" in exc.value.fix


def test_sources_yml_lists_only_what_it_names(tmp_path):
    paths = write(
        tmp_path,
        "sources:\n  shop:\n    kind: sql\n    url_env: MY_SHOP\n"
        "    entities:\n      customers: {table: KUNDEN}\n      vendors: {}\n",
    )
    assert list_entities(paths) == [("shop", "customers"), ("shop", "vendors")]
    assert load_config(paths)["shop"].entities["customers"].target == "KUNDEN"


def test_a_source_without_entities_takes_its_own_contracts_and_inherits_nothing(tmp_path):
    # A source called erp with no entities and no contracts is an error, not the demo's 27.
    error = problem(tmp_path, "sources:\n  erp:\n    kind: sql\n    url_env: MY_ERP\n")
    assert "sources.erp lists no entities" in error.what
    (tmp_path / "contracts" / "erp").mkdir(parents=True)
    (tmp_path / "contracts" / "erp" / "ledger.yml").write_text(
        "primary_key: [id]\ncolumns:\n  - {name: id, type: varchar}\n"
    )
    assert list_entities(Paths(home=tmp_path)) == [("erp", "ledger")]


@pytest.mark.parametrize(
    "text, expected",
    [
        # misspelt keys: unknown, with the right spelling named
        (
            "sources:\n  erp:\n    kind: sql\n    url_env: X\n    lookbak_days: 3\n",
            "sources.erp.lookbak_days: unknown key; did you mean 'lookback_days'?",
        ),
        (
            "sources:\n  erp:\n    kind: sql\n    url_env: X\n    entities:\n"
            "      customers: {cursr: updated_at}\n",
            "sources.erp.entities.customers.cursr: unknown key; did you mean 'cursor'?",
        ),
        (
            "contract_dir: contracts\nsources: {}\n",
            "contract_dir: unknown key; did you mean 'contracts_dir'?",
        ),
        # shapes and types
        ("- erp\n- crm\n", "the file is a YAML list, not a mapping"),
        (
            "sources:\n  erp:\n    kind: sql\n    url_env: X\n    entities: customers\n",
            "sources.erp.entities: must be a list or a mapping of entity names, not the string "
            "'customers' (write `entities: [customers]`)",
        ),
        (
            "sources:\n  erp:\n    kind: sql\n    url_env: X\n    lookback_days: three\n",
            "sources.erp.lookback_days: Input should be a valid number",
        ),
        ("sources:\n  erp:\n    url_env: X\n", "sources.erp: missing kind → add kind: one of sql"),
        ("sources:\n  erp:\n    kind: ftp\n", "sources.erp.kind: 'ftp' is no kind"),
        ("sources: [erp]\n", "sources: must be a mapping"),
        ("sources:\n  erp:\n    kind: sql\n", "needs url (no password in it) or url_env"),
        # secrets and names
        (
            "sources:\n  erp:\n    kind: sql\n    url: postgresql://u:secret@h/db\n",
            "carries a password",
        ),
        (
            "sources:\n  ../../outside:\n    kind: files\n    path: x\n",
            "source name '../../outside'",
        ),
        (
            "sources:\n  hr:\n    kind: files\n    path: x\n    entities: ['../x']\n",
            "entity name '../x'",
        ),
        # books
        (
            "sources:\n  shop:\n    kind: sql\n    url_env: X\n    books: derived\n",
            "books: derived needs legal_entities",
        ),
        (
            "sources:\n  a:\n    kind: sql\n    url_env: X\n    books: ledger\n"
            "    legal_entities: [E01]\n  b:\n    kind: sql\n    url_env: Y\n"
            "    books: derived\n    legal_entities: [E01]\n",
            "legal entity E01 has books in two sources (a and b)",
        ),
        ("sources:\n  a:\n    kind: sql\n    url_env: X\n    books: own\n", "sources.a.books"),
        ("sources:\n  a: [\n", "not valid YAML (line"),
    ],
)
def test_a_wrong_sources_yml_is_one_line_per_mistake_naming_file_and_key(tmp_path, text, expected):
    error = problem(tmp_path, text)
    assert expected in error.what
    for line in error.what.splitlines():
        assert line.startswith(str(tmp_path / "sources.yml")), line
    assert "Traceback" not in error.what and error.fix


def test_every_mistake_of_a_file_is_reported_at_once(tmp_path):
    error = problem(
        tmp_path,
        "sources:\n  erp:\n    kind: sql\n    url_env: X\n    lookbak_days: 3\n"
        "  crm:\n    kind: rest\n    url: http://h\n    tokn_env: T\n",
    )
    assert len(error.what.splitlines()) == 2
    assert "did you mean 'token_env'?" in error.what


def test_a_misspelt_cursor_or_key_override_is_an_error_naming_it(tmp_path):
    (tmp_path / "contracts" / "shop").mkdir(parents=True)
    (tmp_path / "contracts" / "shop" / "orders.yml").write_text(
        "primary_key: [order_no]\ncursor: updated_at\ncolumns:\n"
        "  - {name: order_no, type: varchar}\n  - {name: updated_at, type: timestamp}\n"
    )
    paths = write(
        tmp_path,
        "sources:\n  shop:\n    kind: sql\n    url_env: X\n    entities:\n"
        "      orders: {cursor: updatd_at}\n",
    )
    with pytest.raises(YecaiError) as exc:
        load_config(paths)["shop"].contract("orders")
    assert "sources.shop.entities.orders.cursor: 'updatd_at' is not a column" in exc.value.what
    assert "did you mean 'updated_at'?" in exc.value.what
    (tmp_path / "sources.yml").write_text(
        "sources:\n  shop:\n    kind: sql\n    url_env: X\n    entities:\n"
        "      orders: {key: order_id}\n"
    )
    with pytest.raises(YecaiError) as exc:
        load_config(paths)["shop"].contract("orders")
    assert "key: 'order_id'" in exc.value.what and "did you mean 'order_no'?" in exc.value.what
    (tmp_path / "sources.yml").write_text(
        "sources:\n  shop:\n    kind: sql\n    url_env: X\n    entities:\n"
        "      orders: {key: [order_no, updated_at], cursor: null}\n"
    )
    contract = load_config(paths)["shop"].contract("orders")
    assert contract.primary_key == ("order_no", "updated_at")


def test_missing_connection_variable_names_the_variable(tmp_path, monkeypatch):
    monkeypatch.delenv("MY_ERP", raising=False)
    paths = write(
        tmp_path,
        "sources:\n  erp:\n    kind: sql\n    url_env: MY_ERP\n    entities: [customers]\n",
    )
    with pytest.raises(YecaiError) as exc:
        load_config(paths)["erp"].url()
    assert "MY_ERP" in exc.value.what and "export MY_ERP" in exc.value.fix


def test_a_url_in_the_file_is_used_unless_its_variable_is_set(tmp_path, monkeypatch):
    monkeypatch.delenv("MY_ERP", raising=False)
    paths = write(
        tmp_path,
        "sources:\n  erp:\n    kind: sql\n    url: sqlite:///systems/erp.sqlite\n"
        "    url_env: MY_ERP\n    entities: [customers]\n",
    )
    # a relative SQLite path lies in the home
    assert load_config(paths)["erp"].url() == f"sqlite:///{tmp_path / 'systems' / 'erp.sqlite'}"
    monkeypatch.setenv("MY_ERP", "postgresql://postgres@127.0.0.1/erp")
    assert load_config(paths)["erp"].url() == "postgresql://postgres@127.0.0.1/erp"


def test_the_demo_company_configuration_validates(tmp_path, monkeypatch):
    monkeypatch.delenv("YECAI_HR_DROP", raising=False)
    home = tmp_path / "home"
    home.mkdir()
    (home / "sources.yml").write_text((COMPANY_DIR / "sources.yml").read_text())
    (home / "contracts").symlink_to(COMPANY_DIR / "contracts")
    paths = Paths(home=home)
    company = load_company(paths)
    assert list(company.sources) == ["erp", "erp2", "crm", "hr"]
    assert company.sources["erp"].books == "ledger"
    config = load_config(paths)
    assert config["hr"].path == paths.hr_drop
    assert config["crm"].entities["opportunities"].target == "/api/v1/opportunities"
    assert len(config["erp"].entities) == 27


@pytest.mark.parametrize("command", [["ingest"], ["run"], ["config", "check"]])
def test_the_commands_say_a_wrong_sources_yml_in_one_line_without_a_traceback(tmp_path, command):
    import os
    import subprocess
    import sys
    from pathlib import Path

    (tmp_path / "sources.yml").write_text("- erp\n- crm\n")
    done = subprocess.run(
        [str(Path(sys.executable).parent / "yecai"), *command],
        env={**os.environ, "YECAI_HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert "sources.yml: the file is a YAML list, not a mapping" in " ".join(done.stderr.split())


def test_without_a_configuration_run_says_to_generate_the_demo_or_init(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    done = subprocess.run(
        [str(Path(sys.executable).parent / "yecai"), "run"],
        env={**os.environ, "YECAI_HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    text = " ".join(done.stderr.split())
    assert done.returncode == 2 and "yecai demo generate" in text and "yecai init" in text
    assert not (tmp_path / "lake").exists()  # nothing was extracted
