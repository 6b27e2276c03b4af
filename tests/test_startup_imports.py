"""A web worker with every built-in app installed loads no library (and none of
RustForge's own larger modules) it only needs later.

Each library is a few megabytes of every worker, the RustForge modules about
half a megabyte together (docs/benchmarks.md, memory); each is needed by some
requests or commands only, so it is imported on first use.
The check runs in a fresh interpreter: building the WSGI application and
answering a request must leave them out of ``sys.modules``.
"""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path

import rustforge

# module -> what loads it on first use
LAZY = {
    "cryptography": "encrypting or decrypting a secret (rustforge.encryption)",
    "graphql": "the first GraphQL request or schema build",
    "rq": "the jobs dashboard, enqueueing with REDIS_URL set, rqworker",
    "redis": "the same, or a Redis cache / rate limit backend",
    "oauthlib": "the first request to an OAuth endpoint (token, authorize, ...)",
    "passlib": "the first password hashed or checked (a log-in)",
    "croniter": "queueing an export, or the scheduler (periodic jobs)",
    "peewee_migrate": "migrate, makemigrations (and migrate --tenants)",
    "unittest": "the same (peewee-migrate imports unittest.mock)",
    "email.policy": "the first e-mail built or a mail preview page",
    "click": "the command line (manage.py); the tenancy app's --tenant option",
    # RustForge's own modules that only some requests need (package __init__s
    # export them through a module __getattr__; pages import them in methods).
    "rustforge.forms.formsets": "the first formset (the admin's inlines)",
    "rustforge.forms.rendering": "the same (the admin's change form)",
    "rustforge.contrib.admin.changelist": "the first admin list page or autocomplete",
    "rustforge.contrib.admin.editform": "the first admin add or change page",
    "rustforge.contrib.admin.deleting": "the first admin delete page",
    "rustforge.cache.backends.base": "the first cache read or write (rustforge.cache)",
    "rustforge.cache.decorators": "the first cache_response or memoize",
    "rustforge.queue.batches": "the first Batch (rustforge.queue)",
    "rustforge.queue.handles": "the first fetch_job or enqueued job's handle",
    "rustforge.queue.monitor": "the first jobs dashboard request",
    # The apps' resource modules: their routes name them by dotted path
    # (rustforge.http.routing), so a page's first request imports them.
    "rustforge.contrib.admin.resources": "the first admin page",
    "rustforge.contrib.admin.editing": "the first admin add or change page",
    "rustforge.contrib.api.resources": "the first OpenAPI document or docs page",
    "rustforge.contrib.auth.resources": "the first log-in, password, sessions or 2FA page",
    "rustforge.contrib.export.resources": "the first export request",
    "rustforge.contrib.graphql.resources": "the first GraphQL request",
    "rustforge.contrib.jobs.resources": "the first jobs dashboard request",
    "rustforge.contrib.mail.resources": "the first mail preview page",
    "rustforge.contrib.oauth.resources": "the first request to an OAuth endpoint",
    "rustforge.contrib.export.exporters": "the first export (a project's exports.py declares "
                                          "exporters), or an admin export action",
    "csv": "the first CSV export (rustforge.contrib.export.streams)",
}

# What a new project's settings list (project_template): the auth middleware
# must not load a page module either.
MIDDLEWARE = [
    "rustforge.http.middleware.SecurityMiddleware",
    "rustforge.contrib.auth.middleware.SessionMiddleware",
    "rustforge.contrib.auth.middleware.AuthenticationMiddleware",
    "rustforge.contrib.auth.csrf.CsrfMiddleware",
]

SCRIPT = textwrap.dedent("""
    import io, json, sys
    from rustforge.conf import settings

    settings.configure(None, INSTALLED_APPS=APPS, MIDDLEWARE=MIDDLEWARE, SECRET_KEY="k" * 50,
                       DEBUG=False, ALLOWED_HOSTS=["testserver"])
    from rustforge.http import get_wsgi_application

    application = get_wsgi_application()
    # A plain WSGI call: the test client would import falcon.testing (and unittest).
    statuses = []
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/no-such-page", "QUERY_STRING": "",
               "SERVER_NAME": "testserver", "SERVER_PORT": "80", "HTTP_HOST": "testserver",
               "SERVER_PROTOCOL": "HTTP/1.1", "wsgi.url_scheme": "http",
               "wsgi.input": io.BytesIO(), "wsgi.errors": sys.stderr}
    b"".join(application(environ, lambda status, headers, exc=None: statuses.append(status)))
    print(json.dumps({"status": statuses[0],
                      "loaded": sorted(sys.modules)}))
""")


def builtin_apps() -> list[str]:
    contrib = Path(rustforge.__file__).resolve().parent / "contrib"
    return sorted(f"rustforge.contrib.{p.parent.name}" for p in contrib.glob("*/apps.py"))


def test_every_app_installed_and_no_heavy_library_loaded(run_cli, tmp_path):
    apps = builtin_apps()
    assert {"rustforge.contrib.graphql", "rustforge.contrib.jobs"} <= set(apps)
    script = tmp_path / "start.py"
    script.write_text(f"APPS = {apps!r}\nMIDDLEWARE = {MIDDLEWARE!r}\n" + SCRIPT)
    result = run_cli([sys.executable, str(script)], cwd=tmp_path, timeout=120)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["status"].startswith("404")
    assert "falcon" in report["loaded"]  # the application was built
    loaded = sorted(set(LAZY) & set(report["loaded"]))
    assert not loaded, "loaded at start-up, should be on first use: " + ", ".join(
        f"{name} ({LAZY[name]})" for name in loaded)
