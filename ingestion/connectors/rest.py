"""REST sources: pages read the way the source's ``rest:`` settings say, with bounded retries.

What each API looks like (auth, paging, where the records are, how to ask for changes
since a moment, how it marks soft deletes) is configuration (``rest_settings``); the
paginators and body checks are pure (``rest_paging``); this module only does HTTP.
Retries back off exponentially on 429 (honouring Retry-After), 5xx, timeouts and refused
connections, up to a fixed number of attempts; then the batch fails with the reason.
JSON is decoded with decimals kept exact: money is never a float.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from email.utils import parsedate_to_datetime
from urllib.parse import unquote

import httpx

from ingestion.connectors import SourceUnavailable
from ingestion.connectors.rest_auth import Credentials, credentials
from ingestion.connectors.rest_paging import Page, make_paginator, select_records
from ingestion.connectors.rest_settings import RestSettings, RetrySettings
from yecai.errors import YecaiError

# The retry settings a source may give (rest.retry) are the policy itself.
RetryPolicy = RetrySettings


def backoff_delay(attempt: int, policy: RetryPolicy, retry_after: str | None = None) -> float:
    """Seconds to wait before attempt ``attempt + 1`` (attempt counts from 1).

    The server's Retry-After (seconds or an HTTP date) wins when given; otherwise
    base × 2^(attempt-1). Both are capped so a bad header can't stall a run for hours.
    """
    if retry_after:
        try:
            return min(max(float(retry_after), 0.0), policy.max_delay)
        except ValueError:
            try:
                when = parsedate_to_datetime(retry_after).timestamp()
                return min(max(when - time.time(), 0.0), policy.max_delay)
            except (TypeError, ValueError):
                pass
    return min(policy.base_delay * (2 ** (attempt - 1)), policy.max_delay)


DEFAULT_POLICY = RetryPolicy()


def _retryable(status: int) -> bool:
    return status == 429 or status >= 500


@dataclass(frozen=True)
class Hints:
    """Names for messages: the variables holding the URL and the credentials."""

    url_env: str | None = None
    auth_envs: tuple[str, ...] = ()


def get_response(
    client: httpx.Client,
    url: str,
    params: Mapping[str, str],
    policy: RetryPolicy,
    sleep: Callable[[float], None] = time.sleep,
    shown_url: str | None = None,
    hints: Hints = Hints(),
) -> httpx.Response:
    """GET with retries; the HTTP 200 answer, or a ``YecaiError`` saying what to do."""
    shown = shown_url or url
    last_problem = ""
    unreachable = True  # every attempt failed before any HTTP answer
    for attempt in range(1, policy.max_attempts + 1):
        retry_after = None
        try:
            # Merged here: httpx given params={} would drop a next link's own query.
            full = httpx.URL(url).copy_merge_params(dict(params))
            resp = client.get(full, timeout=policy.timeout)
        except (httpx.TimeoutException, httpx.TransportError) as exc:
            last_problem = f"{type(exc).__name__}: {exc}"
        else:
            unreachable = False
            if resp.status_code in (401, 403):
                names = " and ".join(hints.auth_envs) or "the credentials variable"
                raise YecaiError(
                    f"{shown} refused the credentials (HTTP {resp.status_code})",
                    f"set {names} to valid credentials (see the source's rest.auth)",
                )
            if resp.status_code == 200:
                return resp
            if not _retryable(resp.status_code):
                raise YecaiError(
                    f"{shown} answered HTTP {resp.status_code}: {_snippet(resp.text)}",
                    "check the endpoint and parameters in sources.yml",
                )
            retry_after = resp.headers.get("Retry-After")
            last_problem = f"HTTP {resp.status_code}"
        if attempt < policy.max_attempts:
            sleep(backoff_delay(attempt, policy, retry_after))
    where = f" and {hints.url_env}" if hints.url_env else ""
    raise (SourceUnavailable if unreachable else YecaiError)(
        f"{shown} still failing after {policy.max_attempts} attempts (last: {last_problem})",
        f"check the API is up{where}, then run again; nothing was landed",
    )


def decode_json(resp: httpx.Response, shown_url: str):
    """The body as JSON, decimals exact; anything else is one line saying what came back."""
    content_type = resp.headers.get("Content-Type", "").split(";")[0].strip() or "no type"
    text = resp.text
    if "html" in content_type or text.lstrip()[:1] == "<":
        raise YecaiError(
            f"{shown_url} answered HTTP 200 with {content_type} ({_snippet(text)}), not JSON; "
            "expected a JSON answer",
            "check the source's URL and endpoint (a login or error page?)",
        )
    try:
        return json.loads(text, parse_float=Decimal)
    except ValueError as exc:
        raise YecaiError(
            f"{shown_url} answered HTTP 200 with invalid JSON ({exc}); expected a JSON answer",
            "check the source's URL and endpoint in sources.yml",
        ) from exc


def get_json(
    client: httpx.Client,
    url: str,
    params: Mapping[str, str],
    policy: RetryPolicy,
    sleep: Callable[[float], None] = time.sleep,
):
    """GET with retries, decoded as JSON."""
    return decode_json(get_response(client, url, params, policy, sleep), url)


def format_since(bound: str, fmt: str) -> str:
    """The look-back bound (``'YYYY-MM-DD HH:MM:SS[.ffffff]'``, UTC) as the API wants it."""
    moment = datetime.fromisoformat(bound.replace("Z", "").replace(" ", "T"))
    if fmt == "iso_z":
        return moment.isoformat() + "Z"
    if fmt == "iso":
        return moment.isoformat()
    if fmt == "date":
        return moment.date().isoformat()
    if fmt == "epoch":
        return str(int(moment.replace(tzinfo=UTC).timestamp()))
    return moment.strftime(fmt)


def shown(url: str, params: Mapping[str, str], secret: set[str]) -> str:
    """The URL with its query, a query API key replaced by ***, for messages."""
    full = httpx.URL(url).copy_merge_params(dict(params))
    items = [(k, "***" if k in secret else v) for k, v in full.params.multi_items()]
    return unquote(str(full.copy_with(params=items)) if items else str(full))


def read_pages(
    settings: RestSettings,
    base_url: str,
    endpoint: str,
    updated_since: str | None = None,
    *,
    env: Mapping[str, str] | None = None,
    url_env: str | None = None,
    policy: RetryPolicy | None = None,
    sleep: Callable[[float], None] = time.sleep,
    max_pages: int | None = None,
) -> Iterator[Page]:
    """Every page of ``endpoint``, from ``updated_since`` (the look-back bound) if given.

    ``max_pages`` overrides the settings' limit (a sample reads one page). Reaching the
    limit with more to read is an error, never a quiet stop.
    """
    policy = policy or settings.retry or DEFAULT_POLICY
    creds: Credentials = credentials(settings.auth, os.environ if env is None else env)
    hints = Hints(url_env, tuple(settings.auth.env_names))
    url = base_url.rstrip("/") + "/" + endpoint.lstrip("/")
    params = dict(settings.params)
    if updated_since and settings.incremental:
        params[settings.incremental.param] = format_since(
            updated_since, settings.incremental.format
        )
    paginator = make_paginator(settings.paginator)
    request = paginator.first_request(url, params)
    limit = max_pages or settings.max_pages
    with httpx.Client(headers=creds.headers) as client:
        number = 0
        while request is not None:
            number += 1
            query = {**request.params, **creds.params}
            where = shown(request.url, query, creds.secret_params)
            resp = get_response(client, request.url, query, policy, sleep, where, hints)
            body = decode_json(resp, where)
            records = select_records(body, settings.records_path, where)
            links = {rel: link["url"] for rel, link in resp.links.items() if "url" in link}
            page = Page(number, request, where, body, records, links)
            yield page
            request = paginator.next_request(page)
            if request is not None and number >= limit:
                if max_pages is not None:
                    return  # a sample: the caller asked for the first pages only
                raise YecaiError(
                    f"{where}: read {number} pages (rest.max_pages) and the API still has "
                    "more; stopped, nothing landed",
                    "raise rest.max_pages for this source if the data really is that big, "
                    "or check the API's paging",
                )


def fetch_records(
    settings: RestSettings,
    base_url: str,
    endpoint: str,
    updated_since: str | None = None,
    on_page: Callable[[int], None] | None = None,
    **kwargs,
) -> Iterator[dict]:
    """Every record of every page (see ``read_pages``); ``on_page`` gets the running count."""
    seen = 0
    for page in read_pages(settings, base_url, endpoint, updated_since, **kwargs):
        yield from page.records
        seen += len(page.records)
        if on_page:
            on_page(seen)


def is_deleted(record: Mapping, settings: RestSettings) -> bool:
    """The source's soft-delete mark (a true ``deleted_field``)."""
    return bool(settings.deleted_field) and record.get(settings.deleted_field) is True


def to_text(value) -> str | None:
    """A JSON value as text for the extract table; nested values stay JSON."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def _snippet(text: str) -> str:
    """The start of a body, on one line, for a message."""
    flat = " ".join(text.split())
    return repr(flat[:80] + ("…" if len(flat) > 80 else ""))
