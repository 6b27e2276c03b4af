"""/readyz follows PostgreSQL and memcached going away and coming back; /healthz does not.

A throwaway PostgreSQL cluster and a throwaway memcached, so they can be
stopped; gunicorn with deploy/gunicorn.conf.py and two workers.
"""

from __future__ import annotations

import json
import time

import pytest
from ops_support import ops_project, start_gunicorn
from test_fault_drills import ThrowawayCluster

from rustforge.testing.cache import MemcachedServer, memcached_binary

pytestmark = [pytest.mark.slow, pytest.mark.postgres_only]


def readiness(server) -> tuple[int, dict]:
    status, _, body = server.get("/readyz", timeout=15)
    return status, json.loads(body)


def until(server, wanted_status: int, failed: list[str] | None = None,
          timeout: float = 20) -> dict:
    """Poll /readyz until it gives ``wanted_status`` (naming ``failed``, when given).

    Either worker may answer, and each answers from its own run of the checks
    for up to a second, so an answer may lag behind the other worker's.
    """
    deadline = time.monotonic() + timeout
    while True:
        status, body = readiness(server)
        if status == wanted_status and (failed is None or body.get("failed") == failed):
            return body
        if time.monotonic() > deadline:
            raise AssertionError(f"/readyz stayed {status}: {body}\n{server.output()[-3000:]}")
        time.sleep(0.2)


def test_readyz_follows_the_database_and_the_cache(tmp_path):
    if not (ThrowawayCluster.BIN / "initdb").exists():
        pytest.skip("PostgreSQL 15 server binaries are not installed")
    binary = memcached_binary()
    if binary is None:
        pytest.skip("memcached is not installed")
    cluster = ThrowawayCluster()
    cache = MemcachedServer(binary)
    server = None
    try:
        cluster.pg_ctl("start")
        cache.start()
        project = ops_project(tmp_path, cluster.url)
        # A dead memcached is retried after a second, not the default 30.
        cache_url = cache.url + "?dead_timeout=1&retry_timeout=0.2&connect_timeout=0.2&timeout=0.3"
        server = start_gunicorn(project, tmp_path / "metrics", CACHE_URL=cache_url)
        assert until(server, 200)["status"] == "ready"

        cache.stop()
        body = until(server, 503, ["cache"])
        assert body["checks"]["database"]["ok"]
        assert server.get("/healthz")[0] == 200
        cache.start()  # same port
        until(server, 200)

        cluster.pg_ctl("stop", "-m", "fast")
        body = until(server, 503, ["database"])
        assert body["checks"]["cache"]["ok"]
        assert server.get("/healthz")[0] == 200
        cluster.pg_ctl("start")
        until(server, 200)
        assert server.json("/probe/items")["count"] == 0  # and requests work again
    finally:
        if server is not None:
            server.stop()
        cache.stop()
        cluster.destroy()
