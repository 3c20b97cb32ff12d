"""Connectors, one per kind of source: each puts the rows it read into a DuckDB table."""

from yecai.errors import YecaiError


class SourceUnavailable(YecaiError):
    """The source system cannot be reached at all: the other entities of it are not tried."""
