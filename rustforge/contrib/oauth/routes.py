from rustforge.http import route

# NOTE(memory): resources are named by dotted path, imported by their first
# request (docs/architecture.md, heavy libraries load on first use).
R = "rustforge.contrib.oauth.resources."

routes = [
    route("/authorize", R + "AuthorizeResource", methods=("GET", "POST"), name="authorize"),
    route("/token", R + "TokenResource", methods=("POST",), name="token"),
    route("/revoke", R + "RevokeResource", methods=("POST",), name="revoke"),
    route("/introspect", R + "IntrospectResource", methods=("POST",), name="introspect"),
    route("/jwks.json", R + "JWKSResource", methods=("GET",), name="jwks"),
]

# RFC 8414 fixes this path at the site root, whatever the app's prefix.
root_routes = [
    route("/.well-known/oauth-authorization-server", R + "MetadataResource",
          methods=("GET",), name="metadata"),
]
