"""Responders of the API description: the JSON document and a readable page."""

from __future__ import annotations

import json

import falcon

from rustforge.http import render
from rustforge.resources.openapi import build_openapi


class OpenAPIDocument:
    """``GET /api/openapi.json``: built once per process (routes do not change)."""

    def __init__(self) -> None:
        self._body: bytes | None = None

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        if self._body is None:
            self._body = json.dumps(build_openapi(), indent=2).encode()
        resp.content_type = "application/json"
        resp.data = self._body


class OpenAPIPage:
    """``GET /api/docs``: every operation, its parameters and bodies, as HTML
    rendered on the server (no JavaScript or CDN needed)."""

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        document = build_openapi()
        operations = []
        for path, item in document["paths"].items():
            for method, op in item.items():
                if method == "parameters":
                    continue
                body = op.get("requestBody", {}).get("content", {}).get("application/json")
                schema = None
                if body:
                    ref = body["schema"]["$ref"].rsplit("/", 1)[1]
                    schema = json.dumps(document["components"]["schemas"][ref], indent=2)
                operations.append({"method": method.upper(), "path": path,
                                   "summary": op.get("summary", op.get("operationId", "")),
                                   "parameters": op.get("parameters", []),
                                   "body": schema, "responses": op["responses"]})
        render(req, resp, "api/docs.html", {"document": document, "operations": operations})
