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
"""

from __future__ import annotations

import re
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
