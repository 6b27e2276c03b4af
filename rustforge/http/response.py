"""The falcon ``Response`` types of RustForge's application.

``response_type(name)`` is falcon's ``Response``, or, with the name of the
request id header (``REQUEST_ID_HEADER``), a subclass that appends that
header as the last header of the response: exactly where the probes layer's
``start_response`` wrapper appends it for responses falcon does not make
(static files). The value is the request id of the request being served
(the context variable the probes layer sets for the logs).
"""

from __future__ import annotations

import json
import json.encoder
from typing import Any

import falcon
from falcon import media

from rustforge.logging import current_request_id


class Response(falcon.Response):
    __slots__ = ()
    id_header = "X-Request-ID"

    def _wsgi_headers(self, media_type: str | None = None) -> list[tuple[str, str]]:
        # PERF: falcon's own method (falcon 4), with the request id appended
        # last: the probes layer then calls falcon with the server's
        # start_response instead of a closure made per request (a function
        # object and one more Python frame: about 2.5k instructions).
        # tests/http/test_fixed_cost.py compares the lists with falcon's.
        headers = self._headers
        if media_type is not None and "content-type" not in headers:
            headers["content-type"] = media_type
        items = list(headers.items())
        if self._extra_headers:
            items += self._extra_headers
        if self._cookies is not None:
            items += [("set-cookie", c.OutputString()) for c in self._cookies.values()]
        rid = current_request_id()
        if rid is not None:
            items.append((self.id_header, rid))
        return items


def response_type(id_header: str | None) -> type[falcon.Response]:
    """The Response class of an application that sends ``id_header`` (None or "": none)."""
    if not id_header:
        return falcon.Response
    return type("Response", (Response,), {"__slots__": (), "id_header": id_header})


# What json.dumps(media, ensure_ascii=False) uses: falcon's default for JSON responses.
_ENCODER = json.JSONEncoder(ensure_ascii=False)
# The json module's C encoder (None without its C accelerator), as JSONEncoder uses them.
c_make_encoder: Any = getattr(json.encoder, "c_make_encoder", None)
encode_basestring = json.encoder.encode_basestring


def _serialize(media: Any, content_type: str | None = None) -> bytes:
    """``json.dumps(media, ensure_ascii=False).encode()``, the same text.

    PERF: json.dumps with an argument that is not the default builds a
    JSONEncoder per call (its keyword parsing), and the encoder's ``encode``
    and ``iterencode`` are two Python frames around the C encoder; these
    are the steps those take for one call (with the encoder kept instead of
    json.dumps, about 12k instructions fewer per JSON response). tests/http/test_fixed_cost.py compares the bytes and the
    errors with json.dumps.
    """
    if isinstance(media, str):
        return encode_basestring(media).encode()
    encoder = c_make_encoder({}, _ENCODER.default, encode_basestring, None, ": ", ", ",
                             False, False, True)
    return "".join(encoder(media, 0)).encode()


def json_handler() -> media.JSONHandler:
    """falcon's JSON handler for responses, through ``_serialize``."""
    handler = media.JSONHandler(dumps=_ENCODER.encode)
    if c_make_encoder is not None:  # the json module's C accelerator (CPython has it)
        handler.serialize = handler._serialize_sync = _serialize  # type: ignore[method-assign]
    return handler
