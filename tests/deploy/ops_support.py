"""A project served with deploy/gunicorn.conf.py, for the operations drills.

``ops_project()`` is ``make_project()`` plus an ``opsprobe`` app (a slow
route, a route that enqueues a job) and a rate limit read from the
environment. ``start_gunicorn()`` serves it with the repository's
``deploy/gunicorn.conf.py`` and its own metrics directory.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from deploy_support import GUNICORN, Project, Server, free_port, make_project
from nginx_support import REPO

DEPLOY_CONF = REPO / "deploy" / "gunicorn.conf.py"

OPSPROBE_FILES = {
    "opsprobe/__init__.py": "",
    "opsprobe/jobs.py": """
        from rustforge.queue import job
        from probe.models import Item

        @job
        def record(name):
            Item.create(name=name)


        @job
        def fail(name):
            raise RuntimeError(f"{name} fails on purpose")
    """,
    "opsprobe/resources.py": """
        import os
        import time

        from rustforge.contrib.auth.csrf import csrf_exempt
        from opsprobe.jobs import fail, record


        class Sleep:
            def on_get(self, req, resp):
                seconds = min(float(req.get_param("seconds", default="1")), 60.0)
                time.sleep(seconds)
                resp.media = {"slept": seconds, "worker": os.getpid()}


        @csrf_exempt
        class Enqueue:
            def on_post(self, req, resp):
                name = req.get_media()["name"]
                job = (fail if name.startswith("fail") else record).enqueue(name)
                resp.media = {"job": job.id}
    """,
    "opsprobe/routes.py": """
        from rustforge.http import route
        from opsprobe import resources

        routes = [
            route("/sleep", resources.Sleep, name="sleep"),
            route("/enqueue", resources.Enqueue, name="enqueue"),
        ]
    """,
}

SETTINGS_TAIL = """

# --- the operations drills ---
import os as _os

INSTALLED_APPS = [*INSTALLED_APPS, "opsprobe"]
CACHE_URL = _os.environ.get("CACHE_URL", CACHE_URL)
MIDDLEWARE = [*MIDDLEWARE, "rustforge.ratelimit.RateLimitMiddleware"]
RATELIMITS = {"version": {"rate": _os.environ.get("PROBE_RATE", "100000/m"), "key": "ip",
                          "paths": ["/probe/version"]}}
"""


def ops_project(base: Path, database_url: str | None) -> Project:
    project = make_project(base, database_url)
    for rel, text in OPSPROBE_FILES.items():
        path = project.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip())
    settings = project.root / "mysite" / "settings.py"
    settings.write_text(settings.read_text() + SETTINGS_TAIL)
    return project


def start_gunicorn(project: Project, metrics_dir: Path, *, workers: int = 2,
                   wait: bool = True, **env: str) -> Server:
    port = free_port()
    env = {"BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": str(workers), "ACCESS_LOG": "",
           "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir), "GUNICORN_WORKER_CLASS": "sync",
           "THREADS": "1", "MAX_REQUESTS": "0", **env}
    server = Server([GUNICORN, "-c", str(DEPLOY_CONF)], project.root, project.env(**env), port)
    if wait:
        server.wait_for_workers(workers)
        server.wait_until_serving("/healthz")
    return server


def scrape(server: Server):
    from rustforge.testing.metrics import snapshot_metrics

    status, _, body = server.get("/metrics")
    assert status == 200, body[:500]
    return snapshot_metrics(body.decode())
