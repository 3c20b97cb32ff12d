"""Keep docs/security.md's roles × classes table generated from the policy, never hand-kept.

uv run python -m yecai.privacy.docs           # exit 1 and say so when the table is stale
uv run python -m yecai.privacy.docs --write   # rewrite the table between its markers
uv run python -m yecai.privacy.docs --columns # per column of this home's published data
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from yecai.errors import YecaiError
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


def home_columns_markdown() -> str:
    """The per-column table of the home's latest publish (what publish writes to
    ``warehouse/roles/columns.md``), computed afresh from the lake and the tags."""
    import duckdb

    from quality.redaction import SensitiveColumns
    from quality.role_publish import lake_relations
    from yecai.privacy.role_copies import columns_markdown
    from yecai.published import attach_lake, load_extensions, read_location
    from yecai.settings import get_paths

    paths = get_paths()
    location = read_location(paths)
    if not location.exists():
        raise YecaiError(
            f"nothing has been published in {paths.home}", "run the pipeline first (`yecai run`)"
        )
    con = duckdb.connect()
    try:
        load_extensions(con, location)
        attach_lake(con, location, read_only=True)
        return columns_markdown(lake_relations(con, SensitiveColumns(paths)))
    finally:
        con.close()


def main(argv: list[str] | None = None, doc: Path = SECURITY_DOC) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="rewrite the table in place")
    parser.add_argument(
        "--columns",
        action="store_true",
        help="print which role sees which column of this home's latest published data",
    )
    args = parser.parse_args(argv)
    if args.columns:
        try:
            print(home_columns_markdown(), end="")
        except YecaiError as exc:
            print(f"error: {exc.what}\nwhat to do: {exc.fix}", file=sys.stderr)
            return 2
        return 0
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
