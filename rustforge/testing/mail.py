"""The ``mailoutbox`` fixture: every message the test sends, kept in memory.

    def test_welcome_mail(client, mailoutbox):
        client.post("/accounts/signup", data={...})
        assert len(mailoutbox) == 1
        msg = mailoutbox[0]
        assert msg.to == ["ada@example.com"]
        assert "Welcome" in msg.subject
        assert msg.mime["Subject"] == "Welcome"   # the MIME form a server would get

``EMAIL_URL`` is ``memory://`` for the test; the outbox starts empty.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture
def mailoutbox(settings) -> Iterator[list]:
    from rustforge.mail.backends.memory import outbox

    settings.EMAIL_URL = "memory://"
    settings.EMAIL_QUEUE = False
    outbox.clear()
    yield outbox
    outbox.clear()
