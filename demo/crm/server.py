"""The CRM's HTTP JSON API, a real server on the stdlib ``ThreadingHTTPServer``.

``GET /api/v1/{users|accounts|contacts|opportunities}?updated_since=&cursor=&limit=``
answers ``{"data": [...], "next_cursor": "..." | null}`` in ``(updated_at, id)`` order.
Bearer-token auth (401), a per-token rate limit (429 + Retry-After), soft-deleted
records served with ``"deleted": true``. ``GET /health`` needs no token.
"""

from __future__ import annotations

import hmac
import json
import os
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from demo.crm import store
from demo.crm.paging import (
    BadRequest,
    Position,
    decode_cursor,
    encode_cursor,
    parse_limit,
    parse_updated_since,
)
from demo.crm.ratelimit import SlidingWindowLimiter
from demo.errors import DemoError

TOKEN_ENV = "YECAI_CRM_TOKEN"
DEFAULT_TOKEN = "demo-token"
DEFAULT_PORT = 8765
DEFAULT_RATE_LIMIT = 20  # requests per second per token; a real SaaS CRM throttles too
API_PREFIX = "/api/v1/"


def default_token() -> str:
    return os.environ.get(TOKEN_ENV) or DEFAULT_TOKEN


@dataclass
class _ApiConfig:
    db_path: Path
    token: str
    limiter: SlidingWindowLimiter
    log: Callable[[str], None] | None


class _CrmHandler(BaseHTTPRequestHandler):
    server_version = "yecai-demo-crm/1.0"
    config: _ApiConfig  # set on the subclass made per server

    # --- routing ----------------------------------------------------------------------
    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        url = urlsplit(self.path)
        if url.path == "/health":
            self._send_json(HTTPStatus.OK, {"status": "ok"})
            return
        if not url.path.startswith(API_PREFIX):
            self._send_error(HTTPStatus.NOT_FOUND, f"no such path {url.path}")
            return
        entity = url.path[len(API_PREFIX) :].strip("/")
        if entity not in store.ENTITIES:
            self._send_error(
                HTTPStatus.NOT_FOUND,
                f"no such entity {entity!r}; use one of {', '.join(store.ENTITIES)}",
            )
            return
        if not self._authorised():
            self._send_error(
                HTTPStatus.UNAUTHORIZED,
                "missing or wrong bearer token; send 'Authorization: Bearer <token>'",
                headers={"WWW-Authenticate": 'Bearer realm="yecai-demo-crm"'},
            )
            return
        decision = self.config.limiter.check(self._bearer_token(), time.monotonic())
        if not decision.allowed:
            self._send_error(
                HTTPStatus.TOO_MANY_REQUESTS,
                "rate limit exceeded; wait Retry-After seconds and try again",
                headers={"Retry-After": decision.retry_after_header},
            )
            return
        try:
            body = self._list(entity, parse_qs(url.query))
        except BadRequest as exc:
            self._send_error(HTTPStatus.BAD_REQUEST, str(exc))
            return
        except (DemoError, sqlite3.Error) as exc:
            # The store was removed or is being regenerated under the running server.
            self._send_error(
                HTTPStatus.SERVICE_UNAVAILABLE,
                f"CRM store unavailable ({exc}); retry shortly",
                headers={"Retry-After": "1"},
            )
            return
        self._send_json(HTTPStatus.OK, body)

    def do_POST(self) -> None:  # noqa: N802
        self._send_error(HTTPStatus.METHOD_NOT_ALLOWED, "this API is read-only; use GET")

    do_PUT = do_PATCH = do_DELETE = do_POST  # noqa: N815

    # --- the one real operation -------------------------------------------------------
    def _list(self, entity: str, query: dict[str, list[str]]) -> dict[str, Any]:
        limit = parse_limit(_single(query, "limit"))
        since_raw = _single(query, "updated_since")
        updated_since = parse_updated_since(since_raw) if since_raw else None
        cursor_raw = _single(query, "cursor")
        after = decode_cursor(cursor_raw) if cursor_raw else None
        con = store.connect(self.config.db_path)
        try:
            records, more = store.fetch_page(
                con, entity, updated_since=updated_since, after=after, limit=limit
            )
        finally:
            con.close()
        next_cursor = None
        if more:
            last = records[-1]
            next_cursor = encode_cursor(Position(last["updated_at"], last["id"]))
        return {"data": [store.to_api_record(r) for r in records], "next_cursor": next_cursor}

    # --- helpers ----------------------------------------------------------------------
    def _bearer_token(self) -> str:
        header = self.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        return token.strip() if scheme.lower() == "bearer" else ""

    def _authorised(self) -> bool:
        given = self._bearer_token()
        return bool(given) and hmac.compare_digest(given.encode(), self.config.token.encode())

    def _send_error(
        self, status: HTTPStatus, message: str, headers: dict[str, str] | None = None
    ) -> None:
        self._send_json(status, {"error": status.phrase, "message": message}, headers)

    def _send_json(
        self, status: HTTPStatus, body: dict[str, Any], headers: dict[str, str] | None = None
    ) -> None:
        payload = json.dumps(body, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (stdlib signature)
        if self.config.log is not None:
            self.config.log(f"{self.address_string()} {format % args}")


def _single(query: dict[str, list[str]], name: str) -> str | None:
    values = query.get(name)
    if not values:
        return None
    if len(values) > 1:
        raise BadRequest(f"{name} was given {len(values)} times; give it once")
    return values[0]


def build_server(
    db_path: Path,
    host: str = "127.0.0.1",
    port: int = 0,
    token: str | None = None,
    max_requests_per_second: int = DEFAULT_RATE_LIMIT,
    rate_window_seconds: float = 1.0,
    log: Callable[[str], None] | None = None,
) -> ThreadingHTTPServer:
    """A bound (not yet serving) server. ``max_requests_per_second <= 0`` disables the limit."""
    db_path = Path(db_path)
    store.connect(db_path).close()  # fail now, with a clear message, if the store is missing
    token = token or default_token()
    config = _ApiConfig(
        db_path=db_path,
        token=token,
        limiter=SlidingWindowLimiter(max_requests_per_second, rate_window_seconds),
        log=log,
    )
    handler = type("BoundCrmHandler", (_CrmHandler,), {"config": config})
    try:
        server = ThreadingHTTPServer((host, port), handler)
    except OSError as exc:
        raise DemoError(
            f"cannot listen on {host}:{port}: {exc.strerror or exc}",
            "pick another --port (or stop whatever already uses it)",
        ) from exc
    server.daemon_threads = True
    return server


def _url_of(server: ThreadingHTTPServer) -> str:
    host, port = server.server_address[:2]
    return f"http://{host}:{port}"


@dataclass
class RunningServer:
    """A CRM server serving in a background thread (for tests and the demo runner)."""

    url: str
    token: str
    _server: ThreadingHTTPServer
    _thread: threading.Thread

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> RunningServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_crm_server(
    db_path: Path,
    host: str = "127.0.0.1",
    port: int = 0,
    token: str | None = None,
    max_requests_per_second: int = DEFAULT_RATE_LIMIT,
    rate_window_seconds: float = 1.0,
) -> RunningServer:
    """Start serving in a daemon thread; ``port=0`` picks a free port (see ``.url``)."""
    server = build_server(db_path, host, port, token, max_requests_per_second, rate_window_seconds)
    thread = threading.Thread(target=server.serve_forever, name="yecai-demo-crm", daemon=True)
    thread.start()
    return RunningServer(
        url=_url_of(server),
        token=server.RequestHandlerClass.config.token,
        _server=server,
        _thread=thread,
    )


def serve(
    db_path: Path,
    host: str = "127.0.0.1",
    port: int = DEFAULT_PORT,
    token: str | None = None,
    max_requests_per_second: int = DEFAULT_RATE_LIMIT,
    on_ready: Callable[[str], None] | None = None,
    log: Callable[[str], None] | None = None,
) -> None:
    """Serve until interrupted (Ctrl-C). ``on_ready`` gets the URL once listening."""
    server = build_server(db_path, host, port, token, max_requests_per_second, log=log)
    if on_ready is not None:
        on_ready(_url_of(server))
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
