"""check --deploy on real projects: a fresh one is flagged, a hardened one passes.

The hardened project is configured from the environment only (what the
project template reads), on PostgreSQL, memcached and Redis.
"""

from __future__ import annotations

import os
import re

import pytest
from deploy_support import fresh_schema, make_project

pytestmark = [pytest.mark.slow, pytest.mark.postgres_only]

HARDENED = {
    "SECRET_KEY": "Zq8v-3JkL0pWm7xN2rT5yB9cD4fG6hQ1sA_eU",
    "ALLOWED_HOSTS": "shop.example.com",
    "EMAIL_URL": "smtp://mail.example.com:587?starttls=1",
    "SECURE_SSL_REDIRECT": "1", "BEHIND_TLS_PROXY": "1", "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1", "SECURE_HSTS_PRELOAD": "1", "SECURE_COOKIES": "1",
    "WEB_CONCURRENCY": "3",
}


def ids(output: str) -> set[str]:
    return set(re.findall(r"^(?:WARNING|ERROR|INFO) (\w+\.[EWI]\d+):", output, re.MULTILINE))


def test_a_fresh_project_is_flagged_and_a_hardened_one_passes(tmp_path, memcached, redis_url):
    (tmp_path / "fresh").mkdir()
    fresh = make_project(tmp_path / "fresh", None)
    result = fresh.manage("check", "--deploy", check=False, WEB_CONCURRENCY="3")
    assert result.returncode == 0, result.stderr  # warnings only: nothing is broken
    found = ids(result.stderr)
    assert {"security.W008", "security.W011", "auth.W010", "auth.W011", "cache.W001",
            "queue.W001", "ops.W022", "ops.W001", "ops.I012", "ops.W020"} <= found, found
    strict = fresh.manage("check", "--deploy", "--fail-level", "WARNING", check=False,
                          WEB_CONCURRENCY="3")
    assert strict.returncode == 1 and "issue(s) at level WARNING" in strict.stderr

    url = fresh_schema(os.environ["RUSTFORGE_TEST_DATABASE_URL"], "rf_ops_hardened")
    (tmp_path / "hard").mkdir()
    hard = make_project(tmp_path / "hard", url)
    metrics_dir = tmp_path / "prom"
    metrics_dir.mkdir()
    env = {**HARDENED, "CACHE_URL": memcached.url, "REDIS_URL": redis_url,
           "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir)}
    (hard.root / ".env").unlink()  # production: nothing from the development .env
    result = hard.manage("check", "--deploy", "--fail-level", "WARNING",
                         "--silence", "ops.W020",  # STORAGE_ROOT: say it is a shared volume
                         check=False, **env)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues." in result.stdout

    # The same project with memcached gone fails, naming the check.
    memcached.stop()
    down = hard.manage("check", "--deploy", "--silence", "ops.W020", check=False, **env)
    assert down.returncode == 1 and "ops.E016" in down.stderr
