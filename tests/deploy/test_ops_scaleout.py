"""Two "hosts" behind one nginx, sharing PostgreSQL, Redis and memcached.

Two gunicorn instances (each with its own workers and metrics directory) on
two ports stand for two machines; nginx goes round-robin between them.
Nothing a request needs may live in one of them: sessions, rate-limit
windows and jobs are shared, and both are scraped.
"""

from __future__ import annotations

import http.client
import json
import os
import subprocess

import pytest
from deploy_support import PY, free_port, fresh_schema
from nginx_support import Nginx, require_nginx, site_for
from ops_support import ops_project, scrape, start_gunicorn

pytestmark = [pytest.mark.slow, pytest.mark.postgres_only]

PASSWORD = "correct-horse-battery-staple-42"


def call(port, method, path, *, body=None, headers=None, cookies=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    headers = {"Host": "localhost", **(headers or {})}
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        set_cookies = {}
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                set_cookies[key] = rest.split(";", 1)[0]
        return response.status, data, set_cookies
    finally:
        conn.close()


@pytest.fixture
def two_hosts(tmp_path, memcached, redis_url):
    require_nginx()
    url = fresh_schema(os.environ["RUSTFORGE_TEST_DATABASE_URL"], "rf_ops_scaleout")
    (tmp_path / "site").mkdir()
    project = ops_project(tmp_path / "site", url)
    project.manage("createsuperuser", "--username", "ada", "--email", "ada@example.com",
                   "--noinput", RUSTFORGE_SUPERUSER_PASSWORD=PASSWORD)
    shared = {"CACHE_URL": memcached.url, "REDIS_URL": redis_url, "PROBE_RATE": "6/m"}
    hosts = [start_gunicorn(project, tmp_path / f"metrics-{name}", **shared) for name in "ab"]
    port = free_port()
    nginx = Nginx(tmp_path / "nginx", site_for([h.port for h in hosts], port), port).start()
    yield project, hosts, nginx, shared
    nginx.stop()
    for host in hosts:
        host.stop()


def test_two_hosts_share_sessions_limits_jobs_and_are_both_scraped(two_hosts):
    project, (a, b), nginx, shared = two_hosts

    # A session made on one host is known to the other.
    _, _, cookies = call(a.port, "GET", "/accounts/login")
    token = cookies["csrftoken"]
    status, body, more = call(a.port, "POST", "/accounts/login", cookies=cookies,
                              body=json.dumps({"username": "ada", "password": PASSWORD}),
                              headers={"Content-Type": "application/json",
                                       "Accept": "application/json", "X-CSRFToken": token})
    assert status == 200, body
    cookies.update(more)
    status, body, _ = call(b.port, "GET", "/accounts/me", cookies=cookies)
    assert status == 200 and json.loads(body)["username"] == "ada"

    # A rate limit of 6 a minute counts the requests of both hosts.
    answers = [call(host.port, "GET", "/probe/version")[0] for host in (a, b, a, b, a, b)]
    assert answers == [200] * 6
    assert call(a.port, "GET", "/probe/version")[0] == 429
    assert call(b.port, "GET", "/probe/version")[0] == 429

    # A job enqueued through one host runs on a worker; the other host sees its work.
    status, body, _ = call(a.port, "POST", "/opsprobe/enqueue", body=b'{"name": "from-a"}',
                           headers={"Content-Type": "application/json"})
    assert status == 200, body
    worker = subprocess.run([PY, "manage.py", "rqworker", "--burst"], cwd=project.root,
                            env=project.env(**shared), capture_output=True, text=True,
                            timeout=120, check=False)
    assert worker.returncode == 0, worker.stderr
    assert b.json("/probe/items")["count"] == 1

    # nginx spreads requests over both hosts, and each host's /metrics counts its share.
    before = [scrape(h).value("rustforge_http_requests_total", method="GET",
                              route="/probe/session", status="200") for h in (a, b)]
    pids = set()
    for _ in range(20):
        status, body, _ = call(nginx.port, "GET", "/probe/session")
        assert status == 200
        pids.add(json.loads(body)["worker"])
    after = [scrape(h).value("rustforge_http_requests_total", method="GET",
                             route="/probe/session", status="200") for h in (a, b)]
    share = [after[i] - before[i] for i in range(2)]
    assert sum(share) == 20 and all(part > 0 for part in share), share
    assert pids <= set(a.children()) | set(b.children()) and len(pids) >= 2
