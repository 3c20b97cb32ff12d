"""The one exception type a user sees: what went wrong, where, and what to do."""

from __future__ import annotations


class YecaiError(Exception):
    """An error the user can act on. The CLI prints it without a stack trace.

    ``what`` says what went wrong and where (file, row, column, table);
    ``fix`` says what to do about it.
    """

    def __init__(self, what: str, fix: str | None = None) -> None:
        self.what = what
        self.fix = fix
        super().__init__(what if not fix else f"{what}\n  → {fix}")
