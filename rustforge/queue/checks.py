"""System checks of the job queue settings and periodic jobs (``manage.py check``)."""

from __future__ import annotations

from typing import Any

from rustforge import health
from rustforge.checks import Error, Warning, register


@register("queue")
def check_redis_url(app_configs: Any, **kwargs: Any) -> list:
    from urllib.parse import urlsplit

    from rustforge.conf import settings

    url = settings.REDIS_URL
    if url and urlsplit(url).scheme not in ("redis", "rediss", "unix"):
        return [Error(f"REDIS_URL {url!r} is not a redis://, rediss:// or unix:// URL",
                      id="queue.E001")]
    return []


@register("queue")
def check_periodic_jobs(app_configs: Any, **kwargs: Any) -> list:
    from rustforge.queue.periodic import discover

    try:
        discover()
    except Exception as exc:  # noqa: BLE001 - a broken jobs module is reported, not raised
        return [Error(f"periodic jobs could not be loaded: {type(exc).__name__}: {exc}",
                      hint="check the apps' jobs.py modules", id="queue.E002")]
    return []


@register("queue", deploy=True)
def check_inline_jobs(app_configs: Any, **kwargs: Any) -> list:
    from rustforge.conf import settings

    if not settings.REDIS_URL:
        return [Warning("REDIS_URL is empty: background jobs run inline, inside the request "
                        "that enqueues them",
                        hint="set REDIS_URL and run `manage.py rqworker`", id="queue.W001")]
    return []


@health.register("redis")
def redis_ready() -> str:
    """Redis answers PING (skipped when jobs run inline)."""
    from rustforge.conf import settings
    from rustforge.queue.connection import get_redis

    if not settings.REDIS_URL:
        return "not used (jobs run inline)"
    get_redis().ping()
    return "ping"
