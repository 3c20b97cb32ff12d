"""The product names no source system: a company (the demo too) is configuration.

No canonical model, mart, macro, product seed or test of the dbt package, and no product Python
module (ingestion/, quality/, orchestration/, yecai/) may name the demo's sources (`erp`,
`erp2`, `crm`, `hr`); they live only in demo/ (the demo company's configuration and its
generators). A name is the lower-case word on its own (`'erp'`, `erp.customers`,
`source_system = 'hr'`) or a staging model's source (`stg_crm__accounts`), not part of a longer
identifier (`hr_drop`, `is_crm_account`) or the upper-case prose word (the group ERP).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from yecai.settings import REPO_ROOT

pytestmark = pytest.mark.unit

SOURCE_NAME = re.compile(r"(?<![A-Za-z0-9_])(erp2?|crm|hr)(?![A-Za-z0-9_])|stg_(erp2?|crm|hr)__")

# Files outside this change's area that still name a demo source, each with why it may for now.
# Remove an entry when its owner makes the file source-free; the test fails on a stale entry.
ALLOWED = {
    # The demo's taxonomy of defects, matched by message prefixes; being turned into structured
    # codes by another engineer (issue 12, "quality/defect_kinds.py is the demo's taxonomy").
    "quality/defect_kinds.py": "demo defect taxonomy, becoming structured codes",
    # `hr` here is the role that may read clear personal data (issue 13), not a source.
    "yecai/privacy/policy.py": "the hr role",
    "yecai/privacy/keys.py": "the hr role's encrypted copy",
    # The `yecai demo …` commands are the demo's own command line (they call demo/).
    "orchestration/commands/demo_cmd.py": "the demo's own commands",
    "orchestration/commands/demo_crm_cmd.py": "the demo's own commands",
}

PRODUCT = {
    # the dbt package: models, macros, seeds, tests, its project file
    "dbt_project": (".sql", ".yml", ".yaml", ".csv", ".md"),
    "ingestion": (".py",),
    "quality": (".py", ".j2"),
    "orchestration": (".py",),
    # the settings, configuration schema and the `yecai init` scaffold
    "yecai": (".py", ".yml", ".yaml", ".csv", ".sql", ".md"),
}
SKIP_PARTS = {"target", "dbt_packages", "logs", "__pycache__"}


def product_files() -> list[Path]:
    found = []
    for folder, suffixes in PRODUCT.items():
        for path in sorted((REPO_ROOT / folder).rglob("*")):
            if not path.is_file() or path.suffix not in suffixes:
                continue
            if SKIP_PARTS & set(path.relative_to(REPO_ROOT).parts):
                continue
            found.append(path)
    return found


def names_in(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [
        f"{n}: {line.strip()[:100]}" for n, line in enumerate(lines, 1) if SOURCE_NAME.search(line)
    ]


def test_no_product_file_names_a_source_system():
    offenders = {}
    for path in product_files():
        relative = path.relative_to(REPO_ROOT).as_posix()
        if relative in ALLOWED:
            continue
        hits = names_in(path)
        if hits:
            offenders[relative] = hits[:3]
    assert offenders == {}, "\n".join(f"{p}: {h}" for p, h in offenders.items())


def test_every_allowed_file_still_names_one_so_the_list_stays_honest():
    stale = [p for p in ALLOWED if not (REPO_ROOT / p).is_file() or not names_in(REPO_ROOT / p)]
    assert stale == [], f"remove these from ALLOWED, they name no source any more: {stale}"


def test_the_check_would_catch_a_source_name():
    assert SOURCE_NAME.search("where source_system = 'erp2'")
    assert SOURCE_NAME.search("{{ ref('stg_crm__accounts') }}")
    assert SOURCE_NAME.search("select * from raw.hr.payroll")
    assert SOURCE_NAME.search("paths.hr_drop") is None  # part of a longer name
    assert SOURCE_NAME.search("is_crm_account") is None
    assert SOURCE_NAME.search("the group ERP") is None


def test_the_product_holds_no_staging_model_or_company_seed():
    package = REPO_ROOT / "dbt_project"
    staging = [
        p for p in package.rglob("stg_*.sql") if not SKIP_PARTS & set(p.relative_to(package).parts)
    ]
    assert not staging, "staging models belong to a company's dbt project"
    company_seeds = {
        p.name for p in (REPO_ROOT / "demo" / "company" / "dbt" / "seeds").glob("*.csv")
    }
    product_seeds = {p.name for p in (package / "seeds").rglob("*.csv")}
    assert company_seeds and not company_seeds & product_seeds
