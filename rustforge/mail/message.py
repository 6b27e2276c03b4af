"""E-mail messages: text, an HTML alternative, attachments and inline images.

    from rustforge.mail import EmailMessage

    msg = EmailMessage(
        subject="Your invoice",
        body="Hello Ada, your invoice is attached.",
        to=["Ada Lovelace <ada@example.com>"],
        cc=[("Zoë", "zoe@bücher.example")],
        reply_to=["billing@example.com"],
        headers={"X-Campaign": "invoices"},
    )
    logo = msg.embed("static/logo.png")           # -> "cid:logo.1f2e...@rustforge"
    msg.html = f'<img src="{logo}"><p>Hello <b>Ada</b></p>'
    msg.attach_file("invoices/2026-11.pdf")
    msg.attach("Prüfbericht.csv", "a,b\\n1,2\\n", "text/csv")
    msg.send()

The MIME tree is what mail clients expect::

    multipart/mixed                      (only with attachments)
      multipart/alternative              (only with an HTML body)
        text/plain
        multipart/related                (only with inline images)
          text/html
          image/png  Content-ID, Content-Disposition: inline
      application/pdf  Content-Disposition: attachment; filename*=utf-8''...

Every header value is checked for control characters and every address is
validated when the message is built, which ``send()`` does before anything
goes to a server.
"""

from __future__ import annotations

import email.message
import email.policy
import email.utils
import mimetypes
import re
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rustforge.mail.delivery import send_messages
from rustforge.mail.errors import BadHeaderError
from rustforge.mail.headers import (
    AddressLike,
    check_header_name,
    check_header_value,
    is_pair,
    parse_address,
    parse_addresses,
)

# 7bit transfer encoding for bodies: quoted-printable or base64 for anything
# non-ASCII, so no relay has to support 8BITMIME. CRLF line endings as SMTP wants.
POLICY = email.policy.SMTP.clone(cte_type="7bit")
DEFAULT_MIMETYPE = "application/octet-stream"
_CID_SAFE = re.compile(r"[^A-Za-z0-9_.-]+")
# RFC 5322 atext plus "." and "@": what a msg-id (and so a Content-ID) may hold.
_CID = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.@-]{1,200}$")
# Headers set from the constructor arguments; ``headers=`` may replace them.
_ADDRESS_HEADERS = ("From", "To", "Cc", "Reply-To")


@dataclass(frozen=True)
class Attachment:
    """One attached file: shown as a download by mail clients."""

    filename: str
    content: bytes | str
    mimetype: str


@dataclass(frozen=True)
class InlineImage:
    """An image referenced from the HTML body as ``cid:<cid>``."""

    cid: str
    content: bytes
    mimetype: str
    filename: str


class EmailMessage:
    """A message ready to send; see the module docstring for an example.

    ``to``, ``cc``, ``bcc`` and ``reply_to`` take lists of addresses (a single
    string counts as one address); ``from_email`` defaults to
    ``DEFAULT_FROM_EMAIL``. ``html`` adds an HTML alternative to the text
    ``body``. Bcc recipients get the message but appear in no header.
    """

    def __init__(self, subject: str = "", body: str = "", from_email: AddressLike | None = None,
                 to: Iterable[AddressLike] | AddressLike | None = None,
                 cc: Iterable[AddressLike] | AddressLike | None = None,
                 bcc: Iterable[AddressLike] | AddressLike | None = None,
                 reply_to: Iterable[AddressLike] | AddressLike | None = None,
                 headers: Mapping[str, str] | None = None,
                 attachments: Iterable[Attachment | tuple] | None = None,
                 html: str | None = None, connection: Any = None) -> None:
        if from_email is None:
            from rustforge.conf import settings

            from_email = settings.DEFAULT_FROM_EMAIL
        self.subject = subject
        self.body = body
        self.html = html
        self.from_email = from_email
        self.to = _as_list(to)
        self.cc = _as_list(cc)
        self.bcc = _as_list(bcc)
        self.reply_to = _as_list(reply_to)
        self.extra_headers: dict[str, str] = dict(headers or {})
        self.attachments: list[Attachment] = []
        self.inline_images: list[InlineImage] = []
        self.connection = connection
        for item in attachments or ():
            if isinstance(item, Attachment):
                self.attachments.append(item)
            else:
                self.attach(*item)
        # Fail at construction on bad input, not at some later send.
        self.validate()

    def __repr__(self) -> str:
        return f"<EmailMessage {self.subject!r} to={self.to!r}>"

    # Pickled for queued sending: a connection holds a socket and stays behind.
    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state["connection"] = None
        return state

    # Content -----------------------------------------------------------------------
    def attach(self, filename: str, content: bytes | str,
               mimetype: str | None = None) -> Attachment:
        """Attach ``content`` under ``filename``; the type is guessed from the name.

        ``str`` content is sent as UTF-8 text; bytes as they are.
        """
        if not filename:
            raise BadHeaderError("an attachment needs a file name")
        check_header_value("attachment filename", filename)
        mimetype = mimetype or mimetypes.guess_type(filename)[0] or DEFAULT_MIMETYPE
        _check_mimetype(mimetype)
        if isinstance(content, str) and not mimetype.startswith("text/"):
            content = content.encode("utf-8")
        attachment = Attachment(filename, content, mimetype)
        self.attachments.append(attachment)
        return attachment

    def attach_file(self, path: str | Path, mimetype: str | None = None,
                    filename: str | None = None) -> Attachment:
        """Attach the file at ``path`` (read now, so a queued message carries it)."""
        path = Path(path)
        return self.attach(filename or path.name, path.read_bytes(),
                           mimetype or mimetypes.guess_type(path.name)[0])

    def attach_alternative(self, content: str, mimetype: str) -> None:
        """Django-style spelling of ``message.html = content``."""
        if mimetype != "text/html":
            raise ValueError(f"only a text/html alternative is supported, not {mimetype!r}")
        self.html = content

    def embed(self, image: bytes | str | Path, filename: str | None = None, *,
              mimetype: str | None = None, cid: str | None = None) -> str:
        """Add an inline image; return the ``cid:`` URL to use in the HTML.

            logo = msg.embed("static/logo.png")
            msg.html = f'<img src="{logo}" alt="Logo">'

        ``image`` is a path or the bytes of the image (then give ``filename``
        or ``mimetype``). ``cid`` fixes the Content-ID (a unique one is made
        otherwise).
        """
        if isinstance(image, (str, Path)):
            path = Path(image)
            content = path.read_bytes()
            filename = filename or path.name
        else:
            content = bytes(image)
        filename = filename or "image"
        check_header_value("inline image filename", filename)
        mimetype = mimetype or mimetypes.guess_type(filename)[0]
        if not mimetype or not mimetype.startswith("image/"):
            raise ValueError(f"inline image {filename!r}: give an image mimetype "
                             f"(guessed {mimetype!r})")
        if cid is None:
            stem = _CID_SAFE.sub("-", Path(filename).stem)[:40] or "image"
            cid = f"{stem}.{secrets.token_hex(6)}@rustforge"
        cid = cid.strip("<>")
        if not _CID.match(cid):
            raise BadHeaderError(f"invalid Content-ID {cid!r}: use letters, digits and "
                                 f"!#$%&'*+/=?^_`{{|}}~.@- only")
        if any(img.cid == cid for img in self.inline_images):
            raise ValueError(f"inline image Content-ID {cid!r} is used twice")
        self.inline_images.append(InlineImage(cid, content, mimetype, filename))
        return f"cid:{cid}"

    # Envelope ------------------------------------------------------------------------
    def recipients(self) -> list[str]:
        """Every envelope recipient (to, cc and bcc), ASCII, without duplicates."""
        seen: dict[str, None] = {}
        for field, values in (("to", self.to), ("cc", self.cc), ("bcc", self.bcc)):
            for address in parse_addresses(values, field=field):
                seen.setdefault(address.addr_spec, None)
        return list(seen)

    def envelope_sender(self) -> str:
        return parse_address(self.from_email, field="from_email").addr_spec

    def validate(self) -> None:
        """Raise ``BadHeaderError``/``InvalidAddress`` on any bad header or address."""
        self._headers()

    def freeze(self) -> None:
        """Fix Date and Message-ID, so that a retried send is the same message."""
        headers = {name.lower() for name in self.extra_headers}
        if "message-id" not in headers:
            self.extra_headers["Message-ID"] = self._make_msgid()
        if "date" not in headers:
            self.extra_headers["Date"] = email.utils.formatdate(usegmt=True)

    # Building ------------------------------------------------------------------------
    def _make_msgid(self) -> str:
        # The sender's domain, not socket.getfqdn(): no DNS lookup per message.
        domain = parse_address(self.from_email, field="from_email").domain
        return email.utils.make_msgid(domain=domain.strip("[]") or "localhost")

    def _headers(self) -> list[tuple[str, Any]]:
        check_header_value("Subject", self.subject)
        headers: list[tuple[str, Any]] = [
            ("Subject", self.subject),
            ("From", parse_address(self.from_email, field="from_email")),
        ]
        for name, values in (("To", self.to), ("Cc", self.cc), ("Reply-To", self.reply_to)):
            parsed = parse_addresses(values, field=name.lower().replace("-", "_"))
            if parsed:
                headers.append((name, parsed))
        parse_addresses(self.bcc, field="bcc")
        extra = {}
        for name, value in self.extra_headers.items():
            check_header_name(name)
            if name.lower() in ("bcc", "content-type", "content-transfer-encoding",
                                "mime-version"):
                raise BadHeaderError(f"header {name!r} is set by the message itself; "
                                     f"use the matching argument instead")
            extra[name.lower()] = (name, check_header_value(name, str(value)))
        headers = [(n, v) for n, v in headers if n.lower() not in extra]
        headers.extend(extra.values())
        return headers

    def message(self) -> email.message.EmailMessage:
        """The MIME message (headers validated, Date and Message-ID filled in)."""
        headers = self._headers()
        if self.inline_images and self.html is None:
            raise ValueError("inline images need an HTML body (message.html)")
        msg = email.message.EmailMessage(policy=POLICY)
        for name, value in headers:
            msg[name] = value
        names = {name.lower() for name, _ in headers}
        if "date" not in names:
            msg["Date"] = email.utils.formatdate(usegmt=True)
        if "message-id" not in names:
            msg["Message-ID"] = self._make_msgid()
        msg.set_content(self.body or (html_text(self.html) if self.html else ""))
        if self.html is not None:
            msg.add_alternative(self.html, subtype="html")
            if self.inline_images:
                html_part: email.message.EmailMessage = msg.get_payload()[-1]  # type: ignore[index, assignment]
                for image in self.inline_images:
                    maintype, _, subtype = image.mimetype.partition("/")
                    html_part.add_related(image.content, maintype, subtype,
                                          cid=f"<{image.cid}>", disposition="inline",
                                          filename=image.filename)
                # RFC 2387: the root part's type is a parameter of the related part.
                html_part.set_param("type", "text/html")
        for attachment in self.attachments:
            _add_attachment(msg, attachment)
        for part in msg.walk():
            if part is not msg:
                del part["MIME-Version"]
        return msg

    def as_bytes(self) -> bytes:
        return self.message().as_bytes()

    # Sending -------------------------------------------------------------------------
    def send(self, fail_silently: bool = False, *, queue: bool | None = None,
             connection: Any = None) -> int:
        """Send now (or through a background job with ``queue=True``).

        Returns the number of messages sent or queued (0 or 1). Bad headers
        raise ``BadHeaderError`` before anything is sent; ``fail_silently``
        only hides delivery failures.
        """
        return send_messages([self], fail_silently=fail_silently, queue=queue,
                             connection=connection or self.connection)

    # Templates -----------------------------------------------------------------------
    @classmethod
    def from_template(cls, template: str, context: Mapping[str, Any] | None = None, *,
                      req: Any = None, images: Mapping[str, Any] | None = None,
                      **kwargs: Any) -> EmailMessage:
        """Render ``<template>.subject.txt``, ``.txt`` and ``.html`` (each optional,
        one body required) with the project's Jinja2 environment.

            msg = EmailMessage.from_template(
                "accounts/email/welcome", {"user": user}, to=[user.email],
                images={"logo": "static/logo.png"})   # {{ images.logo }} in the HTML

        ``req`` runs the ``TEMPLATE_CONTEXT_PROCESSORS`` like a page would.
        Without a text template the text body is derived from the HTML.
        """
        from rustforge.mail.rendering import render_templates

        msg = cls(**kwargs)
        cids = {name: msg.embed(image) if not isinstance(image, tuple) else msg.embed(*image)
                for name, image in (images or {}).items()}
        ctx = {**(context or {}), "images": cids}
        subject, text, html = render_templates(template, ctx, req)
        if subject is not None:
            msg.subject = subject
        msg.body = text if text is not None else html_text(html or "")
        msg.html = html
        msg.validate()
        return msg


class EmailMultiAlternatives(EmailMessage):
    """Django's name for a message with an HTML alternative; same as ``EmailMessage``."""


def html_text(html: str) -> str:
    from rustforge.mail.rendering import html_to_text

    return html_to_text(html)


def _as_list(value: Any) -> list:
    if value is None:
        return []
    if isinstance(value, str) or is_pair(value):
        return [value]  # one address, not a list of characters or of two strings
    return list(value)


def _check_mimetype(mimetype: str) -> None:
    maintype, _, subtype = mimetype.partition("/")
    if not maintype or not subtype or _CONTROL_OR_SPACE.search(mimetype):
        raise ValueError(f"invalid mimetype {mimetype!r}")


_CONTROL_OR_SPACE = re.compile(r"[\x00-\x20\x7f;]")


def _add_attachment(msg: email.message.EmailMessage, attachment: Attachment) -> None:
    maintype, _, subtype = attachment.mimetype.partition("/")
    content = attachment.content
    if isinstance(content, str):
        msg.add_attachment(content, subtype=subtype, filename=attachment.filename)
    else:
        # Bytes travel byte for byte (base64), whatever their type.
        msg.add_attachment(content, maintype, subtype, filename=attachment.filename)
