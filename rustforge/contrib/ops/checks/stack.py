"""Deploy checks of the stack: workers, shared state, caps, timeouts, metrics, services.

Several gunicorn workers (and several hosts) share nothing but the backends
the settings name; every backend that would keep state in one process or on
one disk is reported here or by its own subsystem (``cache.W001``,
``queue.W001``, ``mail.W001``).
"""

from __future__ import annotations

import multiprocessing
import os
import zoneinfo
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from rustforge import health, metrics
from rustforge.apps import apps
from rustforge.checks import Error, Info, Warning, register
from rustforge.conf import settings


def expected_workers() -> int:
    """Workers per host as the deploy gunicorn.conf.py computes them."""
    raw = os.environ.get("WEB_CONCURRENCY", "")
    try:
        return max(int(raw), 1)
    except ValueError:
        return multiprocessing.cpu_count() * 2 + 1


def _scheme(url: str | None, default: str) -> str:
    return (url or default).split(":", 1)[0].lower()


@register("ops", deploy=True)
def check_shared_state(app_configs: Any, **kwargs: Any) -> list:
    messages = []
    workers = expected_workers()
    if _scheme(settings.DATABASE_URL, "sqlite").startswith("sqlite"):
        messages.append(Warning(
            f"DATABASE_URL is SQLite with {workers} worker(s): writes are serialised and "
            "the file lives on one host, so the site cannot grow past one machine",
            hint="Use postgresql://... in production.", id="ops.W001"))
    cache = _scheme(settings.CACHE_URL, "locmem")
    if settings.SESSION_ENGINE == "cache" and cache in ("locmem", "dummy"):
        messages.append(Error(
            f"SESSION_ENGINE is 'cache' on {cache}://: sessions live in one worker's memory "
            "and are lost or unseen by the others", hint="Use memcached:// or "
            'SESSION_ENGINE = "db".', id="ops.E002"))
    if settings.RATELIMITS and cache in ("locmem", "dummy"):
        messages.append(Warning(
            f"RATELIMITS count in {cache}://: each worker counts on its own, so the real "
            f"limit is up to {workers} times the configured one",
            hint="Use memcached:// for CACHE_URL.", id="ops.W003"))
    if settings.STORAGE_BACKEND == "rustforge.storage.FileSystemStorage":
        root = settings.STORAGE_ROOT or "BASE_DIR/storage"
        messages.append(Warning(
            f"STORAGE_BACKEND keeps exports and uploads on this host's disk ({root}): "
            "another host (or a replaced container) cannot serve them",
            hint="Point STORAGE_ROOT at a volume every host mounts (NFS, a ReadWriteMany "
                 "volume) and silence ops.W020, or name another STORAGE_BACKEND.",
            id="ops.W020"))
        if settings.STORAGE_ROOT and Path(settings.STORAGE_ROOT).is_dir() and not os.access(
                settings.STORAGE_ROOT, os.W_OK | os.X_OK):
            messages.append(Error(f"STORAGE_ROOT {settings.STORAGE_ROOT} is not writable",
                                  hint="chown it to the user the site runs as.",
                                  id="ops.E021"))
    if not settings.STATIC_ROOT:
        messages.append(Warning("STATIC_ROOT is not set: static files are served from the "
                                "app folders, unhashed and uncompressed",
                                hint="Set STATIC_ROOT and run `manage.py collectstatic`.",
                                id="ops.W004"))
    return messages


@register("ops", deploy=True)
def check_caps(app_configs: Any, **kwargs: Any) -> list:
    messages = []
    if settings.MAX_BODY_SIZE > 100 * 1024 * 1024:
        messages.append(Warning(
            f"MAX_BODY_SIZE is {settings.MAX_BODY_SIZE} bytes: one upload can hold a sync "
            "worker and its memory for long", hint="Keep it at what the site needs (and "
            "the same as nginx's client_max_body_size).", id="ops.W005"))
    if settings.MAX_FORM_FIELDS > 10_000 or settings.MAX_JSON_DEPTH > 256:
        messages.append(Warning("MAX_FORM_FIELDS or MAX_JSON_DEPTH is very large: parsing "
                                "hostile bodies costs CPU", hint="Keep the defaults "
                                "(1000 fields, depth 64).", id="ops.W006"))
    return messages


def _timeout_bad(value: Any, limit: float) -> bool:
    try:
        return value is None or float(value) <= 0 or float(value) > limit
    except (TypeError, ValueError):
        return True


@register("ops", deploy=True)
def check_timeouts(app_configs: Any, **kwargs: Any) -> list:
    messages = []
    if _scheme(settings.CACHE_URL, "locmem") in ("memcached", "pymemcache"):
        options = dict(parse_qsl(urlsplit(settings.CACHE_URL).query))
        options.update({k: v for k, v in settings.CACHE_OPTIONS.items()})
        for name in ("timeout", "connect_timeout"):
            if name in options and _timeout_bad(options[name], 5):
                messages.append(Warning(
                    f"memcached {name} is {options[name]!r}: a hung memcached would hold "
                    "every worker", hint="Keep it under a second (defaults 0.25 s / 0.5 s).",
                    id="ops.W007"))
    if settings.REDIS_URL and (_timeout_bad(settings.REDIS_CONNECT_TIMEOUT, 10)
                               or _timeout_bad(settings.REDIS_SOCKET_TIMEOUT, 30)):
        messages.append(Warning("REDIS_CONNECT_TIMEOUT / REDIS_SOCKET_TIMEOUT is missing or "
                                "long: enqueueing while Redis hangs would hang requests",
                                hint="Keep them at a few seconds.", id="ops.W008"))
    mail = _scheme(str(settings.EMAIL_URL), "console")
    # The mail app reports this itself (mail.W001) when it is installed.
    if mail in ("console", "memory", "locmem", "dummy", "file") and not apps.is_installed(
            "rustforge.contrib.mail"):
        messages.append(Warning(f"EMAIL_URL uses the {mail}:// backend: password resets and "
                                "error mail never leave this machine",
                                hint="Set EMAIL_URL to smtp://... in production.",
                                id="ops.W022"))
    if _timeout_bad(settings.EMAIL_TIMEOUT, 60):
        messages.append(Warning("EMAIL_TIMEOUT is missing or over a minute",
                                hint="Keep it at about 10 s; queue mail with EMAIL_QUEUE.",
                                id="ops.W009"))
    try:
        zoneinfo.ZoneInfo(settings.TIME_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError):
        messages.append(Error(f"TIME_ZONE {settings.TIME_ZONE!r} is not a known time zone",
                              hint='e.g. "Europe/Amsterdam" or "UTC"', id="ops.E010"))
    return messages


@register("ops", deploy=True)
def check_metrics(app_configs: Any, **kwargs: Any) -> list:
    if not settings.METRICS_ENABLED:
        return [Info("METRICS_ENABLED is off: /metrics is not served", id="ops.I011")]
    path = metrics.multiprocess_dir()
    workers = expected_workers()
    if not path:
        # The project's gunicorn.conf.py sets one when it starts, so this is only
        # a reminder for servers started some other way.
        if workers > 1:
            return [Info(
                f"{metrics.MULTIPROC_ENV} is not set here: with {workers} workers a server "
                "started without the project's gunicorn.conf.py would report one worker's "
                "counts per scrape", hint="gunicorn.conf.py and deploy/entrypoint.sh set and "
                "prepare it.", id="ops.I012")]
        return []
    folder = Path(path)
    if not folder.is_dir():
        return [Error(f"{metrics.MULTIPROC_ENV}={path} does not exist",
                      hint="Create it before the workers start (deploy/entrypoint.sh does).",
                      id="ops.E013")]
    if not os.access(folder, os.W_OK | os.X_OK):
        return [Error(f"{metrics.MULTIPROC_ENV}={path} is not writable by this user",
                      hint="chown it to the user gunicorn runs as.", id="ops.E014")]
    return []


# What /readyz checks, failing as deploy errors: the site would not start serving.
_SERVICE_IDS = {"database": "ops.E015", "cache": "ops.E016", "redis": "ops.E017"}


@register("ops", deploy=True)
def check_services(app_configs: Any, **kwargs: Any) -> list:
    import rustforge.cache
    import rustforge.queue  # noqa: F401  (their readiness checks register on import)

    messages = []
    for result in health.run():
        if result.ok:
            continue
        if result.name == "migrations":
            # A warning: a release pipeline runs `check --deploy` before `migrate`.
            if result.error.startswith("PendingMigrations"):
                messages.append(Warning(
                    f"migrations are pending: {result.error.split(': ', 1)[1]}",
                    hint="Run `manage.py migrate` before the new code serves (/readyz stays "
                         "503 until then).", id="ops.W018"))
            continue  # an unreachable database is reported once, below
        check_id = _SERVICE_IDS.get(result.name, "ops.E019")
        messages.append(Error(f"{result.name} is not reachable: {result.error}",
                              hint="See `manage.py doctor`.", id=check_id))
    return messages
