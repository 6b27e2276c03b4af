"""Mistakes in the HTTP settings fail at start-up with one line and a hint."""

import pytest

from rustforge.exceptions import ImproperlyConfigured
from rustforge.http import create_app


@pytest.mark.parametrize("name,value,message", [
    ("ROOT_ROUTES", "testproject.url",
     r"ROOT_ROUTES: cannot import 'testproject.url'; did you mean 'testproject.urls'\?"),
    ("MIDDLEWARE", ["rustforge.http.middleware.SecurityMiddlewar"],
     r"has no 'SecurityMiddlewar'; did you mean 'rustforge.http.middleware.SecurityMiddleware'"),
    ("MIDDLEWARE", ["rustforge.http.middlewares.SecurityMiddleware"],
     (r"cannot import 'rustforge.http.middlewares.SecurityMiddleware'; "
      r"did you mean 'rustforge.http.middleware'\?")),
])
def test_typos_are_named_with_a_suggestion(settings, name, value, message):
    setattr(settings, name, value)
    with pytest.raises(ImproperlyConfigured, match=message):
        create_app()


def test_include_of_a_missing_module(settings, tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(tmp_path))
    (tmp_path / "rf_urls_inc.py").write_text(
        "from rustforge.http import include\nroutes = [include('/api', 'testproject.apii')]\n")
    settings.ROOT_ROUTES = "rf_urls_inc"
    with pytest.raises(ImproperlyConfigured, match=r"include\('/api', ...\): cannot import "
                                                   r"'testproject.apii'"):
        create_app()


def test_two_routes_with_one_name(settings, tmp_path, monkeypatch):
    from rustforge.http.checks import check_routes

    monkeypatch.syspath_prepend(str(tmp_path))
    (tmp_path / "rf_urls_dup.py").write_text(
        "from rustforge.http import route\n"
        "class R:\n    def on_get(self, req, resp): pass\n"
        "routes = [route('/a', R, name='x'), route('/b', R, name='x')]\n")
    settings.ROOT_ROUTES = "rf_urls_dup"
    [message] = check_routes(None)
    assert message.id == "urls.E001" and "two routes are named 'x'" in message.msg
