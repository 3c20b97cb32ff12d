"""REST sources (the CRM): cursor pagination, bounded retries, bearer token from the environment.

``GET <base><endpoint>?updated_since=&cursor=&limit=`` → ``{"data": [...], "next_cursor": ...}``.
Retries back off exponentially on 429 (honouring Retry-After), 5xx, timeouts and refused
connections, up to a fixed number of attempts; then the batch fails with the reason.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from email.utils import parsedate_to_datetime

import httpx

from ingestion.connectors import SourceUnavailable
from yecai.errors import YecaiError

PAGE_LIMIT = 500
DELETED_FIELD = "deleted"


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 5
    base_delay: float = 0.5
    max_delay: float = 30.0
    timeout: float = 30.0


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


def get_json(
    client: httpx.Client,
    url: str,
    params: dict,
    policy: RetryPolicy,
    sleep: Callable[[float], None] = time.sleep,
) -> dict:
    """GET with retries; JSON decoded with decimals kept exact (money is never a float)."""
    last_problem = ""
    unreachable = True  # every attempt failed before any HTTP answer
    for attempt in range(1, policy.max_attempts + 1):
        retry_after = None
        try:
            resp = client.get(url, params=params, timeout=policy.timeout)
        except (httpx.TimeoutException, httpx.TransportError) as exc:
            last_problem = f"{type(exc).__name__}: {exc}"
        else:
            unreachable = False
            if resp.status_code in (401, 403):
                raise YecaiError(
                    f"{url} refused the token (HTTP {resp.status_code})",
                    "set the token environment variable (YECAI_CRM_TOKEN for the demo CRM) "
                    "to a valid API token",
                )
            if resp.status_code == 200:
                try:
                    return json.loads(resp.text, parse_float=Decimal)
                except ValueError as exc:
                    raise YecaiError(
                        f"{url} answered HTTP 200 with a body that is not JSON: {exc}",
                        "check the endpoint in sources.yml points at the API",
                    ) from exc
            if not _retryable(resp.status_code):
                raise YecaiError(
                    f"{url} answered HTTP {resp.status_code}: {resp.text[:200]}",
                    "check the endpoint and parameters in sources.yml",
                )
            retry_after = resp.headers.get("Retry-After")
            last_problem = f"HTTP {resp.status_code}"
        if attempt < policy.max_attempts:
            sleep(backoff_delay(attempt, policy, retry_after))
    raise (SourceUnavailable if unreachable else YecaiError)(
        f"{url} still failing after {policy.max_attempts} attempts (last: {last_problem})",
        "check the API is up (`yecai demo crm-serve` for the demo) and YECAI_CRM_URL, "
        "then run again; nothing was landed",
    )


def fetch_records(
    base_url: str,
    endpoint: str,
    token: str | None,
    updated_since: str | None,
    policy: RetryPolicy | None = None,
    on_page: Callable[[int], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> Iterator[dict]:
    """Every record changed since ``updated_since``, following ``next_cursor`` to the end."""
    policy = policy or DEFAULT_POLICY
    url = base_url.rstrip("/") + "/" + endpoint.lstrip("/")
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    params: dict = {"limit": PAGE_LIMIT}
    if updated_since:
        params["updated_since"] = updated_since
    seen = 0
    with httpx.Client(headers=headers) as client:
        while True:
            body = get_json(client, url, params, policy, sleep)
            data = body.get("data")
            if not isinstance(data, list):
                raise YecaiError(
                    f"{url} answered without a 'data' list", "check the endpoint in sources.yml"
                )
            yield from data
            seen += len(data)
            if on_page:
                on_page(seen)
            cursor = body.get("next_cursor")
            if not cursor:
                return
            params = {**params, "cursor": cursor}


def to_text(value) -> str | None:
    """A JSON value as text for the extract table; nested values stay JSON."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)
