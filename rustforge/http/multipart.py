"""A multipart body read once per request and shared by whoever needs its parts.

falcon hands a ``multipart/form-data`` body out as a stream of parts that can
be read only once. The CSRF check (which needs one text field) and the form
layer (which needs every part) both call :func:`form_parts`: the first call
reads every part (falcon's ``BodyPart`` objects, their data read and kept)
and keeps the list on ``req.context``; later calls get the same list, and so
does ``req.get_media()`` from then on, so a responder that iterates it as
falcon's stream of parts still sees every part. The body is capped by
``MAX_BODY_SIZE`` and the part count by ``MAX_FORM_FIELDS`` (the handler
configured in :mod:`rustforge.http.limits`), so holding it is bounded.

A malformed body raises the same 400 on every call.
"""

from __future__ import annotations

from typing import Any

import falcon

__all__ = ["form_field", "form_parts"]

_ATTR = "rustforge_multipart_parts"


def form_parts(req: falcon.Request) -> list[Any]:
    """Every part of the request's multipart body, read on the first call."""
    found: list[Any] | falcon.HTTPError | None = getattr(req.context, _ATTR, None)
    if found is None:
        try:
            found = []
            for part in req.get_media():
                part.get_data()  # read now: the stream moves on to the next part
                found.append(part)
        except falcon.HTTPError as exc:  # MediaMalformedError and the part limits
            found = exc
        else:
            # falcon keeps the parsed media here; its stream of parts is spent.
            req._media = found
        setattr(req.context, _ATTR, found)
    if isinstance(found, falcon.HTTPError):
        raise found
    return found


def form_field(req: falcon.Request, name: str) -> Any:
    """The text field ``name`` of the multipart body, or None (absent, a
    file, undecodable, or a malformed body: the responder reports that)."""
    try:
        parts = form_parts(req)
        for part in parts:
            if part.name == name and part.filename is None:
                return part.get_text()
    except falcon.HTTPError:
        return None
    return None
