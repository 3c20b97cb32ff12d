"""Redaction: secrets out of every log and message, sensitive values out of every report.

Two kinds, one module:

- **secrets** (``redact_secrets``, ``redact_url``, ``describe_url``): passwords in URLs,
  ``token``/``access_token``/``key``/… query parameters, bearer tokens, ``password=`` pairs.
  Every log line and message that may carry a connection string or a webhook goes through
  ``redact_secrets``; an endpoint shown to a person goes through ``describe_url`` (scheme and
  host only: chat webhooks keep their secret in the path).
- **values** (``redact_row``): a failing row of a check keeps its key columns; the values of
  classified columns are removed (their names listed under ``_redacted``); any other text is
  scrubbed of what looks like an ID number, card, phone or e-mail (``detect.scrub_text``).

Logs go through ``redact_text`` structurally: ``install_log_redaction`` makes every log record
of the process (any ``logging`` logger, Dagster's ``context.log`` and its console logger, which
are loggers too) carry its message already redacted, whatever handler later writes it.
"""

from __future__ import annotations

import io
import logging
import re
import traceback
from collections.abc import Collection, Mapping
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from yecai.privacy.detect import scrub_text

MASK = "***"
REDACTED_FIELD = "_redacted"

# Query parameters (lower-case) and key=value words whose value is a credential.
SECRET_NAMES = (
    "token",
    "access_token",
    "refresh_token",
    "id_token",
    "api_key",
    "apikey",
    "key",
    "secret",
    "client_secret",
    "password",
    "passwd",
    "pwd",
    "sig",
    "signature",
    "sign",
    "auth",
    "authorization",
    "x-amz-signature",
    "x-amz-credential",
    "x-amz-security-token",
    "sas",
)
_SECRET_WORDS = "|".join(re.escape(n) for n in sorted(SECRET_NAMES, key=len, reverse=True))
_URL = re.compile(r"\b[a-zA-Z][a-zA-Z0-9+.\-]*://[^\s'\"<>`]+")
_BEARER = re.compile(r"(?i)\b(bearer|basic|token)\s+[A-Za-z0-9._~+/=\-]{8,}")
_AUTH_HEADER = re.compile(r"(?i)(authorization\s*[:=]\s*)(\S+(\s+\S+)?)")
_PAIR = re.compile(rf"(?i)(?<![A-Za-z0-9_])({_SECRET_WORDS})(\s*[=:]\s*)([^\s&,;'\"]+)")


def redact_url(url: str) -> str:
    """``url`` with its password and its credential query parameters replaced by ``***``."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return MASK
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, host = netloc.rsplit("@", 1)
        user = userinfo.split(":", 1)[0]
        # a user name alone may be a token too (https://<token>@host): mask it as well
        netloc = f"{user}:{MASK}@{host}" if ":" in userinfo else f"{MASK}@{host}"
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        query = urlencode(
            [(k, MASK if k.lower() in SECRET_NAMES else v) for k, v in pairs], safe="*"
        )
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def describe_url(url: str) -> str:
    """Scheme and host of ``url`` only (``https://oapi.dingtalk.com/…``): for endpoints whose
    path itself is a secret (Slack, Feishu and WeCom webhooks)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return MASK
    host = parts.hostname or "?"
    port = f":{parts.port}" if parts.port else ""
    tail = "/…" if (parts.path not in ("", "/") or parts.query) else ""
    return f"{parts.scheme}://{host}{port}{tail}"


def redact_secrets(text: str) -> str:
    """``text`` with every URL's credentials, bearer tokens and ``secret=value`` pairs masked."""
    if not text:
        return text
    out = _URL.sub(lambda m: redact_url(m.group(0)), text)
    out = _AUTH_HEADER.sub(lambda m: f"{m.group(1)}{MASK}", out)
    out = _BEARER.sub(lambda m: f"{m.group(1)} {MASK}", out)
    return _PAIR.sub(lambda m: f"{m.group(1)}{m.group(2)}{MASK}", out)


def redact_text(text: str) -> str:
    """Free text for a log, alert or report: secrets masked, sensitive-looking values scrubbed."""
    return scrub_text(redact_secrets(text)) if text else text


def redact_value(value: Any) -> Any:
    """A value of an unclassified column: text scrubbed, anything else kept."""
    return scrub_text(value) if isinstance(value, str) else value


def redact_row(
    row: Mapping[str, Any], sensitive: Collection[str], keys: Collection[str] = ()
) -> dict[str, Any]:
    """A failing row safe for reports: ``sensitive`` columns removed (named in ``_redacted``),
    ``keys`` kept as they are, any other text scrubbed."""
    out: dict[str, Any] = {}
    removed = []
    for col, value in row.items():
        if col in sensitive:
            removed.append(col)
        elif col in keys:
            out[col] = value
        else:
            out[col] = redact_value(value)
    if removed:
        out[REDACTED_FIELD] = ", ".join(removed)
    return out


def redact_record(record: logging.LogRecord) -> logging.LogRecord:
    """``record`` with its message (``msg % args``), traceback and stack redacted in place."""
    try:
        message = record.getMessage()
    except Exception:  # arguments that do not fit the format: keep the text, drop the arguments
        message = str(record.msg)
    record.msg = redact_text(message)
    record.args = ()
    if record.exc_info and record.exc_info[0] is not None and not record.exc_text:
        # Formatters print exc_text when it is set: the traceback is rendered here, redacted,
        # because an exception's message is where a connection string usually hides.
        record.exc_text = redact_text("".join(traceback.format_exception(*record.exc_info)))
        record.exc_text = record.exc_text.rstrip("\n")
    if record.stack_info:
        record.stack_info = redact_text(record.stack_info)
    return record


def install_log_redaction() -> None:
    """Make every log record this process creates redacted at birth (idempotent).

    A record factory rather than a filter or formatter: a filter covers the loggers or handlers
    it is added to, and Dagster builds a logger per run and step (``context.log``) whose handlers
    yecai does not configure. Every ``logging.Logger`` makes its records through the factory.
    """
    current = logging.getLogRecordFactory()
    if getattr(current, "yecai_redacting", False):
        return

    def redacting_factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        return redact_record(current(*args, **kwargs))

    redacting_factory.yecai_redacting = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(redacting_factory)


class RedactingWriter(io.TextIOBase):
    """A text stream that redacts what is written to it, then passes it on to ``inner``.

    For output that is not a log record but ends in the same places: dagster-dbt re-emits each of
    dbt's events on ``sys.stdout`` (one whole line per write), which the compute log captures.
    """

    def __init__(self, inner: Any) -> None:
        super().__init__()
        self._inner = inner

    def write(self, text: str) -> int:
        self._inner.write(redact_text(text))
        return len(text)

    def flush(self) -> None:
        self._inner.flush()
