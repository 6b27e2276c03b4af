"""The OpenAPI 3.1 document at /api/openapi.json and the docs page."""

import json

from rustforge.resources.openapi import build_openapi


def _refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def test_document_shape(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    doc = response.json
    assert doc["openapi"] == "3.1.0"
    assert doc["info"]["version"] == "1.0.0"
    assert set(doc["paths"]["/shop/books"]) == {"get", "post"}
    assert set(doc["paths"]["/shop/books/{pk}"]) == {"get", "put", "patch", "delete",
                                                     "parameters"}
    operation_ids = [op["operationId"] for item in doc["paths"].values()
                     for key, op in item.items() if key != "parameters"]
    assert len(operation_ids) == len(set(operation_ids))
    schemas = doc["components"]["schemas"]
    for ref in _refs(doc):
        assert ref.rsplit("/", 1)[1] in schemas, ref
    # Plain responders (no openapi() method) are not described.
    assert "/shop/orders" not in doc["paths"]


def test_schemas_are_precise(client):
    schemas = client.get("/api/openapi.json").json["components"]["schemas"]
    book = schemas["BookResource"]
    assert book["additionalProperties"] is False
    props = book["properties"]
    assert props["price"] == {"type": "string", "format": "decimal"}
    assert props["pages"]["type"] == ["integer", "null"]
    assert props["created"]["readOnly"] is True
    assert props["status"]["enum"] == ["draft", "published"]
    assert props["author"]["anyOf"][0] == {"type": "integer"}  # the key, or the row
    assert props["title_length"] == {"type": "integer"}
    payload = schemas["BookResourceInput"]
    assert set(payload["required"]) == {"title", "isbn", "price", "author"}
    assert payload["properties"]["title"]["maxLength"] == 200
    assert payload["properties"]["pages"]["maximum"] == 2**31 - 1
    assert "required" not in schemas["BookResourcePatch"]
    params = {p["name"]: p for p in
              client.get("/api/openapi.json").json["paths"]["/shop/books"]["get"]["parameters"]}
    assert params["limit"]["schema"] == {"type": "integer", "minimum": 1, "maximum": 50}
    assert {"author", "author__in", "price__gte", "status", "order"} <= set(params)
    assert "password" not in params


def test_build_without_http(settings):
    settings.API_TITLE = "Shop"
    doc = build_openapi()
    assert doc["info"]["title"] == "Shop"
    json.dumps(doc)  # serialisable as it is


def test_docs_page(client):
    response = client.get("/api/docs", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert "<code>/shop/books/{pk}</code>" in response.text
    assert 'href="/api/openapi.json"' in response.text


def test_mounted_at_the_root(settings):
    from falcon import testing

    from rustforge.http import get_wsgi_application

    settings.URL_PREFIXES = {"api": ""}
    app = get_wsgi_application()
    response = testing.simulate_get(app, "/openapi.json", host="testserver")
    assert response.status_code == 200 and response.json["openapi"] == "3.1.0"
