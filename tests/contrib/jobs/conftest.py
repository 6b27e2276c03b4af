"""Redis, a real rqworker process and a failed job for the dashboard tests."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parents[2]
SCRIPT = str(Path(sys.executable).parent / "rustforge")
AUTH_MIDDLEWARE = [
    "rustforge.http.middleware.SecurityMiddleware",
    "rustforge.contrib.auth.middleware.SessionMiddleware",
    "rustforge.contrib.auth.middleware.AuthenticationMiddleware",
    "rustforge.contrib.auth.csrf.CsrfMiddleware",
]


@pytest.fixture(autouse=True)
def auth_settings(settings, locmem_cache):
    settings.MIDDLEWARE = AUTH_MIDDLEWARE
    settings.PASSWORD_ARGON2 = {"memory_cost": 1024, "rounds": 1, "parallelism": 1}
    return settings


@pytest.fixture
def rq(settings, redis_url, test_database_url):
    settings.REDIS_URL = redis_url
    env = {**os.environ, "RUSTFORGE_SETTINGS_MODULE": "testproject.worker_settings",
           "PYTHONPATH": os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")]),
           "DATABASE_URL": test_database_url, "REDIS_URL": redis_url}

    def burst():
        result = subprocess.run([SCRIPT, "rqworker", "--burst"], env=env, capture_output=True,
                                text=True, timeout=60, check=False)
        assert result.returncode == 0, result.stdout + result.stderr

    return burst
