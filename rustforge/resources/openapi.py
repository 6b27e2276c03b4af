"""An OpenAPI 3.1 description of the project's resources.

    from rustforge.resources.openapi import build_openapi
    document = build_openapi()          # a dict, ready for json.dumps

Every route whose responder has an ``openapi(path, suffix)`` method
(``ModelResource`` does) is described; ``rustforge.contrib.api`` serves the
result at ``/openapi.json`` with a documentation page. Responses document
every status the endpoint can answer, with the error envelope's schema, so a
schema-driven fuzzer can check them.

An app that authenticates API requests describes how with
``register_security_scheme(name, scheme)`` at ``ready()`` (the OAuth app
registers its OAuth2 flows); operations of a resource with
``required_scopes`` then list those scopes under that scheme.
"""

from __future__ import annotations

import re
from typing import Any

from rustforge.http.routing import project_routes

_PARAM = re.compile(r"{([A-Za-z_][A-Za-z0-9_]*)(?::[^}]*)?}")

# name -> OpenAPI security scheme object, filled by apps at ready().
_security_schemes: dict[str, Any] = {}
# Which kind of access (ModelResource.required_scopes keys) each operation needs.
_READ_OPERATIONS = {"list", "retrieve"}


def register_security_scheme(name: str, scheme: Any) -> None:
    """Describe an authentication scheme: ``scheme`` is an OpenAPI Security
    Scheme Object, or a callable returning one (built when the document is,
    so it can read settings and routes)."""
    _security_schemes[name] = scheme


def unregister_security_scheme(name: str) -> None:
    _security_schemes.pop(name, None)


def _security_components() -> dict:
    return {name: scheme() if callable(scheme) else scheme
            for name, scheme in _security_schemes.items()}


def _add_scopes(resource: Any, item: dict) -> None:
    """Each operation of ``item`` lists the scopes ``resource`` requires of a token."""
    required = getattr(resource, "required_scopes", None)
    if not required or not _security_schemes:
        return
    for operation in item.values():
        if not isinstance(operation, dict) or "operationId" not in operation:
            continue
        action = operation["operationId"].rpartition(".")[2]
        scopes = required.get("read" if action in _READ_OPERATIONS else "write")
        if scopes:
            # {} too: a request authenticated by a session cookie has no scopes to check.
            operation["security"] = [{name: list(scopes)} for name in _security_schemes]
            operation["security"].append({})

ERROR = {"type": "object", "properties": {
    "title": {"type": "string"}, "description": {"type": "string"},
    "code": {}, "link": {}}, "required": ["title"]}
ENVELOPE = {"type": "object", "properties": {
    "title": {"type": "string"}, "description": {"type": "string"},
    "errors": {"type": "object", "additionalProperties": {
        "type": "array", "items": {"type": "string"}}}},
    "required": ["title", "errors"]}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*codes: int) -> dict:
    text = {400: "Invalid query parameters or malformed body", 401: "Authentication required",
            403: "Permission denied", 404: "Not found", 405: "Method not allowed",
            409: "Conflicts with an existing row", 412: "The row changed since it was read",
            413: "Body too large", 415: "Unsupported media type", 422: "Validation failed",
            428: "If-Match is required"}
    out = {}
    for code in codes:
        schema = _ref("ValidationErrors") if code in (409, 422) else _ref("Error")
        out[str(code)] = _json(schema, text[code])
    return out


def _query_params(resource: Any, listing: bool) -> list[dict]:
    names = resource.output_names()
    params = [
        {"name": "fields", "in": "query", "required": False,
         "description": f"Comma-separated subset of: {', '.join(names)}.",
         "schema": {"type": "string"}},
    ]
    if resource.nested_fields:
        params.append({"name": "include", "in": "query", "required": False,
                       "description": "Comma-separated related resources: "
                                      f"{', '.join(resource.nested_fields)}.",
                       "schema": {"type": "string"}})
    if not listing:
        return params
    from rustforge.conf import settings

    for name in sorted(resource.list_params()):
        params.append({"name": name, "in": "query", "required": False,
                       "description": "1: include soft-deleted rows" if name == "with_deleted"
                       else "1: soft-deleted rows only",
                       "schema": {"type": "string", "enum": ["0", "1", "true", "false"]}})

    max_size = resource.max_page_size or settings.API_MAX_PAGE_SIZE
    params.append({"name": "limit", "in": "query", "required": False,
                   "schema": {"type": "integer", "minimum": 1, "maximum": max_size}})
    if resource.pagination == "offset":
        params.append({"name": "offset", "in": "query", "required": False,
                       "schema": {"type": "integer", "minimum": 0, "maximum": 10**9}})
    else:
        params.append({"name": "cursor", "in": "query", "required": False,
                       "description": "The meta.next_cursor of the previous page.",
                       "schema": {"type": "string"}})
    if resource.ordering_fields:
        choices = [p + n for n in resource.ordering_fields for p in ("", "-")]
        params.append({"name": "order", "in": "query", "required": False,
                       "description": f"Comma-separated, from: {', '.join(choices)}.",
                       "schema": {"type": "string"}})
    for name, lookups in resource._filters.items():
        base = resource._cleaners[name].json_schema()
        base.pop("readOnly", None)
        base.pop("default", None)
        for lookup in lookups:
            key = name if lookup == "exact" else f"{name}__{lookup}"
            schema = {"type": "string"} if lookup in ("in", "contains", "icontains",
                                                      "startswith") else dict(base)
            if lookup == "isnull":
                schema = {"type": "boolean"}
            params.append({"name": key, "in": "query", "required": False, "schema": schema})
    return params


_ETAG = {"ETag": {"description": "The row's version, for If-None-Match and If-Match",
                  "schema": {"type": "string"}}}


def _with_etag(response: dict) -> dict:
    return {**response, "headers": _ETAG}


def _conditional(header: str, required: bool = False) -> dict:
    return {"name": header, "in": "header", "required": required,
            "description": "The ETag of the row as read" if header == "If-Match"
            else "ETags the client holds", "schema": {"type": "string"}}


def _extra_paths(resource: Any, suffix: str, name: str, tag: str) -> dict | None:
    """Restore and bulk paths (opt-in actions)."""
    actions = set(resource.actions)
    item: dict[str, Any] = {}
    if suffix == "restore":
        item["post"] = {"operationId": f"{name}.restore", "tags": [tag],
                        "summary": f"Restore a soft-deleted {tag}",
                        "parameters": [*_query_params(resource, False),
                                       _conditional("If-Match", resource.require_if_match)],
                        "responses": {"200": _with_etag(_json(_ref(name), "Restored")),
                                      **_errors(400, 401, 403, 404, 409, 412, 428)}}
        item["parameters"] = [{"name": "pk", "in": "path", "required": True,
                               "schema": {"type": "string"}, "description": f"Key of the {tag}."}]
        return item
    if suffix != "bulk":
        return None
    many = {"type": "array", "items": _ref(f"{name}Input")}
    patches = {"type": "array", "items": _ref(f"{name}Patch")}
    page = {"type": "object", "required": ["data"],
            "properties": {"data": {"type": "array", "items": _ref(name)}}}
    if "bulk_create" in actions:
        item["post"] = {"operationId": f"{name}.bulk_create", "tags": [tag],
                        "summary": f"Create several {tag} rows (all or nothing)",
                        "requestBody": {"required": True, "content": {
                            "application/json": {"schema": many}}},
                        "responses": {"201": _json(page, "Created"),
                                      **_errors(400, 401, 403, 409, 413, 415, 422)}}
    if "bulk_update" in actions:
        item["patch"] = {"operationId": f"{name}.bulk_update", "tags": [tag],
                         "summary": f"Update several {tag} rows, each naming its key",
                         "requestBody": {"required": True, "content": {
                             "application/json": {"schema": patches}}},
                         "responses": {"200": _json(page, "Updated"),
                                       **_errors(400, 401, 403, 409, 413, 415, 422)}}
    if "bulk_destroy" in actions:
        ids = {"type": "object", "required": ["ids"],
               "properties": {"ids": {"type": "array", "items": {}}}}
        item["delete"] = {"operationId": f"{name}.bulk_destroy", "tags": [tag],
                          "summary": f"Delete several {tag} rows",
                          "requestBody": {"required": True, "content": {
                              "application/json": {"schema": ids}}},
                          "responses": {"204": {"description": "Deleted"},
                                        **_errors(400, 401, 403, 409, 413, 415, 422)}}
    return item or None


def describe_model_resource(resource: Any, path: str, suffix: str | None) -> dict | None:
    """The path item of one of a ModelResource's two routes."""
    name = type(resource).__name__
    tag = resource.model.__name__
    actions = set(resource.actions)
    bodies = {"application/json": {"schema": _ref(f"{name}Input")},
              "application/x-www-form-urlencoded": {"schema": _ref(f"{name}Input")}}
    patch_bodies = {"application/json": {"schema": _ref(f"{name}Patch")},
                    "application/x-www-form-urlencoded": {"schema": _ref(f"{name}Patch")}}
    item: dict[str, Any] = {}
    if suffix in ("restore", "bulk"):
        return _extra_paths(resource, suffix, name, tag)
    if suffix == "collection":
        if "list" in actions:
            page = {"type": "object", "required": ["data", "meta", "links"], "properties": {
                "data": {"type": "array", "items": _ref(name)},
                "meta": {"type": "object"}, "links": {"type": "object"}}}
            item["get"] = {"operationId": f"{name}.list", "tags": [tag],
                           "summary": f"List {tag} rows",
                           "parameters": _query_params(resource, True),
                           "responses": {"200": _json(page, "A page of rows"),
                                         **_errors(400, 401, 403)}}
        if "create" in actions:
            item["post"] = {"operationId": f"{name}.create", "tags": [tag],
                            "summary": f"Create a {tag}",
                            "requestBody": {"required": True, "content": bodies},
                            "responses": {"201": _with_etag(_json(_ref(name), "Created")),
                                          **_errors(400, 401, 403, 409, 413, 415, 422)}}
        return item or None
    if suffix == "item":
        key_schema = resource._key.json_schema()
        key_schema.pop("readOnly", None)
        params = [{"name": "pk", "in": "path", "required": True,
                   "schema": {"type": "string"}, "description": f"Key of the {tag}."}]
        if_match = [_conditional("If-Match", resource.require_if_match)]
        if "retrieve" in actions:
            item["get"] = {"operationId": f"{name}.retrieve", "tags": [tag],
                           "parameters": [*_query_params(resource, False),
                                          _conditional("If-None-Match")],
                           "responses": {"200": _with_etag(_json(_ref(name), f"The {tag}")),
                                         "304": {"description": "Not modified (If-None-Match)"},
                                         **_errors(400, 401, 403, 404)}}
        if "update" in actions:
            item["put"] = {"operationId": f"{name}.update", "tags": [tag],
                           "parameters": if_match,
                           "requestBody": {"required": True, "content": bodies},
                           "responses": {"200": _with_etag(_json(_ref(name), "Updated")),
                                         **_errors(400, 401, 403, 404, 409, 412, 413, 415,
                                                   422, 428)}}
        if "partial_update" in actions:
            item["patch"] = {"operationId": f"{name}.partial_update", "tags": [tag],
                             "parameters": if_match,
                             "requestBody": {"required": True, "content": patch_bodies},
                             "responses": {"200": _with_etag(_json(_ref(name), "Updated")),
                                           **_errors(400, 401, 403, 404, 409, 412, 413, 415,
                                                     422, 428)}}
        if "destroy" in actions:
            params_delete = list(if_match)
            if resource.trash_enabled("force_delete"):
                params_delete.append({"name": "force", "in": "query", "required": False,
                                      "description": "1: delete for good (not to the trash)",
                                      "schema": {"type": "string",
                                                 "enum": ["0", "1", "true", "false"]}})
            item["delete"] = {"operationId": f"{name}.destroy", "tags": [tag],
                              "parameters": params_delete,
                              "responses": {"204": {"description": "Deleted"},
                                            **_errors(400, 401, 403, 404, 409, 412, 428)}}
        if item:
            item["parameters"] = params
        return item or None
    return None


def _schemas_for(resource: Any) -> dict:
    name = type(resource).__name__
    form = resource.form_class
    return {name: resource.output_schema(),
            f"{name}Input": form.json_schema(),
            f"{name}Patch": form.json_schema(partial=True)}


def build_openapi(routes: list | None = None, *, title: str | None = None,
                  version: str | None = None, description: str | None = None) -> dict:
    """The OpenAPI 3.1 document of ``routes`` (default: the project's routes)."""
    from rustforge.conf import settings

    if routes is None:
        routes = project_routes()
    paths: dict[str, dict] = {}
    schemas: dict[str, dict] = {"Error": ERROR, "ValidationErrors": ENVELOPE}
    for entry in routes:
        resource = entry.resource
        describe = getattr(resource, "openapi", None)
        if describe is None or isinstance(resource, type):
            continue
        path = _PARAM.sub(r"{\1}", entry.path)
        item = describe(path, entry.suffix)
        if not item:
            continue
        _add_scopes(resource, item)
        paths.setdefault(path, {}).update(item)
        if getattr(resource, "model", None) is not None:
            schemas.update(_schemas_for(resource))
    return {
        "openapi": "3.1.0",
        "info": {"title": title or settings.API_TITLE or "API",
                 "version": version or settings.API_VERSION,
                 **({"description": description} if description else {})},
        "paths": paths,
        "components": {"schemas": schemas,
                       **({"securitySchemes": _security_components()}
                          if _security_schemes else {})},
    }
