"""Reading the ``.eml`` files of the file backend for the preview pages.

No web framework here: the responders in ``resources`` call these.

    >>> outbox = Outbox.from_settings()
    >>> [m.subject for m in outbox.recent(10)]
    ['Welcome', ...]
"""

from __future__ import annotations

import base64
import email
import email.policy
import re
from dataclasses import dataclass
from pathlib import Path

from rustforge.mail.backends import get_connection
from rustforge.mail.backends.file import FileBackend

# What the file backend writes, and nothing that could climb out of the folder.
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,200}\.eml$")
_CID_URL = re.compile(r"""cid:([^"'\s)>]+)""", re.IGNORECASE)


@dataclass(frozen=True)
class Attachment:
    index: int
    filename: str
    mimetype: str
    size: int


class StoredMessage:
    """One ``.eml`` file, parsed."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.name = path.name
        self.size = path.stat().st_size
        with path.open("rb") as handle:
            self.mime = email.message_from_binary_file(handle, policy=email.policy.default)

    def header(self, name: str) -> str:
        value = self.mime.get(name)
        return str(value) if value is not None else ""

    @property
    def subject(self) -> str:
        return self.header("Subject")

    def headers(self) -> list[tuple[str, str]]:
        return [(name, str(value)) for name, value in self.mime.items()]

    def text(self) -> str | None:
        part = self.mime.get_body(("plain",))
        return part.get_content().replace("\r\n", "\n") if part is not None else None

    def html(self) -> str | None:
        """The HTML body with every ``cid:`` reference turned into a data: URL."""
        part = self.mime.get_body(("html",))
        if part is None:
            return None
        images = self.inline_parts()

        def inline(match: re.Match) -> str:
            found = images.get(match.group(1))
            if found is None:
                return match.group(0)
            payload = base64.b64encode(found.get_content()).decode("ascii")
            return f"data:{found.get_content_type()};base64,{payload}"

        return _CID_URL.sub(inline, part.get_content())

    def inline_parts(self) -> dict[str, email.message.EmailMessage]:
        parts = {}
        for part in self.mime.walk():
            cid = part.get("Content-ID")
            if cid and not part.is_multipart():
                parts[str(cid).strip().strip("<>")] = part
        return parts

    def attachments(self) -> list[Attachment]:
        found = []
        for index, part in enumerate(self.mime.iter_attachments()):
            content = part.get_content()
            size = len(content.encode("utf-8") if isinstance(content, str) else content)
            found.append(Attachment(index, part.get_filename() or f"attachment-{index}",
                                    part.get_content_type(), size))
        return found

    def attachment(self, index: int) -> tuple[Attachment, bytes] | None:
        for position, part in enumerate(self.mime.iter_attachments()):
            if position == index:
                content = part.get_content()
                data = content.encode("utf-8") if isinstance(content, str) else content
                return (Attachment(index, part.get_filename() or f"attachment-{index}",
                                   part.get_content_type(), len(data)), data)
        return None


class Outbox:
    """The folder the file backend writes to."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    @classmethod
    def from_settings(cls) -> Outbox | None:
        """The outbox of ``EMAIL_URL``, or ``None`` when it is not a file:// URL."""
        backend = get_connection()
        if not isinstance(backend, FileBackend):
            return None
        return cls(backend.directory)

    def recent(self, limit: int = 100) -> list[StoredMessage]:
        if not self.directory.is_dir():
            return []
        files = sorted((p for p in self.directory.glob("*.eml")
                        if p.is_file() and _NAME.match(p.name)), reverse=True)
        return [StoredMessage(p) for p in files[:limit]]

    def get(self, name: str) -> StoredMessage | None:
        if not _NAME.match(name):
            return None
        path = self.directory / name
        if not path.is_file():
            return None
        return StoredMessage(path)
