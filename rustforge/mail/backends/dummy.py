"""``dummy://``: accepts every message and delivers none."""

from __future__ import annotations

from collections.abc import Sequence

from rustforge.mail.backends.base import BaseBackend


class DummyBackend(BaseBackend):
    def send_messages(self, messages: Sequence) -> int:
        for message in messages:
            message.message()  # still refuse what no real backend would send
        return len(messages)
