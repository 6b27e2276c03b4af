"""The challenges of a 401 come from the installed login methods."""

import falcon
import pytest

from rustforge.http import challenges


@pytest.fixture
def registry(monkeypatch):
    monkeypatch.setattr(challenges, "_challenges", [])
    return challenges


def test_each_registered_challenge_is_offered_once_in_order(registry, settings):
    def cookie():
        return f'Cookie realm="site", form-action="{settings.LOGIN_URL}"'

    registry.register_challenge(cookie)
    registry.register_challenge(lambda: 'Bearer realm="api"')
    registry.register_challenge(cookie)                 # ready() running again
    error = registry.unauthorized("Log in to see this.")
    assert isinstance(error, falcon.HTTPUnauthorized)
    assert error.headers["WWW-Authenticate"] == (
        'Cookie realm="site", form-action="/accounts/login", Bearer realm="api"')
    assert (error.title, error.description) == ("Authentication required", "Log in to see this.")
    settings.LOGIN_URL = "/signin"                      # read per refusal
    assert 'form-action="/signin"' in registry.www_authenticate()


def test_without_any_login_method_the_refusal_is_a_403(registry):
    error = registry.unauthorized("Log in to see this.")
    assert isinstance(error, falcon.HTTPForbidden)
    assert "WWW-Authenticate" not in (error.headers or {})


def test_unregistering_removes_the_challenge(registry):
    def bearer():
        return 'Bearer realm="api"'

    registry.register_challenge(bearer)
    registry.unregister_challenge(bearer)
    registry.unregister_challenge(bearer)               # already gone: no error
    assert registry.www_authenticate() == ""
