"""Telling the encoding of an export file: UTF-8 with BOM, UTF-8, or GBK (as GB18030).

Strict decoding beats guessing: a GBK file full of Chinese is almost never valid UTF-8,
and GB18030 is a superset of GBK. Decoding is per line, so one row pasted from an export in
the other encoding is that row's fault, not the file's (decode_lines).
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass, field

from yecai.errors import YecaiError


def detect_encoding(data: bytes, name: str) -> str:
    """``utf-8-sig``, ``utf-8`` or ``gb18030``: the encoding most of the file is in; a
    ``YecaiError`` naming ``name`` for a binary, UTF-16, truncated or unreadable file."""
    return decode_lines(data, name).encoding


ENCODING_NAMES = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8", "gb18030": "GBK"}


@dataclass
class DecodedLines:
    """A CSV export decoded line by line: the text lines (line breaks kept), the file's
    encoding, and the lines (1-based) that are not in it, with why."""

    lines: list[str]
    encoding: str
    faults: dict[int, str] = field(default_factory=dict)


def _try(line: bytes, encoding: str) -> UnicodeDecodeError | None:
    try:
        line.decode(encoding)
    except UnicodeDecodeError as exc:
        return exc
    return None


def decode_lines(data: bytes, name: str) -> DecodedLines:
    """Decode an export whose rows may not all share one encoding.

    The file's encoding is the one most of its non-ASCII lines are written in (UTF-8 unless
    GBK-only lines outnumber UTF-8 ones). A line in the other encoding is decoded in it and
    marked as a fault (its row is quarantined, not the file failed): copy-pasting one row
    from another export is a row's fault. A GBK file's line that is valid UTF-8 with
    non-ASCII text is such a line too (GBK text is almost never valid UTF-8). The file
    fails only when it is binary, truncated, or its header line is unreadable; the message
    names the byte offset and the line.
    """
    bom = data.startswith(codecs.BOM_UTF8)
    body = data[len(codecs.BOM_UTF8) :] if bom else data
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in data[:4096]:
        raise YecaiError(
            f"{name}: looks like UTF-16 or a binary file, not a CSV export in UTF-8 or GBK",
            "re-export the file as CSV in UTF-8 (with or without BOM) or GBK",
        )
    raw_lines = body.splitlines(keepends=True)
    starts, pos = [], len(data) - len(body)
    for line in raw_lines:
        starts.append(pos)
        pos += len(line)
    utf8_err = [_try(line, "utf-8") for line in raw_lines]
    gbk_err = [_try(line, "gb18030") for line in raw_lines]
    non_ascii = [not line.isascii() for line in raw_lines]
    utf8_votes = sum(1 for i, e in enumerate(utf8_err) if e is None and non_ascii[i])
    gbk_votes = sum(1 for i, e in enumerate(utf8_err) if e is not None and gbk_err[i] is None)
    primary = "utf-8" if bom or utf8_votes >= gbk_votes else "gb18030"
    other = "gb18030" if primary == "utf-8" else "utf-8"
    errs = {"utf-8": utf8_err, "gb18030": gbk_err}
    lines: list[str] = []
    faults: dict[int, str] = {}
    for i, line in enumerate(raw_lines):
        number = i + 1
        own, alt = errs[primary][i], errs[other][i]
        in_other = primary == "gb18030" and own is None and utf8_err[i] is None and non_ascii[i]
        if own is None and not in_other:
            lines.append(line.decode(primary))
            continue
        offset = starts[i] + (own.start if own is not None else 0)
        last = own is not None and i == len(raw_lines) - 1 and own.start >= len(line) - 3
        if last and (own.reason == "unexpected end of data" or alt is not None):
            raise YecaiError(
                f"{name}: file ends in the middle of a {ENCODING_NAMES[primary]} character "
                f"(byte {offset}, line {number}); it was truncated",
                "copy or export the file again, completely",
            )
        if alt is None:
            lines.append(line.decode(other))
            faults[number] = (
                f"line {number} is in {ENCODING_NAMES[other]}, the rest of the file in "
                f"{ENCODING_NAMES[primary]} (byte offset {offset})"
            )
            continue
        lines.append(line.decode(primary, errors="replace"))
        faults[number] = f"line {number} is neither UTF-8 nor GBK (bad byte at offset {offset})"
    _check_readable(name, lines, faults, primary)
    encoding = "utf-8-sig" if bom else primary
    return DecodedLines(lines=lines, encoding=encoding, faults=faults)


def _check_readable(name: str, lines: list[str], faults: dict[int, str], primary: str) -> None:
    """A file is unreadable when its header line is, or when most of its lines are."""
    first = next((i + 1 for i, line in enumerate(lines) if line.strip()), None)
    undecodable = [n for n, why in faults.items() if "neither" in why]
    if first in undecodable or (undecodable and len(undecodable) * 2 > len(lines)):
        where = faults[undecodable[0]].split("(", 1)[1].rstrip(")")
        raise YecaiError(
            f"{name}: not UTF-8 and not GBK ({where}, line {undecodable[0]}; "
            f"{len(undecodable)} of {len(lines)} lines unreadable)",
            "re-export the file as CSV in UTF-8 (with or without BOM) or GBK",
        )
