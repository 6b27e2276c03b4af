"""Password reset with the mail server down: the same answer for known and
unknown addresses (no account enumeration), and the operator hears of it."""

import logging
import socket
import sys
from pathlib import Path

import pytest

from rustforge.events.signals import password_reset_mail_failed

MAIL_TESTS = Path(__file__).resolve().parents[2] / "mail"
if str(MAIL_TESTS) not in sys.path:
    sys.path.insert(0, str(MAIL_TESTS))

from mailtest_servers import smtp_factory, smtp_server  # noqa: F401 - fixtures


def closed_port():
    """A local port nobody listens on (a mail server that is down)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def mail_down(settings):
    settings.EMAIL_URL = f"smtp://127.0.0.1:{closed_port()}"
    settings.EMAIL_TIMEOUT = 2
    return settings


def ask(client, email, **kwargs):
    if "csrftoken" not in client.cookies:
        client.get("/accounts/login")
    return client.post("/accounts/password/reset",
                       data={"csrf_token": client.cookies["csrftoken"], "email": email},
                       **kwargs)


@pytest.mark.parametrize("accept", [None, "application/json"])
def test_known_and_unknown_addresses_get_the_same_answer(client, make_user, mail_down,
                                                         caplog, accept):
    ada = make_user("ada")
    failures = []

    def receiver(sender, req, user, exception, **kwargs):
        failures.append((user.id, type(exception).__name__))

    password_reset_mail_failed.connect(receiver)
    try:
        headers = {"Accept": accept} if accept else {}
        with caplog.at_level(logging.ERROR, logger="rustforge.auth"):
            known = ask(client, "ada@example.com", headers=headers)
            unknown = ask(client, "nobody@example.com", headers=headers)
    finally:
        password_reset_mail_failed.disconnect(receiver)
    assert known.status_code == unknown.status_code == 303, known.text
    assert known.headers["location"] == unknown.headers["location"]
    assert known.text == unknown.text
    assert failures == [(ada.id, "MailDeliveryError")]
    logged = [r.getMessage() for r in caplog.records if r.name == "rustforge.auth"]
    assert any(f"user {ada.id} could not be sent" in m for m in logged), logged
    assert all("ada@example.com" not in m for m in logged)  # no address in the log


@pytest.mark.parametrize("reply", [None, "550 5.7.1 Relaying denied", "451 4.3.0 Try later"])
def test_a_real_smtp_server_accepting_or_refusing(client, make_user, settings,
                                                  smtp_server, reply):  # noqa: F811
    """aiosmtpd on a local port: delivered, refused for good, or for now."""
    settings.EMAIL_URL = smtp_server.url()
    settings.EMAIL_RETRY_INTERVALS = []
    make_user("ada")
    if reply:
        smtp_server.recorder.replies = [reply] * 5
    known = ask(client, "ada@example.com")
    unknown = ask(client, "nobody@example.com")
    assert known.status_code == unknown.status_code == 303
    assert known.headers["location"] == unknown.headers["location"]
    assert known.text == unknown.text
    delivered = smtp_server.recorder.messages()
    if reply is None:
        assert [m["To"] for m in delivered] == ["ada@example.com"]
    else:
        assert delivered == []
        assert smtp_server.recorder.data_attempts >= 1  # the server was really asked
