"""Permission hooks with the auth app: 401 anonymous, 403 without the
permission, allowed with it; OAuth scopes; CSRF input in rendered forms."""

import pytest
from testproject.shop.models import Shelf

AUTH_MIDDLEWARE = [
    "rustforge.http.middleware.SecurityMiddleware",
    "rustforge.contrib.auth.middleware.SessionMiddleware",
    "rustforge.contrib.auth.middleware.AuthenticationMiddleware",
    "rustforge.contrib.auth.csrf.CsrfMiddleware",
]


@pytest.fixture
def with_auth(settings):
    settings.MIDDLEWARE = AUTH_MIDDLEWARE
    settings.TEMPLATE_CONTEXT_PROCESSORS = ["rustforge.contrib.auth.context_processors.auth"]


def test_anonymous_gets_401_and_nothing_changes(with_auth, client, db):
    shelf = Shelf.create(name="a")
    response = client.delete(f"/shop/shelves/{shelf.id}")
    assert response.status_code == 401
    assert not Shelf.get_by_id(shelf.id).is_deleted
    # How to authenticate (RFC 9110: a 401 carries a challenge): the installed login
    # methods, the auth app's session cookie and the oauth app's bearer tokens.
    offered = response.headers["www-authenticate"]
    assert 'Cookie realm="site", form-action="/accounts/login", cookie-name="sessionid"' in offered
    assert 'Bearer realm="api"' in offered


def test_user_without_permission_gets_403(with_auth, client, make_user, login):
    shelf = Shelf.create(name="b")
    login(client, make_user("bob"))
    response = client.delete(f"/shop/shelves/{shelf.id}")
    assert response.status_code == 403
    assert response.json["title"] == "Permission denied"
    # Actions without a permission entry stay open.
    assert client.get(f"/shop/shelves/{shelf.id}").status_code == 200


def test_superuser_soft_deletes_through_rest(with_auth, admin_client):
    shelf = Shelf.create(name="c")
    response = admin_client.delete(f"/shop/shelves/{shelf.id}")
    assert response.status_code == 204, response.text
    assert Shelf.get_or_none(Shelf.id == shelf.id) is None
    assert Shelf.only_deleted().where(Shelf.id == shelf.id).count() == 1
    assert admin_client.get(f"/shop/shelves/{shelf.id}").status_code == 404
    # The name is free again for a live shelf.
    response = admin_client.post("/shop/shelves", json={"name": "c"})
    assert response.status_code == 201, response.text


def test_scopes_are_checked_when_a_token_is_present(db):
    import falcon
    from falcon import testing
    from testproject.shop.resources import BookResource

    class Scoped(BookResource):
        required_scopes = {"read": ["books:read"], "write": ["books:write"]}

    class FakeToken:  # stands in for the oauth app, which sets req.context.scopes
        def __init__(self, scopes):
            self.scopes = scopes

        def process_request(self, req, resp):
            if self.scopes is not None:
                req.context.scopes = self.scopes

    def app_with(scopes):
        app = falcon.App(middleware=[FakeToken(scopes)])
        for entry in Scoped.routes("/books"):
            app.add_route(entry.path, entry.resource, suffix=entry.suffix)
        return app

    assert testing.simulate_get(app_with(["books:read"]), "/books").status_code == 200
    denied = testing.simulate_get(app_with(["other"]), "/books")
    assert denied.status_code == 403
    assert 'insufficient_scope' in denied.headers["www-authenticate"]
    assert testing.simulate_post(app_with(["books:read"]), "/books",
                                 json={}).status_code == 403
    # No token at all: scopes do not apply (the permission hook decides).
    assert testing.simulate_get(app_with(None), "/books").status_code == 200


def test_rendered_form_carries_the_csrf_input(with_auth, client, db):
    response = client.get("/shop/order", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert '<input type="hidden" name="csrf_token" value="' in response.text
    # It comes first, before any field.
    assert response.text.index('name="csrf_token"') < response.text.index('id="id_email"')
