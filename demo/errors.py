"""The demo's own error type. The demo stands in for external systems, so it imports nothing
of the pipeline (not even ``yecai.errors``); the CLI shows a DemoError like a DemoError."""

from __future__ import annotations


class DemoError(Exception):
    """An error in using the demo systems: ``what`` went wrong and where, and the ``fix``."""

    def __init__(self, what: str, fix: str | None = None) -> None:
        self.what = what
        self.fix = fix
        super().__init__(what if not fix else f"{what}\n  → {fix}")
