"""A stand-in for the OAuth app's bearer authentication in tests.

``Authorization: Bearer <username>:<scope> <scope>...`` authenticates as that
user with those scopes, setting ``req.context.user`` and ``.scopes`` exactly
as CONTRACTS say a token authentication does.
"""

from rustforge.contrib.auth import get_user_model
from rustforge.contrib.auth.middleware import is_bearer


class FakeTokenMiddleware:
    def process_request(self, req, resp):
        if not is_bearer(req):
            req.context.scopes = None
            return
        token = req.env["HTTP_AUTHORIZATION"][7:]
        username, _, scopes = token.partition(":")
        model = get_user_model()
        req.context.user = model.get_or_none(model.username == username)
        req.context.scopes = frozenset(scopes.split())
        req.context.oauth_application = None
