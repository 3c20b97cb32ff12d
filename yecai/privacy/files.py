"""File modes: everything yecai writes under the home is 0600 (files) and 0700 (folders).

One umask (0077), set once by every entry point before it writes anything: the ``yecai`` CLI,
the Dagster code location (which the run and step processes load), and so every process they
start (dbt, the demo CRM server, ``dagster dev``) inherits it. ``offenders`` walks a home
and lists what others could read, for ``yecai info`` and the tests.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

PRIVATE_UMASK = 0o077


def set_private_umask() -> int:
    """Files created from now on by this process and its children are private; returns the
    previous umask."""
    return os.umask(PRIVATE_UMASK)


def offenders(home: Path) -> list[tuple[Path, str]]:
    """Files and folders under ``home`` (itself included) that group or others can access,
    with their mode. Symbolic links are not followed (their own mode means nothing)."""
    out: list[tuple[Path, str]] = []
    if not home.exists():
        return out
    for root, dirs, files in os.walk(home):
        for name in [".", *dirs, *files]:
            path = Path(root) if name == "." else Path(root) / name
            if name == "." and Path(root) != home:
                continue  # each folder is listed once, by its parent
            st = path.lstat()
            if stat.S_ISLNK(st.st_mode):
                continue
            if st.st_mode & 0o077:
                out.append((path, f"{stat.S_IMODE(st.st_mode):04o}"))
    return out


def tighten(home: Path) -> int:
    """Make an existing home private (an installation from before the umask); returns how
    many files and folders changed."""
    changed = 0
    for path, _ in offenders(home):
        mode = path.lstat().st_mode
        private = stat.S_IMODE(mode) & 0o700
        os.chmod(path, private | (0o700 if stat.S_ISDIR(mode) else 0))
        changed += 1
    return changed
