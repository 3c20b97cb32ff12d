"""Before dbt writes the build warehouse: encrypted when a warehouse key is set.

dbt builds into an encrypted DuckDB through the company profile's ``build_encrypted`` output
(the file attached with ``encryption_key`` from ``YECAI_DBT_WAREHOUSE_SECRET``); ``dbt_env``
selects it when a key is set. Two things dbt could not say clearly are settled here first:
a profile written before yecai knew that output (an older ``yecai init``), and a warehouse
written plain (before the key was set) or under the previous key of a rotation, which is
re-written under the current key (``yecai.build_warehouse.encrypt_for_build``).
"""

from __future__ import annotations

from pathlib import Path

from yecai import build_warehouse
from yecai.errors import YecaiError
from yecai.settings import REPO_ROOT, Paths

SCAFFOLD_PROFILE = REPO_ROOT / "yecai" / "scaffold" / "company" / "dbt" / "profiles.yml"


def profile_builds_encrypted(profiles: Path) -> bool:
    """Whether the company's profiles.yml has the encrypted output (by the variable it reads)."""
    return profiles.is_file() and build_warehouse.DBT_SECRET_ENV in profiles.read_text(
        encoding="utf-8"
    )


def prepare_encrypted_build(paths: Paths) -> str | None:
    """Make the warehouse ready for the dbt run about to start (the caller holds the writer
    lock). Returns what was done, for the run's log (key IDs only), or None."""
    if build_warehouse.warehouse_keys(paths.home):
        profiles = paths.dbt_project / "profiles.yml"
        if not profile_builds_encrypted(profiles):
            raise YecaiError(
                f"a warehouse key is set but {profiles} has no encrypted output: dbt would "
                "write the build warehouse in clear",
                f"add the `{build_warehouse.DBT_ENCRYPTED_TARGET}` output and the `target:` "
                f"line of {SCAFFOLD_PROFILE} to it (what `yecai init` writes today)",
            )
    return build_warehouse.encrypt_for_build(paths.build_db, paths.home)
