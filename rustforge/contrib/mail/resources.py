"""The development preview pages (only with ``DEBUG`` on; 404 otherwise)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import falcon

from rustforge.conf import settings
from rustforge.http import render

if TYPE_CHECKING:
    from rustforge.contrib.mail.preview import Outbox, StoredMessage

# The message HTML is shown in a sandboxed srcdoc iframe: no scripts, no forms,
# no access to this origin. The page itself runs no script either.
_CSP = ("default-src 'none'; img-src data: https: http:; style-src 'unsafe-inline'; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
LIST_LIMIT = 100


def _outbox() -> Outbox | None:
    if not settings.DEBUG:
        # The pages do not exist in production, rather than being forbidden.
        raise falcon.HTTPNotFound()
    # NOTE(memory): the preview (and the mail backends and parsers it reads
    # with) is loaded by the first page shown, never in production.
    from rustforge.contrib.mail.preview import Outbox

    return Outbox.from_settings()


def _message(name: str) -> StoredMessage:
    outbox = _outbox()
    found = outbox.get(name) if outbox else None
    if found is None:
        raise falcon.HTTPNotFound(description=f"no stored message named {name!r}")
    return found


class MessageList:
    def on_get(self, req: Any, resp: Any) -> None:
        outbox = _outbox()
        messages = outbox.recent(LIST_LIMIT) if outbox else []
        resp.set_header("Content-Security-Policy", _CSP)
        resp.set_header("Cache-Control", "no-store")
        render(req, resp, "mail/preview_list.html", {
            "outbox": outbox, "messages": messages, "email_url": settings.EMAIL_URL,
            "limit": LIST_LIMIT})


class MessageDetail:
    def on_get(self, req: Any, resp: Any, filename: str) -> None:
        message = _message(filename)
        resp.set_header("Content-Security-Policy", _CSP)
        resp.set_header("Cache-Control", "no-store")
        render(req, resp, "mail/preview_detail.html", {
            "message": message, "html": message.html(), "text": message.text(),
            "attachments": message.attachments(), "headers": message.headers()})

    def on_get_raw(self, req: Any, resp: Any, filename: str) -> None:
        message = _message(filename)
        resp.content_type = "message/rfc822"
        resp.downloadable_as = message.name
        resp.data = message.path.read_bytes()

    def on_get_attachment(self, req: Any, resp: Any, filename: str, index: int) -> None:
        found = _message(filename).attachment(index)
        if found is None:
            raise falcon.HTTPNotFound(description=f"message {filename!r} has no attachment {index}")
        attachment, data = found
        resp.content_type = attachment.mimetype
        # Always a download: an attached HTML file must not run on this origin.
        resp.downloadable_as = attachment.filename
        resp.set_header("Content-Security-Policy", "default-src 'none'; sandbox")
        resp.data = data
