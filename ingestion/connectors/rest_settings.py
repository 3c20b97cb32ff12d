"""How a REST source is spoken to, as configuration: auth, pagination, records path, increments.

A source's ``rest:`` mapping in ``sources.yml`` (and an entity's ``rest:`` overriding it) is
checked here and turned into ``RestSettings``. Every mistake is one line naming where it is
and what to write instead; unknown keys get a "did you mean". Secrets never appear in the
mapping: auth names the environment variables that hold them.

    rest:
      auth: {type: bearer, token_env: ACME_TOKEN}      # bearer | api_key | basic | none
      records_path: data.items                         # where the list is; "$" = the body
      paginator: {type: cursor, cursor_path: next, cursor_param: after}
      incremental: {param: updated_since, format: iso_z}
      deleted_field: deleted                           # true there = soft delete
      params: {include_archived: "true"}              # sent with the first request
      max_pages: 10000
      retry: {max_attempts: 5, base_delay: 0.5, max_delay: 30, timeout: 30}

Nothing here touches the network (``ingestion.connectors.rest`` does).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from yecai.errors import YecaiError

PAGINATOR_TYPES = ("cursor", "next_link", "offset", "page_number", "link_header", "single_page")
AUTH_TYPES = ("bearer", "api_key", "basic", "none")
INCREMENTAL_FORMATS = ("iso_z", "iso", "date", "epoch")
DEFAULT_MAX_PAGES = 10_000
# Query parameters that carry credentials: they belong in rest.auth, read from the environment.
_SECRET_NAME = re.compile(r"(key|token|secret|passw|signature|credential)", re.IGNORECASE)
FIX = "fix the source's rest: settings in sources.yml (docs/decisions/rest-client.md shows each)"

# Keys each part accepts; anything else is a mistake worth naming.
_TOP_KEYS = (
    "auth",
    "records_path",
    "paginator",
    "incremental",
    "deleted_field",
    "params",
    "max_pages",
    "retry",
)
_PAGINATOR_KEYS = {
    "cursor": ("cursor_path", "cursor_param", "has_more_path", "page_size_param", "page_size"),
    "next_link": ("next_path", "page_size_param", "page_size"),
    "offset": ("offset_param", "page_size_param", "page_size", "total_path", "start"),
    "page_number": ("page_param", "page_size_param", "page_size", "total_pages_path", "start"),
    "link_header": ("rel", "page_size_param", "page_size"),
    "single_page": (),
}
_PAGINATOR_REQUIRED = {
    "cursor": ("cursor_path", "cursor_param"),
    "next_link": ("next_path",),
    "offset": ("offset_param", "page_size_param", "page_size"),
    "page_number": ("page_param",),
    "link_header": (),
    "single_page": (),
}
_AUTH_KEYS = {
    "bearer": ("token_env",),
    "api_key": ("name", "key_env", "location"),
    "basic": ("username_env", "password_env"),
    "none": (),
}
_RETRY_KEYS = ("max_attempts", "base_delay", "max_delay", "timeout")
_INCREMENTAL_KEYS = ("param", "format")


@dataclass(frozen=True)
class AuthSettings:
    """Which credentials go with every request, by the environment variables that hold them."""

    type: str = "none"
    token_env: str | None = None  # bearer
    name: str | None = None  # api_key: header (or query parameter) name
    key_env: str | None = None  # api_key
    location: str = "header"  # api_key: header | query
    username_env: str | None = None  # basic
    password_env: str | None = None  # basic

    @property
    def env_names(self) -> list[str]:
        """The variables a user must set, for messages."""
        names = (self.token_env, self.key_env, self.username_env, self.password_env)
        return [n for n in names if n]


@dataclass(frozen=True)
class PaginatorSettings:
    type: str = "single_page"
    cursor_path: str | None = None
    cursor_param: str | None = None
    has_more_path: str | None = None
    next_path: str | None = None
    offset_param: str | None = None
    page_param: str | None = None
    page_size_param: str | None = None
    page_size: int | None = None
    total_path: str | None = None
    total_pages_path: str | None = None
    start: int | None = None
    rel: str = "next"


@dataclass(frozen=True)
class IncrementalSettings:
    """The query parameter that asks for records changed since the watermark."""

    param: str
    format: str = "iso_z"


@dataclass(frozen=True)
class RetrySettings:
    max_attempts: int = 5
    base_delay: float = 0.5
    max_delay: float = 30.0
    timeout: float = 30.0


@dataclass(frozen=True)
class RestSettings:
    """One entity's REST settings: the source's, with the entity's overrides applied."""

    records_path: str
    paginator: PaginatorSettings
    auth: AuthSettings = field(default_factory=AuthSettings)
    incremental: IncrementalSettings | None = None
    deleted_field: str | None = None
    params: dict[str, str] = field(default_factory=dict)
    max_pages: int = DEFAULT_MAX_PAGES
    retry: RetrySettings | None = None  # None: the connector's default policy


def path_parts(path: str) -> tuple[str, ...]:
    """``"data.items"`` → ``("data", "items")``; ``"$"`` or ``""`` → ``()`` (the body itself)."""
    text = path.strip()
    if text in ("", "$"):
        return ()
    text = text.removeprefix("$.")
    return tuple(p for p in text.split("."))


def rest_settings(
    source_mapping: Mapping | None,
    entity_mapping: Mapping | None = None,
    *,
    where: str,
    legacy_token_env: str | None = None,
) -> RestSettings:
    """Check a source's ``rest:`` mapping (and an entity's overrides) → ``RestSettings``.

    ``where`` names the place for messages (``sources.yml: sources.shop.entities.orders``). A source that
    predates ``rest.auth`` and names ``token_env`` gets bearer auth with that variable.
    """
    merged: dict[str, Any] = {}
    for label, mapping in (("rest", source_mapping), ("entity rest", entity_mapping)):
        if mapping is None:
            continue
        if not isinstance(mapping, Mapping):
            raise _bad(where, f"{label}: must be a mapping of settings, got {_kind(mapping)}")
        _check_keys(where, label, mapping, _TOP_KEYS)
        merged.update(mapping)
    if "paginator" not in merged:
        raise _bad(
            where,
            "rest.paginator is missing: say how the API pages "
            f"(type: one of {', '.join(PAGINATOR_TYPES)})",
        )
    if "records_path" not in merged:
        raise _bad(
            where,
            "rest.records_path is missing: the dotted path to the list of records in each "
            "answer (e.g. data, or $ when the answer is the list itself)",
        )
    records_path = merged["records_path"]
    if not isinstance(records_path, str):
        raise _bad(where, f"rest.records_path must be text, got {_kind(records_path)}")
    auth = _auth(where, merged.get("auth"), legacy_token_env)
    paginator = _paginator(where, merged["paginator"])
    if (
        auth.type == "api_key"
        and auth.location == "query"
        and paginator.type
        in (
            "next_link",
            "link_header",
        )
    ):
        # A next link is followed as the API wrote it; a key in the query would be lost.
        raise _bad(
            where,
            f"rest.auth api_key in the query cannot follow {paginator.type} links; "
            "use location: header",
        )
    incremental = _incremental(where, merged.get("incremental"))
    deleted_field = merged.get("deleted_field")
    if deleted_field is not None and not isinstance(deleted_field, str):
        raise _bad(where, f"rest.deleted_field must be a field name, got {_kind(deleted_field)}")
    params = merged.get("params") or {}
    if not isinstance(params, Mapping) or any(
        isinstance(v, Mapping | list) for v in params.values()
    ):
        raise _bad(where, "rest.params must map parameter names to single values")
    secret = next((str(k) for k in params if _SECRET_NAME.search(str(k))), None)
    if secret:
        raise _bad(
            where,
            f"rest.params.{secret} looks like a secret, and sources.yml holds none; use "
            "auth: {type: api_key, name: " + secret + ", key_env: <variable>, location: query}",
        )
    return RestSettings(
        records_path=records_path,
        paginator=paginator,
        auth=auth,
        incremental=incremental,
        deleted_field=deleted_field,
        params={str(k): _param_text(v) for k, v in params.items()},
        max_pages=_positive_int(
            where, "rest.max_pages", merged.get("max_pages", DEFAULT_MAX_PAGES)
        ),
        retry=_retry(where, merged.get("retry")),
    )


def _auth(where: str, raw, legacy_token_env: str | None) -> AuthSettings:
    if raw is None:
        if legacy_token_env:
            return AuthSettings(type="bearer", token_env=legacy_token_env)
        return AuthSettings()
    if not isinstance(raw, Mapping):
        raise _bad(where, f"rest.auth must be a mapping with a type, got {_kind(raw)}")
    kind = raw.get("type")
    if kind not in AUTH_TYPES:
        raise _bad(where, f"rest.auth.type {kind!r} is not known{_hint(kind, AUTH_TYPES)}")
    _check_keys(where, f"rest.auth ({kind})", raw, ("type", *_AUTH_KEYS[kind]))
    for key, value in raw.items():
        if key.endswith("_env") and not (isinstance(value, str) and value.strip()):
            raise _bad(where, f"rest.auth.{key} must name an environment variable")
    if kind == "bearer" and not raw.get("token_env"):
        raise _bad(where, "rest.auth bearer needs token_env (the variable holding the token)")
    if kind == "api_key":
        if not raw.get("name") or not raw.get("key_env"):
            raise _bad(
                where, "rest.auth api_key needs name (e.g. X-API-Key) and key_env (its variable)"
            )
        if raw.get("location", "header") not in ("header", "query"):
            raise _bad(where, "rest.auth.location must be header or query")
    if kind == "basic" and not (raw.get("username_env") and raw.get("password_env")):
        raise _bad(where, "rest.auth basic needs username_env and password_env")
    return AuthSettings(
        type=kind,
        token_env=raw.get("token_env"),
        name=raw.get("name"),
        key_env=raw.get("key_env"),
        location=raw.get("location", "header"),
        username_env=raw.get("username_env"),
        password_env=raw.get("password_env"),
    )


def _paginator(where: str, raw) -> PaginatorSettings:
    if isinstance(raw, str):
        raw = {"type": raw}
    if not isinstance(raw, Mapping):
        raise _bad(where, f"rest.paginator must be a mapping with a type, got {_kind(raw)}")
    kind = raw.get("type")
    if kind not in PAGINATOR_TYPES:
        raise _bad(
            where, f"rest.paginator.type {kind!r} is not known{_hint(kind, PAGINATOR_TYPES)}"
        )
    _check_keys(where, f"rest.paginator ({kind})", raw, ("type", *_PAGINATOR_KEYS[kind]))
    missing = [k for k in _PAGINATOR_REQUIRED[kind] if not raw.get(k)]
    if missing:
        raise _bad(where, f"rest.paginator {kind} needs {', '.join(missing)}")
    if (raw.get("page_size_param") is None) != (raw.get("page_size") is None):
        raise _bad(where, "rest.paginator: give page_size_param and page_size together")
    values: dict[str, Any] = {"type": kind}
    for key in _PAGINATOR_KEYS[kind]:
        if key not in raw:
            continue
        value = raw[key]
        if key in ("page_size", "start"):
            values[key] = _whole(
                where, f"rest.paginator.{key}", value, minimum=0 if key == "start" else 1
            )
        elif not isinstance(value, str) or not value.strip():
            raise _bad(where, f"rest.paginator.{key} must be text, got {_kind(value)}")
        else:
            values[key] = value.strip()
    return PaginatorSettings(**values)


def _incremental(where: str, raw) -> IncrementalSettings | None:
    if raw is None:
        return None
    if isinstance(raw, str):
        raw = {"param": raw}
    if not isinstance(raw, Mapping) or not raw.get("param"):
        raise _bad(where, "rest.incremental needs param: the query parameter for 'changed since'")
    _check_keys(where, "rest.incremental", raw, _INCREMENTAL_KEYS)
    fmt = raw.get("format", "iso_z")
    if fmt not in INCREMENTAL_FORMATS and "%" not in str(fmt):
        raise _bad(
            where,
            f"rest.incremental.format {fmt!r}: use one of {', '.join(INCREMENTAL_FORMATS)} "
            "or a strftime pattern such as %Y-%m-%d %H:%M:%S",
        )
    return IncrementalSettings(param=str(raw["param"]), format=str(fmt))


def _retry(where: str, raw) -> RetrySettings | None:
    if raw is None:
        return None
    if not isinstance(raw, Mapping):
        raise _bad(where, f"rest.retry must be a mapping, got {_kind(raw)}")
    _check_keys(where, "rest.retry", raw, _RETRY_KEYS)
    values = {}
    for key in _RETRY_KEYS:
        if key in raw:
            if key == "max_attempts":
                values[key] = _whole(where, f"rest.retry.{key}", raw[key], minimum=1)
            else:
                number = raw[key]
                if isinstance(number, bool) or not isinstance(number, int | float) or number < 0:
                    raise _bad(where, f"rest.retry.{key} must be a number of seconds ≥ 0")
                values[key] = float(number)
    return RetrySettings(**values)


def _positive_int(where: str, name: str, value) -> int:
    return _whole(where, name, value, minimum=1)


def _whole(where: str, name: str, value, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise _bad(where, f"{name} must be a whole number ≥ {minimum}, got {value!r}")
    return value


def _param_text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _check_keys(where: str, label: str, mapping: Mapping, known: tuple[str, ...]) -> None:
    for key in mapping:
        if key not in known:
            raise _bad(where, f"{label}: unknown key {key!r}{_hint(str(key), known)}")


def _hint(given, known: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(str(given), known, n=1)
    if close:
        return f"; did you mean {close[0]!r}?"
    return f" (known: {', '.join(known)})"


def _kind(value) -> str:
    return {list: "a list", dict: "a mapping", str: "text"}.get(type(value), type(value).__name__)


def _bad(where: str, problem: str) -> YecaiError:
    return YecaiError(f"{where}: {problem}", FIX)
