"""Real SMTP servers (aiosmtpd) started in the test process, and a test CA.

Imported by the conftest files of tests/mail and tests/contrib/mail.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import ipaddress
import socket
import ssl
import threading
from pathlib import Path

import pytest

aiosmtpd_controller = pytest.importorskip("aiosmtpd.controller",
                                          reason="aiosmtpd is needed for the SMTP tests")
from aiosmtpd.smtp import AuthResult


class Recorder:
    """An aiosmtpd handler that keeps what it receives.

    ``replies`` holds canned replies for the next DATA commands (e.g.
    "451 4.3.0 try later"); each is used once, then mail is accepted again.
    """

    def __init__(self) -> None:
        self.received: list = []
        self.replies: list[str] = []
        self.data_attempts = 0
        self.sessions: set[int] = set()
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.data_attempts += 1
            self.sessions.add(id(session))
            if self.replies:
                return self.replies.pop(0)
            self.received.append(envelope)
        return "250 2.0.0 OK"

    def messages(self) -> list[email.message.EmailMessage]:
        return [email.message_from_bytes(env.original_content or env.content,
                                         policy=email.policy.default)
                for env in self.received]


class SMTPServer:
    def __init__(self, controller, recorder: Recorder, port: int, cafile: str | None = None):
        self.controller = controller
        self.recorder = recorder
        self.host = "127.0.0.1"
        self.port = port
        self.cafile = cafile

    def url(self, scheme: str = "smtp", query: str = "", userinfo: str = "") -> str:
        return f"{scheme}://{userinfo}{self.host}:{self.port}" + (f"?{query}" if query else "")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_factory():
    """Start aiosmtpd servers with the given options; all stopped after the test."""
    started = []

    def start(**kwargs) -> SMTPServer:
        recorder = Recorder()
        port = _free_port()
        cafile = kwargs.pop("cafile", None)
        controller = aiosmtpd_controller.Controller(recorder, hostname="127.0.0.1", port=port,
                                                    ready_timeout=5, **kwargs)
        controller.start()
        started.append(controller)
        return SMTPServer(controller, recorder, port, cafile)

    yield start
    for controller in started:
        controller.stop()


@pytest.fixture
def smtp_server(smtp_factory) -> SMTPServer:
    """A plain SMTP server on a free loopback port."""
    return smtp_factory()


# TLS ------------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def test_ca(tmp_path_factory) -> dict[str, Path]:
    """A throwaway CA and a server certificate for 127.0.0.1/localhost it signed."""
    crypto = pytest.importorskip("cryptography", reason="the cryptography package makes "
                                 "the test CA for the TLS tests; install it (dev extra)")
    del crypto
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    folder = tmp_path_factory.mktemp("tls")
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "RustForge test CA")])
    ca_cert = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
               .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(now - dt.timedelta(minutes=5))
               .not_valid_after(now + dt.timedelta(days=1))
               .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
               .add_extension(x509.KeyUsage(True, False, False, False, False, True, True,
                                            False, False), critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()),
                              critical=False)
               .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
            .issuer_name(ca_name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([
                x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]),
                           critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    paths = {"ca": folder / "ca.pem", "cert": folder / "server.pem", "key": folder / "server.key"}
    paths["ca"].write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    paths["cert"].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths["key"].write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                               serialization.PrivateFormat.PKCS8,
                                               serialization.NoEncryption()))
    return paths


@pytest.fixture
def server_tls_context(test_ca) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(test_ca["cert"], test_ca["key"])
    return context


def accept_ada(server, session, envelope, mechanism, auth_data):
    ok = (getattr(auth_data, "login", None) == b"ada"
          and getattr(auth_data, "password", None) == b"p@ss:w/rd")
    return AuthResult(success=ok, handled=False)


@pytest.fixture
def silent_server():
    """A TCP port that accepts connections and never says a word."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    yield sock.getsockname()[1]
    sock.close()


@pytest.fixture
def refused_port() -> int:
    """A port nothing listens on (connections are refused)."""
    return _free_port()
