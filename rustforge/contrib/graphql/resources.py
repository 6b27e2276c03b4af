"""The ``/graphql`` endpoint (and, with DEBUG on, the explorer page).

POST ``application/json`` with ``query``, ``variables`` and ``operationName``;
GET with the same as query parameters (``variables`` as JSON) runs queries
only. Cookie-authenticated POSTs pass the CSRF middleware like any other
unsafe request; a bearer token's scopes are read from ``req.context.scopes``.
"""

from __future__ import annotations

import json
from typing import Any

import falcon

from rustforge.conf import settings
from rustforge.contrib.graphql.context import Context
from rustforge.contrib.graphql.registry import get_schema
from rustforge.forms.http import read_request

# GET ?variables= that is not JSON (told apart from "no variables").
_BAD = object()


class GraphQLEndpoint:
    # NOTE(memory): the schema is built, and graphql-core imported, by the first
    # request that needs it (about 5 MB a worker never pays without GraphQL
    # traffic); ``manage.py check`` builds it too, so a broken one fails there
    # (graphql.E003).

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        params = req.params
        if "query" not in params and settings.DEBUG and _wants_page(req):
            from rustforge.http import render

            render(req, resp, "graphql/explorer.html", {"endpoint": req.path})
            return
        variables: Any = params.get("variables")
        if isinstance(variables, str) and variables:
            try:
                variables = json.loads(variables)
            except (ValueError, RecursionError):
                variables = _BAD
        self.answer(req, resp, params.get("query"), variables or None,
                    params.get("operationName") or None)

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        ctype = (req.content_type or "").split(";")[0].strip().lower()
        if ctype != falcon.MEDIA_JSON:
            raise falcon.HTTPUnsupportedMediaType(
                title="Unsupported media type",
                description="POST the GraphQL request as application/json.")
        body, _html = read_request(req)
        if not isinstance(body, dict):
            self.reply(resp, 400, {"errors": [{"message": "The body must be a JSON object.",
                                               "extensions": {"code": "BAD_REQUEST"}}]})
            return
        self.answer(req, resp, body.get("query"), body.get("variables"),
                    body.get("operationName"), method="POST")

    def answer(self, req: falcon.Request, resp: falcon.Response, query: Any, variables: Any,
               operation_name: Any, method: str = "GET") -> None:
        if variables is _BAD:
            self.reply(resp, 400, {"errors": [{"message": "`variables` is not valid JSON.",
                                               "extensions": {"code": "BAD_REQUEST"}}]})
            return
        from rustforge.contrib.graphql.execution import run

        outcome = run(get_schema(), query, variables, operation_name, Context.from_request(req),
                      method=method, debug=settings.DEBUG)
        if outcome.allow:
            resp.set_header("Allow", outcome.allow)
        self.reply(resp, outcome.status, outcome.body)

    def reply(self, resp: falcon.Response, status: int, body: dict) -> None:
        resp.status = status
        resp.content_type = falcon.MEDIA_JSON
        resp.text = json.dumps(body, default=str, separators=(",", ":"))
        resp.set_header("Cache-Control", "no-store")


def _wants_page(req: falcon.Request) -> bool:
    accept = req.accept or ""
    return "text/html" in accept
