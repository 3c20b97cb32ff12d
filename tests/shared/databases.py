"""Names of the PostgreSQL / MariaDB databases integration tests create on the shared servers.

Every developer and CI machine runs one PostgreSQL and one MariaDB, and several checkouts
(git worktrees) may run their suites against them at once. A fixed name would let one run
drop another's database mid-test, so each name carries a tag of the checkout's path: stable
for one checkout (a rerun reuses and drops its own leftovers), different between checkouts.
Under pytest-xdist the worker's name (``gw0``, ``gw1``) is part of the tag too: two workers of
one suite are two runs as far as the servers are concerned.
"""

from __future__ import annotations

import hashlib
import os

from yecai.settings import REPO_ROOT

PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
_CHECKOUT_TAG = hashlib.sha1(str(REPO_ROOT).encode()).hexdigest()[:8]
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")


def checkout_database(base: str) -> str:
    """``base`` tagged with this checkout, e.g. ``yecai_demo_it_1a2b3c4d``."""
    return f"{base}_{_CHECKOUT_TAG}" + (f"_{_WORKER}" if _WORKER else "")


def pg_url(database: str) -> str:
    return f"postgresql://postgres@127.0.0.1:5432/{database}"


def mysql_url(database: str) -> str:
    return f"mysql://root@127.0.0.1:3306/{database}"
