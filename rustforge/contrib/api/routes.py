from rustforge.http import route

# NOTE(memory): resources are named by dotted path, imported by their first
# request (docs/architecture.md, heavy libraries load on first use).
R = "rustforge.contrib.api.resources."

routes = [
    route("/openapi.json", R + "OpenAPIDocument", methods=("GET",), name="openapi"),
    route("/docs", R + "OpenAPIPage", methods=("GET",), name="docs"),
]
