"""System checks of the cache, queue and rate-limit settings."""

import pytest

# Each subsystem registers its checks when its package is imported.
import rustforge.cache
import rustforge.queue
import rustforge.ratelimit  # noqa: F401
from rustforge.checks import run_checks


def ids(**kwargs):
    return {m.id for m in run_checks(**kwargs)}


def test_defaults_pass():
    assert not {i for i in ids() if i.split(".")[0] in ("cache", "queue", "ratelimit")}


def test_deploy_warns_about_per_process_cache_and_inline_jobs(settings):
    settings.CACHE_URL = "locmem://"
    settings.REDIS_URL = ""
    found = ids(include_deploy=True)
    assert {"cache.W001", "queue.W001"} <= found
    settings.CACHE_URL = "memcached://127.0.0.1:11211"
    settings.REDIS_URL = "redis://127.0.0.1:6379/0"
    found = ids(include_deploy=True)
    assert not {"cache.W001", "queue.W001"} & found


@pytest.mark.parametrize("name, value, check_id", [
    ("CACHE_URL", "memcache://x", "cache.E001"),
    ("CACHE_URL", "memcached://h:1?timeout=soon", "cache.E001"),
    ("CACHES", {"sessions": "redis://h:6379/x"}, "cache.E002"),
    ("CACHES", {"pages": {"URL": "locmem://", "TTL": 3}}, "cache.E002"),
    ("CACHES", ["redis://h"], "cache.E002"),
    ("REDIS_URL", "http://localhost:6379", "queue.E001"),
    ("RATELIMITS", {"api": {"rate": "lots"}}, "ratelimit.E001"),
    ("RATELIMITS", {"api": {"rate": "5/m"}}, "ratelimit.E002"),  # middleware missing
])
def test_bad_settings_are_errors(settings, name, value, check_id):
    setattr(settings, name, value)
    assert check_id in ids()


def test_these_checks_do_not_import_falcon(run_cli):
    code = ("import sys\n"
            "from rustforge.cache.checks import check_cache_url, check_cache_shared\n"
            "from rustforge.queue.checks import check_redis_url, check_inline_jobs\n"
            "from rustforge.ratelimit.checks import check_ratelimits\n"
            "for check in (check_cache_url, check_cache_shared, check_redis_url,\n"
            "              check_inline_jobs, check_ratelimits):\n"
            "    check(app_configs=None)\n"
            "print('falcon' in sys.modules)")
    import os
    import sys
    from pathlib import Path

    tests = str(Path(__file__).resolve().parents[1])
    result = run_cli([sys.executable, "-c", code],
                     env={"RUSTFORGE_SETTINGS_MODULE": "testproject.settings",
                          "PYTHONPATH": tests + os.pathsep + os.environ.get("PYTHONPATH", "")})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"
