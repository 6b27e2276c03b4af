"""A real rqworker subprocess against the test database and Redis."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from queue_helpers import children, kill

TESTS = Path(__file__).resolve().parent.parent
SCRIPT = str(Path(sys.executable).parent / "rustforge")


@pytest.fixture
def rq_settings(settings, redis_url):
    settings.REDIS_URL = redis_url
    return settings


@pytest.fixture
def worker_env(redis_url, test_database_url):
    env = {**os.environ,
           "RUSTFORGE_SETTINGS_MODULE": "testproject.worker_settings",
           "PYTHONPATH": os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")]),
           "DATABASE_URL": test_database_url,
           "REDIS_URL": redis_url}
    return env


class Workers:
    def __init__(self, env, folder):
        self.env = env
        self.folder = folder
        self.processes = []
        self.logs = []

    def run(self, *args, timeout=60):
        """Run a management command to completion."""
        return subprocess.run([SCRIPT, *args], env=self.env, capture_output=True, text=True,
                              timeout=timeout, check=False)

    def start(self, *args):
        """Start ``rqworker ARGS`` in its own process group, its output in a file: a pipe
        nobody reads would stop the worker once it filled, and a failing test shows the log."""
        log = self.folder / f"rqworker-{len(self.logs)}.log"
        with open(log, "w") as out:
            process = subprocess.Popen([SCRIPT, "rqworker", *args], env=self.env,
                                       stdout=out, stderr=subprocess.STDOUT,
                                       start_new_session=True)
        self.processes.append(process)
        self.logs.append(log)
        return process

    def output(self):
        """What the workers started so far printed (for assertion messages)."""
        return "\n".join(f"--- {log.name}\n{log.read_text()}" for log in self.logs)

    def stop_all(self):
        for process in self.processes:
            if process.poll() is None:
                # Work horses run in their own process group: kill them too.
                for child in children(process.pid):
                    kill(child)
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(10)


@pytest.fixture
def workers(worker_env, tmp_path):
    handle = Workers(worker_env, tmp_path)
    yield handle
    handle.stop_all()

