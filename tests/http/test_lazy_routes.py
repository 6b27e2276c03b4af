"""Routes that name their resource class by dotted path import it on their first
request, and answer every request as the class mounted directly would."""

import sys

import pytest

from rustforge.exceptions import ImproperlyConfigured
from rustforge.http import create_app, route
from rustforge.testing.client import Client

RESOURCES = '''
import falcon
from rustforge.contrib.auth.csrf import csrf_exempt


def deny(req, resp, resource, params):
    raise falcon.HTTPForbidden(title="Hooked")


class Page:
    def on_get(self, req, resp):
        resp.media = {"page": "get"}

    def on_post(self, req, resp):
        resp.media = {"page": "post"}

    @falcon.before(deny)
    def on_delete(self, req, resp):
        resp.media = {"page": "deleted"}

    @csrf_exempt
    def on_post_archive(self, req, resp, id):
        resp.media = {"archived": id}
'''

ROUTES = {
    "lazy": '''
from rustforge.http import route

routes = [
    route("/page", "{module}.Page", methods=("GET", "POST", "DELETE"), name="page"),
    route("/page/{{id:int}}/archive", "{module}.Page", methods=("POST",), name="archive",
          suffix="archive"),
]
''',
    "eager": '''
from rustforge.http import route
from {module} import Page

routes = [
    route("/page", Page, name="page"),
    route("/page/{{id:int}}/archive", Page, name="archive", suffix="archive"),
]
''',
}

MIDDLEWARE = [
    "rustforge.http.middleware.SecurityMiddleware",
    "rustforge.contrib.auth.middleware.SessionMiddleware",
    "rustforge.contrib.auth.middleware.AuthenticationMiddleware",
    "rustforge.contrib.auth.csrf.CsrfMiddleware",
]

REQUESTS = [("GET", "/page"), ("HEAD", "/page"), ("OPTIONS", "/page"), ("PUT", "/page"),
            ("POST", "/page"), ("DELETE", "/page"), ("POST", "/page/7/archive"),
            ("GET", "/page/7/archive"), ("OPTIONS", "/page/7/archive")]


@pytest.fixture
def project(settings, tmp_path, monkeypatch):
    """Both styles of routes over one resource module (imported by nothing else yet)."""
    module = "rf_lazy_resources"
    monkeypatch.syspath_prepend(str(tmp_path))
    (tmp_path / f"{module}.py").write_text(RESOURCES)
    for style, text in ROUTES.items():
        (tmp_path / f"rf_{style}_routes.py").write_text(text.format(module=module))
    settings.ROOT_ROUTES = "rf_lazy_routes"
    settings.MIDDLEWARE = MIDDLEWARE
    yield module
    for name in (module, "rf_lazy_routes", "rf_eager_routes", "rf_wrong_routes"):
        sys.modules.pop(name, None)


def answers(app):
    client = Client(app)
    out = []
    for method, path in REQUESTS:
        # A form body: what CSRF protection is for (a cross-site form can send it).
        response = client.request(method, path, data={"a": "1"} if method == "POST" else None)
        out.append((method, path, response.status_code, response.headers.get("allow"),
                    response.headers.get("content-length"), response.text))
    return out


def test_the_module_is_imported_by_the_first_request_that_needs_it(project):
    client = Client(create_app())
    assert project not in sys.modules
    options = client.options("/page")
    assert options.status_code == 200
    assert options.headers["allow"] == "DELETE, GET, HEAD, POST"
    assert project not in sys.modules  # OPTIONS is answered from the declared methods
    assert client.get("/page").json == {"page": "get"}
    assert project in sys.modules


def test_lazy_and_eager_routes_answer_alike(project, settings):
    # 405 with Allow, OPTIONS, HEAD like GET, a hook, CSRF (and a csrf_exempt
    # responder), a suffixed responder: every answer is the eager mount's.
    lazy = answers(create_app())
    settings.ROOT_ROUTES = "rf_eager_routes"
    assert answers(create_app()) == lazy
    status = {(method, path): rest[0] for method, path, *rest in lazy}
    assert status[("PUT", "/page")] == 405 and lazy[3][3] == "DELETE, GET, HEAD, POST, OPTIONS"
    assert status[("HEAD", "/page")] == 200 and lazy[1][4] == lazy[0][4]
    assert status[("POST", "/page")] == 403  # no CSRF token
    assert status[("DELETE", "/page")] == 403 and "Hooked" in lazy[5][5]
    assert lazy[6][2:] == (200, None, "15", '{"archived": 7}')
    assert status[("GET", "/page/7/archive")] == 405


def test_a_path_names_a_class_with_its_methods():
    with pytest.raises(ImproperlyConfigured, match="needs the methods it answers"):
        route("/x", "shop.resources.Page")
    with pytest.raises(ImproperlyConfigured, match="unknown HTTP method 'get'"):
        route("/x", "shop.resources.Page", methods=("get",))
    with pytest.raises(ImproperlyConfigured, match="methods= is for a resource named by"):
        route("/x", object, methods=("GET",))


def test_check_reports_methods_that_differ_from_the_class(project, settings, tmp_path):
    from rustforge.http.checks import check_routes

    assert check_routes(None) == []
    (tmp_path / "rf_wrong_routes.py").write_text(
        "from rustforge.http import route\n"
        f"routes = [route('/a', '{project}.Page', methods=('GET', 'PUT')),\n"
        f"          route('/b', '{project}.Missing', methods=('GET',)),\n"
        f"          route('/c', '{project}.deny', methods=('GET',))]\n")
    settings.ROOT_ROUTES = "rf_wrong_routes"
    wrong, missing, not_class = check_routes(None)
    assert wrong.id == "urls.E003"
    assert wrong.msg == (f"route '/a' declares methods GET, PUT but {project}.Page has "
                         "on_<method> for GET, POST, DELETE")
    assert missing.id == "urls.E002" and "cannot import" in missing.msg
    assert not_class.id == "urls.E002" and "is not a class" in not_class.msg


def test_every_builtin_route_declares_what_its_class_answers(settings):
    """The built-in apps' routes are lazy; their declarations match their classes."""
    from rustforge.http.checks import check_routes
    from rustforge.http.routing import project_routes

    assert check_routes(None) == []
    lazy = [entry for entry in project_routes() if entry.lazy]
    assert {entry.resource.split(".")[2] for entry in lazy} >= {
        "admin", "api", "auth", "export", "graphql", "jobs", "mail", "oauth"}


def test_manage_routes_lists_the_class_and_what_it_answers(project):
    from click.testing import CliRunner

    from rustforge.management.commands.routes import command

    result = CliRunner().invoke(command, [])
    assert result.exit_code == 0, result.output
    lines = {line.split()[0]: line.split()[1:] for line in result.output.splitlines()}
    assert lines["/page"] == ["GET,POST,DELETE", f"{project}.Page", "page"]
    assert lines["/page/{id:int}/archive"] == ["POST", f"{project}.Page", "archive"]
    assert lines["/accounts/login"] == ["GET,POST", "rustforge.contrib.auth.resources.LoginPage",
                                        "auth:login"]


def test_metrics_label_a_lazy_route_by_its_template(project):
    from prometheus_client.parser import text_string_to_metric_families

    from rustforge.http.probes import wrap_probes

    client = Client(wrap_probes(create_app()))

    def count():
        text = client.get("/metrics").text
        return sum(sample.value for family in text_string_to_metric_families(text)
                   for sample in family.samples
                   if sample.name == "rustforge_http_requests_total"
                   and sample.labels.get("route") == "/page/{id:int}/archive")

    before = count()
    assert client.post("/page/8/archive").status_code == 200
    assert count() - before == 1
