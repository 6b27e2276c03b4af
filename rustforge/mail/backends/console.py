"""``console://`` (the embedded default): print each whole message.

Goes to standard output, or standard error with ``console://?stream=stderr``.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Sequence
from typing import Any

from rustforge.mail.backends.base import BaseBackend

_SEPARATOR = "-" * 79


class ConsoleBackend(BaseBackend):
    def __init__(self, stream: Any = None, **options: Any) -> None:
        super().__init__(**options)
        self._stream = stream
        self._lock = threading.Lock()

    @property
    def stream(self) -> Any:
        # Looked up at send time, so pytest's capture and redirect_stdout work.
        if self._stream in (None, "stdout"):
            return sys.stdout
        if self._stream == "stderr":
            return sys.stderr
        return self._stream

    def send_messages(self, messages: Sequence) -> int:
        built = [message.message() for message in messages]
        with self._lock:
            stream = self.stream
            for mime in built:
                stream.write(mime.as_bytes().decode("ascii", "replace").replace("\r\n", "\n"))
                stream.write(f"\n{_SEPARATOR}\n")
            stream.flush()
        return len(messages)
