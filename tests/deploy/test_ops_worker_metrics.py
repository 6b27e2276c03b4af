"""rqworker --metrics-port: the work horses' job counts, summed and served by the worker."""

from __future__ import annotations

import os
import subprocess
import time
import urllib.error
import urllib.request

import pytest
from deploy_support import PY, free_port
from ops_support import ops_project, scrape, start_gunicorn

from rustforge.testing.metrics import snapshot_metrics

pytestmark = pytest.mark.slow


def worker_metrics(port: int):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
        return snapshot_metrics(response.read().decode())


def test_worker_serves_the_counts_of_its_work_horses(tmp_path, redis_url):
    from deploy_support import fresh_schema

    url = os.environ.get("RUSTFORGE_TEST_DATABASE_URL")
    if url:
        url = fresh_schema(url, "rf_ops_worker")
    project = ops_project(tmp_path, url)
    web = start_gunicorn(project, tmp_path / "web-metrics", REDIS_URL=redis_url)
    worker = None
    try:
        for name in ("one", "two", "three", "fail-four"):
            assert web.json("/opsprobe/enqueue", "POST", {"name": name})["job"]
        assert scrape(web).value("rustforge_jobs_total", queue="default",
                                 event="enqueued") == 4
        port = free_port()
        folder = tmp_path / "worker-metrics"
        folder.mkdir()
        log = open(tmp_path / "worker.log", "w")  # noqa: SIM115 - closed below
        worker = subprocess.Popen(
            [PY, "manage.py", "rqworker", "--metrics-port", str(port)], cwd=project.root,
            env=project.env(REDIS_URL=redis_url, PROMETHEUS_MULTIPROC_DIR=str(folder)),
            stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while True:
            try:
                found = worker_metrics(port)
                done = (found.value("rustforge_jobs_total", queue="default", event="succeeded"),
                        found.value("rustforge_jobs_total", queue="default", event="failed"))
                if done == (3, 1):
                    break
            except (urllib.error.URLError, ConnectionError):
                done = None
            assert worker.poll() is None, (tmp_path / "worker.log").read_text()
            assert time.monotonic() < deadline, \
                f"worker metrics stayed at {done}:\n{(tmp_path / 'worker.log').read_text()}"
            time.sleep(0.2)
        assert web.json("/probe/items")["count"] == 3
        with pytest.raises(urllib.error.HTTPError) as refused:  # only the probes and /metrics
            urllib.request.urlopen(f"http://127.0.0.1:{port}/nothing", timeout=5)
        assert refused.value.code == 404
    finally:
        if worker is not None:
            worker.terminate()
            try:
                worker.wait(30)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait(10)
            log.close()
        web.stop()
