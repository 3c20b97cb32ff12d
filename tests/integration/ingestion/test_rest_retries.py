"""Retries against a real local HTTP server that throttles and fails before it answers."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from ingestion.connectors.rest import RetryPolicy, fetch_records, get_json
from ingestion.connectors.rest_settings import rest_settings
from yecai.errors import YecaiError

pytestmark = pytest.mark.integration


def serve(script: list[tuple[int, dict, dict]]):
    """A server answering each request with the next (status, headers, body) of ``script``."""
    seen: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            seen.append(self.path)
            status, headers, body = script[min(len(seen), len(script)) - 1]
            payload = (body if isinstance(body, str) else json.dumps(body)).encode()
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}", seen


def test_429_honours_retry_after_and_5xx_backs_off_exponentially():
    page = '{"data": [{"id": "A", "amount": 12.30}], "next_cursor": null}'
    server, url, seen = serve(
        [(429, {"Retry-After": "2"}, {}), (503, {}, {}), (500, {}, {}), (200, {}, page)]
    )
    sleeps: list[float] = []
    try:
        with httpx.Client() as client:
            body = get_json(client, url + "/x", {}, RetryPolicy(base_delay=0.5), sleeps.append)
    finally:
        server.shutdown()
    assert sleeps == [2.0, 1.0, 2.0]  # Retry-After, then 0.5·2¹, 0.5·2²
    assert len(seen) == 4
    assert str(body["data"][0]["amount"]) == "12.30"  # decimal text kept, not a float


def test_gives_up_after_max_attempts_with_the_last_problem():
    server, url, seen = serve([(502, {}, {})])
    try:
        with httpx.Client() as client, pytest.raises(YecaiError) as exc:
            get_json(client, url + "/x", {}, RetryPolicy(max_attempts=4), lambda s: None)
    finally:
        server.shutdown()
    assert len(seen) == 4
    assert "after 4 attempts" in exc.value.what and "HTTP 502" in exc.value.what


def test_pagination_follows_next_cursor_to_the_end():
    pages = [
        (200, {}, {"data": [{"id": "1"}, {"id": "2"}], "next_cursor": "c1"}),
        (200, {}, {"data": [{"id": "3"}], "next_cursor": None}),
    ]
    server, url, seen = serve(pages)
    try:
        settings = rest_settings(
            {
                "auth": {"type": "bearer", "token_env": "T"},
                "records_path": "data",
                "paginator": {
                    "type": "cursor",
                    "cursor_path": "next_cursor",
                    "cursor_param": "cursor",
                },
                "incremental": {"param": "updated_since"},
            },
            where="test",
        )
        records = list(
            fetch_records(settings, url, "/api/v1/x", "2025-01-01 00:00:00", env={"T": "tok"})
        )
    finally:
        server.shutdown()
    assert [r["id"] for r in records] == ["1", "2", "3"]
    assert "cursor=c1" in seen[1] and "updated_since=2025-01-01" in seen[0]
