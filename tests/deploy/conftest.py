"""Fixtures of the deploy tests (helpers live in ``deploy_support``)."""

from __future__ import annotations

import os

import pytest
from deploy_support import GUNICORN, PY, Project, Server, free_port, fresh_schema, make_project


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Project:
    """A fresh project with the probe app on the test database (SQLite file or PostgreSQL)."""
    url = os.environ.get("RUSTFORGE_TEST_DATABASE_URL")
    if url:
        url = fresh_schema(url, "rf_deploy")
    return make_project(tmp_path_factory.mktemp("deploy"), url)


@pytest.fixture
def serve():
    """``serve(project, "runserver"|"gunicorn", ...)`` -> a running Server."""
    started: list[Server] = []

    def start(project: Project, kind: str, *, workers: int = 2, worker_class: str = "sync",
              threads: int = 4, reload: bool = False, wait: bool = True, **env: str) -> Server:
        port = free_port()
        if kind == "runserver":
            argv = [PY, "manage.py", "runserver", f"127.0.0.1:{port}"]
            if not reload:
                argv.append("--noreload")
        else:
            argv = [GUNICORN, "mysite.wsgi:application", "-c", "gunicorn.conf.py"]
            env = {"BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": str(workers),
                   "GUNICORN_WORKER_CLASS": worker_class, "ACCESS_LOG": "", **env}
            # NOTE: gunicorn silently turns "sync" into "gthread" when threads > 1.
            env["THREADS"] = str(threads if worker_class == "gthread" else 1)
        server = Server(argv, project.root, project.env(**env), port)
        started.append(server)
        if wait:
            if kind == "runserver":
                server.wait_for_output(f"at http://127.0.0.1:{port}/")
            else:
                server.wait_for_workers(workers)
            server.wait_until_serving()
        return server

    yield start
    for server in started:
        server.stop()
