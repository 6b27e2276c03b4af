"""``file:///var/mail/outbox``: one ``.eml`` file per message.

A relative path (``file://var/outbox`` or ``file:var/outbox``) is taken from
``BASE_DIR``. The folder is made on first send. Files are named so that
sorting by name is sorting by time, and written under a temporary name first,
so a reader (the development preview) never sees half a message.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rustforge.mail.backends.base import BaseBackend
from rustforge.mail.errors import MailConfigurationError


class FileBackend(BaseBackend):
    def __init__(self, path: str | os.PathLike | None = None, **options: Any) -> None:
        super().__init__(**options)
        if not path:
            raise MailConfigurationError("file:// mail backend needs a folder, "
                                         "e.g. EMAIL_URL=file:///var/mail/outbox")
        directory = Path(path)
        if not directory.is_absolute():
            from rustforge.conf import settings

            directory = Path(settings.BASE_DIR or os.getcwd()) / directory
        self.directory = directory

    def send_messages(self, messages: Sequence) -> int:
        built = [message.message() for message in messages]
        self.directory.mkdir(parents=True, exist_ok=True)
        for mime in built:
            stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S-%f")
            name = f"{stamp}-{secrets.token_hex(4)}.eml"
            partial = self.directory / f".{name}.part"
            partial.write_bytes(mime.as_bytes())
            os.replace(partial, self.directory / name)
        return len(messages)

    def message_files(self, limit: int | None = None) -> list[Path]:
        """The stored messages, newest first."""
        if not self.directory.is_dir():
            return []
        files = sorted((p for p in self.directory.glob("*.eml") if p.is_file()), reverse=True)
        return files[:limit] if limit else files
