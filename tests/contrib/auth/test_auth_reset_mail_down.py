"""Password reset with the mail server down: the same answer for known and
unknown addresses (no account enumeration), and the operator hears of it."""

import logging
import socket

import pytest

from rustforge.events.signals import password_reset_mail_failed


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
