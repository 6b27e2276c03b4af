"""The falcon ``Response`` type of RustForge's application.

It adds the request id header (``REQUEST_ID_HEADER``) as the last header of
the response, exactly where the probes layer's ``start_response`` wrapper
appends it for responses falcon does not make (static files, probes).
"""

from __future__ import annotations

import falcon


class Response(falcon.Response):
    __slots__ = ()
    # (name, value) of the request id header; set by CoreMiddleware when the
    # probes layer asks falcon to send it (the environ key below).
    _id_header: tuple[str, str] | None = None

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
        if self._id_header is not None:
            items.append(self._id_header)
        return items


# The environ key through which the probes layer hands falcon the request id
# header to send: (name, value). Absent when the probes layer adds it itself.
ID_HEADER_ENV = "rustforge.request_id_header"
