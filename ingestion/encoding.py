"""Telling the encoding of an export file: UTF-8 with BOM, UTF-8, or GBK (as GB18030).

Strict decoding in a fixed order beats guessing: a GBK file full of Chinese is almost
never valid UTF-8, and GB18030 is a superset of GBK. charset-normalizer is asked only to
name its best guess when neither fits, so the error can say what the file looks like.
"""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

from yecai.errors import YecaiError


def detect_encoding(data: bytes, name: str) -> str:
    """``utf-8-sig``, ``utf-8`` or ``gb18030``; a ``YecaiError`` naming ``name`` otherwise."""
    if data.startswith(codecs.BOM_UTF8):
        _strict(data, "utf-8-sig", name)
        return "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in data[:4096]:
        raise YecaiError(
            f"{name}: looks like UTF-16 or a binary file, not a CSV export in UTF-8 or GBK",
            "re-export the file as CSV in UTF-8 (with or without BOM) or GBK",
        )
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data" and exc.start >= len(data) - 3:
            raise YecaiError(
                f"{name}: file ends in the middle of a UTF-8 character (byte {exc.start}); "
                "it was truncated",
                "copy or export the file again, completely",
            ) from exc
    try:
        data.decode("gb18030")
        return "gb18030"
    except UnicodeDecodeError as exc:
        if exc.start >= len(data) - 3:
            raise YecaiError(
                f"{name}: file ends in the middle of a GBK character (byte {exc.start}); "
                "it was truncated",
                "copy or export the file again, completely",
            ) from exc
        best = from_bytes(data[:65536]).best()
        guess = f"; it looks like {best.encoding}" if best else ""
        raise YecaiError(
            f"{name}: not UTF-8 and not GBK (bad byte at offset {exc.start}){guess}",
            "re-export the file as CSV in UTF-8 (with or without BOM) or GBK",
        ) from exc


def _strict(data: bytes, encoding: str, name: str) -> None:
    try:
        data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise YecaiError(
            f"{name}: starts with a UTF-8 byte-order mark but byte {exc.start} is not UTF-8"
            + (" (the file was truncated)" if exc.start >= len(data) - 3 else ""),
            "export the file again as UTF-8",
        ) from exc
