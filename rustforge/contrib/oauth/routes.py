from rustforge.contrib.oauth import resources as r
from rustforge.http import route

routes = [
    route("/authorize", r.AuthorizeResource, name="authorize"),
    route("/token", r.TokenResource, name="token"),
    route("/revoke", r.RevokeResource, name="revoke"),
    route("/introspect", r.IntrospectResource, name="introspect"),
    route("/jwks.json", r.JWKSResource, name="jwks"),
]

# RFC 8414 fixes this path at the site root, whatever the app's prefix.
root_routes = [
    route("/.well-known/oauth-authorization-server", r.MetadataResource, name="metadata"),
]
