"""Responders of the API description: the JSON document and a readable page.

Both serve one description, built once per process (the routes do not change
while it runs) by the ``api.openapi`` service, and dropped with it when a
setting it reads changes. With ``DEBUG`` on it is rebuilt on every request, so
a developer sees an edited resource at once.
"""

from __future__ import annotations

import json
from typing import Any

import falcon

from rustforge.conf import settings
from rustforge.http import render
from rustforge.resources.openapi import build_openapi
from rustforge.services import services


class Description:
    """The OpenAPI document, its JSON body and the operations the page lists."""

    def __init__(self) -> None:
        self.document = build_openapi()
        self.body = json.dumps(self.document, indent=2).encode()
        self.operations = _operations(self.document)


services.register("api.openapi", Description,
                  settings={"API_TITLE", "API_VERSION", "ROOT_ROUTES", "URL_PREFIXES",
                            "INSTALLED_APPS"})


def description() -> Description:
    return Description() if settings.DEBUG else services.get("api.openapi")


class OpenAPIDocument:
    """``GET /api/openapi.json``."""

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.content_type = "application/json"
        resp.data = description().body


class OpenAPIPage:
    """``GET /api/docs``: every operation, its parameters and bodies, as HTML
    rendered on the server (no JavaScript or CDN needed)."""

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        found = description()
        render(req, resp, "api/docs.html",
               {"document": found.document, "operations": found.operations})


def _operations(document: dict) -> list[dict[str, Any]]:
    operations = []
    for path, item in document["paths"].items():
        for method, op in item.items():
            if method == "parameters":
                continue
            body = op.get("requestBody", {}).get("content", {}).get("application/json")
            schema = None
            if body:
                shown = body["schema"]
                if "$ref" in shown:
                    shown = document["components"]["schemas"][shown["$ref"].rsplit("/", 1)[1]]
                schema = json.dumps(shown, indent=2)
            operations.append({"method": method.upper(), "path": path,
                               "summary": op.get("summary", op.get("operationId", "")),
                               "parameters": op.get("parameters", []),
                               "body": schema, "responses": op["responses"]})
    return operations
