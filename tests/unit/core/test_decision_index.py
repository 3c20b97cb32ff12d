"""docs/decisions.md is the index a reader starts from: every decision record is listed there,
and every link there leads to a record."""

from __future__ import annotations

import re
from pathlib import Path

DOCS = Path(__file__).resolve().parents[3] / "docs"


def test_every_decision_record_is_listed_and_every_listed_record_exists():
    index = (DOCS / "decisions.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"\]\(decisions/([a-z0-9-]+)\.md\)", index))
    records = {p.stem for p in (DOCS / "decisions").glob("*.md")}
    assert records, "no decision records found: the test would prove nothing"
    assert sorted(records - listed) == [], "records missing from docs/decisions.md"
    assert sorted(listed - records) == [], "docs/decisions.md links to records that do not exist"
