"""A small but real HTTP API for the REST connector's tests: every paging style, every auth,
and the faulty behaviours real APIs have.

It serves one entity, ``invoices``, from a store the test can change between reads, in
``(updated_at, id)`` order, filtered by ``changed_since`` (ISO 8601). One server checks one
kind of credentials (bearer, API key header, basic, or none). Paths:

| path | answer |
|---|---|
| ``/cursor/invoices?after=&limit=`` | ``{"result": {"items": [...]}, "paging": {"next": "<cursor>" or null}}`` |
| ``/next_link/invoices?start=&per_page=`` | ``{"items": [...], "links": {"next": "<relative URL>" or null}}`` |
| ``/offset/invoices?offset=&limit=`` | ``{"records": [...], "total": N}`` |
| ``/page/invoices?page=&per_page=`` | ``{"data": {"rows": [...]}, "meta": {"total_pages": K}}`` (pages from 1) |
| ``/link_header/invoices?page=&per_page=`` | a JSON array; ``Link: <…>; rel="next"`` until the last page |
| ``/fault/<kind>/invoices`` | the cursor style, broken as ``kind`` says (``FAULTS``) |

Used by the tests only; it stands in for no part of yecai.
"""

from __future__ import annotations

import base64
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

FAULTS = (
    "missing_cursor",  # page 2 has no paging.next at all, though records remain
    "repeated_cursor",  # every page gives the same cursor
    "repeated_link",  # next_link style whose next link is always the same URL
    "endless",  # a new cursor on every page, for ever
    "ignored_offset",  # offset style that ignores offset: the first page again and again
    "array_body",  # a JSON array where the object was expected
    "no_records_path",  # an object without result.items
    "html",  # a login page with HTTP 200
    "invalid_json",  # JSON cut off half-way
)


@dataclass
class Auth:
    kind: str = "none"  # none | bearer | api_key | api_key_query | basic
    secret: str = ""  # token, key, or "user:password"
    name: str = "X-Api-Key"  # the API key's header (or query parameter) name

    def allows(self, headers, query: dict[str, str]) -> bool:
        if self.kind == "none":
            return True
        if self.kind == "bearer":
            return headers.get("Authorization", "") == f"Bearer {self.secret}"
        if self.kind == "api_key":
            return headers.get(self.name, "") == self.secret
        if self.kind == "api_key_query":
            return query.get(self.name, "") == self.secret
        pair = base64.b64encode(self.secret.encode()).decode()
        return headers.get("Authorization", "") == f"Basic {pair}"


@dataclass
class LocalApi:
    """The running server, its store and what it was asked."""

    url: str
    store: dict[str, dict]
    auth: Auth
    requests: list[str] = field(default_factory=list)
    throttle_first: bool = False  # answer the very first request 429 + Retry-After: 1
    _server: ThreadingHTTPServer | None = None

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def records(self, since: str | None) -> list[dict]:
        def changed(r: dict) -> str:  # snake_case or camelCase records
            return r.get("updated_at") or r.get("updatedAt") or ""

        rows = sorted(self.store.values(), key=lambda r: (changed(r), r["id"]))
        return [r for r in rows if since is None or changed(r) >= _norm(since)]


def _norm(moment: str) -> str:
    """Store timestamps are 'YYYY-MM-DDTHH:MM:SS.ffffffZ'; accept the ISO forms clients send."""
    text = moment.replace(" ", "T").removesuffix("Z")
    if "." not in text:
        text += ".000000"
    return text + "Z"


def start_api(store: dict[str, dict], auth: Auth | None = None, throttle_first=False) -> LocalApi:
    api = LocalApi(url="", store=store, auth=auth or Auth(), throttle_first=throttle_first)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's naming)
            api.requests.append(self.path)
            if api.throttle_first and len(api.requests) == 1:
                return self._send(429, {"error": "slow down"}, {"Retry-After": "1"})
            parts = urlsplit(self.path)
            segments = parts.path.strip("/").split("/")
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            if not api.auth.allows(self.headers, query):
                return self._send(401, {"error": "unauthorized"})
            query.pop(api.auth.name, None)  # a key in the query is not a paging parameter
            if segments[-1] != "invoices":
                return self._send(404, {"error": "no such path"})
            style = segments[0]
            fault = segments[1] if style == "fault" else None
            rows = api.records(query.get("changed_since"))
            handler = getattr(self, f"_{fault or style}", None)
            if handler is None:
                return self._send(404, {"error": "no such style"})
            handler(rows, query, parts.path)

        # --- the paging styles -------------------------------------------------------
        def _cursor(self, rows, q, path):
            start = int(q.get("after", "0") or 0)
            limit = int(q.get("limit", "5"))
            page = rows[start : start + limit]
            more = start + limit < len(rows)
            nxt = str(start + limit) if more else None
            self._send(200, {"result": {"items": page}, "paging": {"next": nxt}})

        def _next_link(self, rows, q, path, same=False):
            start = int(q.get("start", "0"))
            size = int(q.get("per_page", "5"))
            page = rows[start : start + size]
            nxt = None
            if start + size < len(rows):
                keep = {k: v for k, v in q.items() if k != "start"}
                nxt = f"{path}?" + urlencode({**keep, "start": 0 if same else start + size})
            self._send(200, {"items": page, "links": {"next": nxt}})

        def _offset(self, rows, q, path, ignore=False):
            offset = 0 if ignore else int(q.get("offset", "0"))
            limit = int(q.get("limit", "5"))
            self._send(200, {"records": rows[offset : offset + limit], "total": len(rows)})

        def _page(self, rows, q, path):
            number = int(q.get("page", "1"))
            size = int(q.get("per_page", "5"))
            pages = max(1, -(-len(rows) // size))
            page = rows[(number - 1) * size : number * size]
            self._send(200, {"data": {"rows": page}, "meta": {"total_pages": pages}})

        def _link_header(self, rows, q, path):
            number = int(q.get("page", "1"))
            size = int(q.get("per_page", "5"))
            page = rows[(number - 1) * size : number * size]
            headers = {}
            if number * size < len(rows):
                host, port = self.server.server_address[:2]
                nxt = urlencode({**q, "page": number + 1})
                headers["Link"] = (
                    f'<http://{host}:{port}{path}?{nxt}>; rel="next", '
                    f'<http://{host}:{port}{path}?page=1>; rel="first"'
                )
            self._send(200, page, headers)

        # --- the faults ----------------------------------------------------------------
        def _missing_cursor(self, rows, q, path):
            if q.get("after"):
                start = int(q["after"])
                self._send(200, {"result": {"items": rows[start : start + 5]}, "paging": {}})
                return
            self._cursor(rows, q, path)

        def _repeated_cursor(self, rows, q, path):
            self._send(200, {"result": {"items": rows[:5]}, "paging": {"next": "same"}})

        def _repeated_link(self, rows, q, path):
            self._next_link(rows, q, path, same=True)

        def _endless(self, rows, q, path):
            n = len(api.requests)
            self._send(200, {"result": {"items": rows[:1]}, "paging": {"next": f"c{n}"}})

        def _ignored_offset(self, rows, q, path):
            self._offset(rows, q, path, ignore=True)

        def _array_body(self, rows, q, path):
            self._send(200, rows[:5])

        def _no_records_path(self, rows, q, path):
            self._send(200, {"results": rows[:5], "paging": {"next": None}})

        def _html(self, rows, q, path):
            self._raw(200, "text/html", "<html><body><h1>Please sign in</h1></body></html>")

        def _invalid_json(self, rows, q, path):
            self._raw(200, "application/json", '{"result": {"items": [{"id": "INV-1", "amou')

        # --- plumbing --------------------------------------------------------------------
        def _send(self, status, body, headers=None):
            self._raw(status, "application/json", json.dumps(body), headers)

        def _raw(self, status, content_type, text, headers=None):
            payload = text.encode()
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    api._server = server
    api.url = f"http://127.0.0.1:{server.server_address[1]}"
    return api
