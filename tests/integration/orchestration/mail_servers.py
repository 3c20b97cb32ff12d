"""Real local servers for alert tests: an SMTP server (aiosmtpd) with or without TLS and
AUTH, on a self-signed certificate made for the test, and a webhook that keeps what it got.

Imported as ``tests.integration.orchestration.mail_servers``.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.orchestration.demo_helpers import free_port


def make_certificate(folder: Path, name: str = "localhost") -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 / localhost: (cert.pem, key.pem)."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder.mkdir(parents=True, exist_ok=True)
    cert_path, key_path = folder / f"{name}-cert.pem", folder / f"{name}-key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@dataclass
class Mailbox:
    port: int
    messages: list[dict] = field(default_factory=list)
    logins: list[tuple[str, str]] = field(default_factory=list)
    tls_seen: list[bool] = field(default_factory=list)


class _Handler:
    def __init__(self, box: Mailbox) -> None:
        self.box = box

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's naming)
        # STARTTLS sets session.ssl; on an SMTPS socket the transport itself is TLS
        transport_tls = server.transport.get_extra_info("ssl_object") is not None
        self.box.tls_seen.append(session.ssl is not None or transport_tls)
        self.box.messages.append(
            {"from": envelope.mail_from, "to": list(envelope.rcpt_tos), "data": envelope.content}
        )
        return "250 queued"


@contextmanager
def smtp_server(
    mode: str,
    cert: Path | None = None,
    key: Path | None = None,
    user: str = "alerts",
    password: str = "s3cret-pass",
) -> Iterator[Mailbox]:
    """A real SMTP server on a free port until the block ends.

    ``mode``: ``plain`` (no TLS, no AUTH offered), ``starttls`` (STARTTLS required, then AUTH
    required) or ``implicit`` (TLS from the first byte, AUTH required).
    """
    box = Mailbox(free_port())

    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and (
            auth_data.login.decode(),
            auth_data.password.decode(),
        ) == (user, password)
        if ok:
            box.logins.append((auth_data.login.decode(), mechanism))
        return AuthResult(success=ok)

    kwargs: dict = {}
    if mode != "plain":
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(str(cert), str(key))
        kwargs.update(authenticator=authenticate, auth_required=True)
        if mode == "starttls":
            kwargs.update(tls_context=context, require_starttls=True)
        else:
            # aiosmtpd only knows TLS it started itself (STARTTLS): on an SMTPS socket the
            # transport is TLS from the first byte, so AUTH needs no further TLS requirement
            kwargs.update(ssl_context=context, server_hostname="localhost", auth_require_tls=False)
    controller = Controller(_Handler(box), hostname="127.0.0.1", port=box.port, **kwargs)
    controller.start()
    try:
        yield box
    finally:
        controller.stop()


class _WebhookHandler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.posts.append({"path": self.path, "body": json.loads(body)})
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


@contextmanager
def webhook_server() -> Iterator[HTTPServer]:
    """An HTTP server that keeps every POSTed JSON body in ``server.posts``."""
    server = HTTPServer(("127.0.0.1", 0), _WebhookHandler)
    server.posts = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
