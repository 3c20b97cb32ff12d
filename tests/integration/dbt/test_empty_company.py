"""A company `yecai init` just wrote builds with dbt before it has any source.

Every product model builds empty (each document's standard interface is an empty relation of
its contract's shape when no source supplies it), and the product's unit tests pass in it: they
take the conformed documents as input, so they hold for any company.
"""

from __future__ import annotations

import re

import pytest
import yaml

from tests.orchestration.demo_helpers import yecai
from tests.shared.company_config import init_company
from yecai.settings import DBT_PACKAGE_DIR

pytestmark = pytest.mark.integration


def product_unit_tests() -> int:
    """How many unit tests the product package declares (its models' YAML)."""
    return sum(
        len(yaml.safe_load(path.read_text(encoding="utf-8")).get("unit_tests") or [])
        for path in (DBT_PACKAGE_DIR / "models").rglob("*.yml")
    )


def test_an_empty_company_builds_and_the_product_unit_tests_pass(tmp_path, monkeypatch):
    home = init_company(tmp_path, monkeypatch)
    done = yecai("dbt", "--", "build", timeout=1200)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-4000:]
    summary = re.findall(r"Done\. PASS=(\d+) WARN=(\d+) ERROR=(\d+) SKIP=(\d+)", output)
    passed, _, errors, skipped = map(int, summary[-1])
    assert errors == 0 and skipped == 0 and passed > 100
    # "Finished running … N unit tests …": every one of the product's own ran
    units = re.findall(r"(\d+) unit tests?", output)
    assert units and int(units[-1]) == product_unit_tests(), output[-2000:]
    assert (home / "dbt" / "dbt_packages" / "yecai").is_symlink()  # installed offline, linked
