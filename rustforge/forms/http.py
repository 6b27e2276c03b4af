"""Forms in falcon responders: reading the body, answering 422.

    class Orders:
        def on_post(self, req, resp):
            data = OrderForm.from_request(req).validate()   # 422 + envelope if invalid
            ...

The 422 body is the one envelope every layer uses::

    {"title": "Validation failed", "description": "The submitted data is invalid.",
     "errors": {"items[0].quantity": ["Ensure this value is at least 1."]}}
"""

from __future__ import annotations

from typing import Any

import falcon

from rustforge.forms.errors import ErrorDict, ValidationFailed
from rustforge.forms.fields import UploadedFile
from rustforge.http.multipart import form_parts


# (type: ignore: falcon declares status/description as properties, ValidationFailed as values)
class HTTPValidationFailed(ValidationFailed, falcon.HTTPUnprocessableEntity):  # type: ignore[misc]
    """``ValidationFailed`` that falcon renders as 422 with the envelope."""

    def __init__(self, errors: ErrorDict, description: str | None = None) -> None:
        ValidationFailed.__init__(self, errors, description)
        falcon.HTTPUnprocessableEntity.__init__(self, title=self.title,
                                                description=self.description)

    def to_dict(self, obj_type: type = dict) -> dict:
        body = obj_type()
        body.update(self.envelope())
        return body


def validation_error(errors: ErrorDict, description: str | None = None) -> HTTPValidationFailed:
    """The 422 HTTP error for an error mapping (raise it from a responder)."""
    return HTTPValidationFailed(errors, description)


def _unsupported(ctype: str) -> falcon.HTTPUnsupportedMediaType:
    return falcon.HTTPUnsupportedMediaType(
        title="Unsupported media type",
        description=(f"Send application/json, application/x-www-form-urlencoded or "
                     f"multipart/form-data, not {ctype or 'no content type'}."))


def read_request(req: falcon.Request) -> tuple[Any, bool]:
    """The body as ``(data, html)``; ``html`` is True for form encodings.

    An empty body is an empty form (so required fields are reported, not a
    parse error); a body of another media type is a 415.
    """
    ctype = (req.content_type or "").split(";")[0].strip().lower()
    length = req.content_length  # PERF: falcon parses the header on every read
    if not ctype:
        if not length:
            return {}, False
        raise _unsupported(ctype)
    if not length:
        # PERF/NOTE: falcon's multipart reader asserts a length; an empty body
        # of any form type is simply an empty form.
        if ctype in (falcon.MEDIA_JSON, falcon.MEDIA_URLENCODED, falcon.MEDIA_MULTIPART) \
                or ctype.endswith("+json"):
            return {}, ctype != falcon.MEDIA_JSON and not ctype.endswith("+json")
        raise _unsupported(ctype)
    if ctype == falcon.MEDIA_JSON or ctype.endswith("+json"):
        return req.get_media(default_when_empty={}), False
    if ctype == falcon.MEDIA_URLENCODED:
        return req.get_media(default_when_empty={}), True
    if ctype == falcon.MEDIA_MULTIPART:
        return _read_multipart(req), True
    raise _unsupported(ctype)


def _read_multipart(req: falcon.Request) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for part in form_parts(req):  # read once, shared with the CSRF check
        name = part.name
        if not name:
            continue
        if part.filename is not None:
            payload = part.get_data()
            if not part.filename and not payload:  # an empty file input in a browser form
                continue
            value: Any = UploadedFile(part.secure_filename if part.filename else "upload",
                                      part.content_type or "application/octet-stream",
                                      payload)
        else:
            try:
                value = part.get_data().decode("utf-8")
            except UnicodeDecodeError:
                raise falcon.HTTPBadRequest(
                    title="Malformed form field",
                    description=f"Field {name!r} is not valid UTF-8.") from None
        if name in data:
            previous = data[name]
            data[name] = [*previous, value] if isinstance(previous, list) else [previous, value]
        else:
            data[name] = value
    return data


class HTTPConflictFailed(ValidationFailed, falcon.HTTPConflict):  # type: ignore[misc]
    """409 with the same envelope: the input clashes with an existing row
    (a unique value already taken)."""

    title = "Conflict"

    def __init__(self, errors: ErrorDict, description: str | None = None) -> None:
        ValidationFailed.__init__(self, errors,
                                  description or "The data conflicts with an existing row.")
        falcon.HTTPConflict.__init__(self, title=self.title, description=self.description)

    def to_dict(self, obj_type: type = dict) -> dict:
        body = obj_type()
        body.update(self.envelope())
        return body
