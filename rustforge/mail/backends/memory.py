"""``memory://``: messages kept in a list of this process (tests read it).

    from rustforge.mail.backends.memory import outbox
    assert outbox[-1].subject == "Welcome"

The ``mailoutbox`` pytest fixture switches ``EMAIL_URL`` to ``memory://`` and
hands out this list, emptied. Each entry is the ``EmailMessage`` that was
sent; ``entry.message()`` gives its MIME form.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Sequence

from rustforge.mail.backends.base import BaseBackend

# An empty list and a lock: nothing that a fork could share harmfully.
outbox: list = []
_lock = threading.Lock()


class MemoryBackend(BaseBackend):
    def send_messages(self, messages: Sequence) -> int:
        built = [message.message() for message in messages]
        with _lock:
            for message, mime in zip(messages, built):
                # A deep copy: changing the message after sending leaves the record as sent.
                kept = copy.deepcopy(message)
                kept.mime = mime  # what a server would have received
                outbox.append(kept)
        return len(messages)
