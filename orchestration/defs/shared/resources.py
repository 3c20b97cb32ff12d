"""Typed resources: where the installation lives, and the one-writer lock on the warehouse."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
from filelock import FileLock, Timeout

from yecai.errors import YecaiError
from yecai.settings import Paths, get_paths


class YecaiHome(dg.ConfigurableResource):
    """The installation's folders. Empty ``home`` means ``YECAI_HOME`` (or ``./.yecai``)."""

    home: str = ""

    def paths(self) -> Paths:
        return Paths(home=Path(self.home).expanduser().resolve()) if self.home else get_paths()


def warehouse_lock_path(paths: Paths) -> Path:
    """The lock file every DuckDB writer holds (beside the warehouse it protects)."""
    return paths.warehouse / ".writer.lock"


@contextmanager
def hold_warehouse_lock(paths: Paths, timeout_seconds: float = 1800) -> Iterator[None]:
    """Hold the warehouse writer lock; DuckDB allows one writing process per file.

    The Dagster pool limits writers across runs the instance knows about; this file lock also
    covers writers outside Dagster (a second ``yecai run``, a CLI command, a notebook).
    """
    lock_file = warehouse_lock_path(paths)
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(lock_file), timeout=timeout_seconds)
    try:
        lock.acquire()
    except Timeout as exc:
        raise YecaiError(
            f"another process has held the warehouse writer lock {lock_file} for "
            f"{timeout_seconds:.0f}s",
            "wait for the other run to finish (see `yecai ui` → Runs); if no run is active, "
            "delete the lock file",
        ) from exc
    try:
        yield
    finally:
        lock.release()


class WarehouseWriter(dg.ConfigurableResource):
    """Grants the one-writer lock on the warehouse to the step that asks for it."""

    timeout_seconds: float = 1800

    @contextmanager
    def hold(self, paths: Paths) -> Iterator[None]:
        with hold_warehouse_lock(paths, self.timeout_seconds):
            yield
