"""Property: junk sent to any route that ships with the framework gets a clean
answer (never a 5xx; a 4xx has a JSON or HTML error body) and changes nothing
in the database.

Every route whose responder lives in ``rustforge`` is found from the route
table, so a new built-in app's pages are covered without editing this file.
The junk: NUL and unpaired surrogates, huge and non-finite numbers, deep
nesting, repeated and bracketed parameters, wrong types, bytes that are not
UTF-8, wrong media types, in the path, the query string and the body. The
client is logged in as a superuser with a valid CSRF token (so the junk
reaches the responders, not only the CSRF check), then anonymous.
"""

import json
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

# Responders that change the database whatever they are sent (starting 2FA
# enrolment makes a device) or end the client's session (logout).
TAKES_NO_INPUT = {("POST", "/accounts/2fa/setup"), ("POST", "/accounts/logout")}
METHODS = ("get", "post", "put", "patch", "delete")
# Random examples per route and method, on top of the fixed corpus (the suite's time
# budget: about 1,500 requests per run of this test).
EXAMPLES = 8

nasty_text = st.sampled_from([
    "\x00", "a\x00b", "\ud800", "x\udfffy", "\ufeff", "\u202e", "' OR 1=1 --", "../../etc",
    "<script>alert(1)</script>", "%00", "%ED%A0%80", "{{7*7}}", "9" * 400, "-1", "0", "1e400",
    "NaN", "null", "true", "[]", "{}", "é" * 300, "\r\nSet-Cookie: x=1", "a" * 5000,
]) | st.text(max_size=30)
numbers = st.sampled_from([2**63, -(2**63) - 1, 10**400, 1e308, -0.0, 0]) | st.integers() \
    | st.floats(allow_nan=False, allow_infinity=False)
scalars = st.none() | st.booleans() | numbers | nasty_text
json_values = st.recursive(scalars, lambda c: st.lists(c, max_size=4)
                           | st.dictionaries(nasty_text, c, max_size=4), max_leaves=15)
FIELDS = ["username", "password", "email", "code", "next", "old_password", "new_password1",
          "new_password2", "query", "variables", "operationName", "grant_type", "client_id",
          "token", "csrf_token", "name", "title", "id", "q", "page", "_selected", "action"]
field_names = st.sampled_from(FIELDS) | nasty_text
params = st.lists(st.tuples(field_names, nasty_text), max_size=6)


def deep(depth):
    return ("[" * depth + "]" * depth).encode()


bodies = st.one_of(
    json_values.map(lambda v: (json.dumps(v).encode(), "application/json")),
    st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=6).map(
        lambda v: (json.dumps(v).encode(), "application/json")),
    params.map(lambda ps: ("&".join(f"{quote(k, safe='', errors='surrogatepass')}="
                                    f"{quote(v, safe='', errors='surrogatepass')}"
                                    for k, v in ps).encode(),
                           "application/x-www-form-urlencoded")),
    st.binary(max_size=200).map(lambda b: (b, "application/x-www-form-urlencoded")),
    st.binary(max_size=200).map(lambda b: (b, "application/json")),
    st.sampled_from([(deep(5000), "application/json"), (b'{"a": NaN}', "application/json"),
                     (b'"\\ud800"', "application/json"), (b"\xff\xfe", "text/plain"),
                     (b"--b\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\n\x00\r\n--b--",
                      "multipart/form-data; boundary=b"),
                     (b"<x/>", "application/xml"), (b"", "application/json")]),
)


def builtin_routes():
    from rustforge.apps import apps
    from rustforge.http.routing import project_routes

    apps.populate()
    for entry in project_routes():
        resource = entry.load()  # built-in apps name their resources by dotted path
        resource = resource if isinstance(resource, type) else type(resource)
        if not resource.__module__.startswith("rustforge."):
            continue
        tail = f"_{entry.suffix}" if entry.suffix else ""
        for method in METHODS:
            if hasattr(resource, f"on_{method}{tail}"):
                yield method.upper(), entry.path


def fill(path, values):
    """The route's path with each {field} (and {field:int}) replaced, URL-quoted."""
    out, rest, i = "", path, 0
    while "{" in rest:
        head, _, tail = rest.partition("{")
        _name, _, rest = tail.partition("}")
        value = values[i % len(values)] if values else "x"
        i += 1
        out += head + (quote(value, safe="", errors="surrogatepass") or "x")
    return out + rest


# Every known field filled with one hostile value: the cases random search is
# unlikely to hit for each route within its budget.
CORPUS = ["a\x00b", "\ud800", "9" * 400, "' OR 1=1 --", "é" * 2000, "\r\nX-Injected: 1"]


def corpus_requests():
    for value in CORPUS:
        fields = dict.fromkeys(FIELDS, value)
        yield json.dumps(fields).encode(), "application/json", value
        form = "&".join(f"{k}={quote(v, safe='', errors='surrogatepass')}"
                        for k, v in fields.items())
        yield form.encode(), "application/x-www-form-urlencoded", value
    yield json.dumps(dict.fromkeys(FIELDS, 10**400)).encode(), "application/json", "1"
    yield json.dumps({k: [[{"a": None}]] for k in FIELDS}).encode(), "application/json", "["


def table_counts():
    """Rows per table, in plain SQL (no model's default scope in the way)."""
    from rustforge.apps import apps
    from rustforge.db import get_database

    db = get_database()
    tables = sorted({model._meta.table_name for model in apps.get_models()})
    return {table: db.execute_sql(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]  # noqa: S608
            for table in tables}


def assert_clean(response, method, path):
    where = f"{method} {path}: {response.status_code} {response.text[:300]!r}"
    assert response.status_code < 500, where
    assert "Traceback" not in response.text, where
    if response.status_code >= 400 and response.text:
        ctype = response.headers.get("content-type", "")
        if "json" in ctype:
            body = response.json
            assert isinstance(body, dict) and (body.get("title") or body.get("errors")
                                               or body.get("error")), where
        else:
            assert "html" in ctype or "text/plain" in ctype, where


def send(client, method, url, payload, content_type):
    if method in ("GET", "DELETE"):
        response = client.request(method, url)
    else:
        response = client.request(method, url, body=payload, content_type=content_type)
    assert_clean(response, method, url)


def send_corpus(client, method, path):
    for payload, content_type, value in corpus_requests():
        query = "&".join(f"{k}={quote(value, safe='', errors='surrogatepass')}"
                         for k in FIELDS[:5])
        send(client, method, f"{fill(path, [value])}?{query}", payload, content_type)


def fuzz(client, method, path):
    @given(path_values=st.lists(nasty_text, min_size=1, max_size=3), query=params, body=bodies)
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def run(path_values, query, body):
        url = fill(path, path_values)
        qs = "&".join(f"{quote(k, safe='', errors='surrogatepass')}="
                      f"{quote(v, safe='', errors='surrogatepass')}" for k, v in query)
        send(client, method, f"{url}?{qs}" if qs else url, *body)

    run()


@pytest.fixture
def project_middleware(settings, locmem_cache):
    """What ``startproject`` sets up (before the application is built)."""
    settings.MIDDLEWARE = [
        "rustforge.http.middleware.SecurityMiddleware",
        "rustforge.contrib.auth.middleware.SessionMiddleware",
        "rustforge.contrib.auth.middleware.AuthenticationMiddleware",
        "rustforge.contrib.auth.csrf.CsrfMiddleware",
    ]
    settings.PASSWORD_ARGON2 = {"memory_cost": 1024, "rounds": 1, "parallelism": 1}
    settings.LOGIN_THROTTLE_IP_LIMIT = 10**6  # the junk must reach the views
    settings.LOGIN_THROTTLE_USER_LIMIT = 10**6


@pytest.fixture
def who(request, settings, tmp_path):
    """Who sends the junk; "developer" is a superuser with DEBUG on and a file
    outbox holding a message, so the development-only pages (mail preview) answer."""
    if request.param == "developer":
        settings.DEBUG = True
        settings.EMAIL_URL = f"file://{tmp_path}"
    return request.param


@pytest.mark.parametrize("who", ["superuser", "anonymous", "developer"], indirect=True)
def test_junk_to_every_builtin_route(who, project_middleware, client, make_user, login):
    if who == "developer":
        from rustforge.mail import send_mail

        send_mail("Hello", "Body", None, ["ada@example.com"])
    if who in ("superuser", "developer"):
        login(client, make_user("root", is_staff=True, is_superuser=True))
    else:
        client.get("/accounts/login")
        client.default_headers["X-CSRFToken"] = client.cookies["csrftoken"]
    client.default_headers["Origin"] = "http://testserver"
    routes = sorted(set(builtin_routes()))
    assert ("POST", "/accounts/login") in routes and ("GET", "/api/docs") in routes
    before = table_counts()
    for method, path in routes:
        if (method, path) in TAKES_NO_INPUT:
            continue
        send_corpus(client, method, path)
        if who != "developer":  # DEBUG pages: the corpus only (each request renders afresh)
            fuzz(client, method, path)
        assert table_counts() == before, f"{method} {path} changed the database"
