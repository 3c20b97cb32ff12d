"""Keep docs/security.md's roles × classes table generated from the policy, never hand-kept.

uv run python -m yecai.privacy.docs           # exit 1 and say so when the table is stale
uv run python -m yecai.privacy.docs --write   # rewrite the table between its markers
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from yecai.privacy.policy import policy_markdown
from yecai.settings import REPO_ROOT

SECURITY_DOC = REPO_ROOT / "docs" / "security.md"
START, END = "<!-- policy:start -->", "<!-- policy:end -->"


def with_policy_table(text: str) -> str:
    """``text`` with the part between the markers replaced by the generated table."""
    if START not in text or END not in text:
        raise ValueError(f"the markers {START} … {END} are missing")
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{START}\n{policy_markdown()}\n{END}{tail}"


def main(argv: list[str] | None = None, doc: Path = SECURITY_DOC) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="rewrite the table in place")
    args = parser.parse_args(argv)
    text = doc.read_text(encoding="utf-8")
    wanted = with_policy_table(text)
    if wanted == text:
        print(f"{doc}: the roles table matches the policy")
        return 0
    if args.write:
        doc.write_text(wanted, encoding="utf-8")
        print(f"{doc}: roles table rewritten from yecai.privacy.policy")
        return 0
    print(f"{doc}: the roles table differs from the policy; run with --write", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
