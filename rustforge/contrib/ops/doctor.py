"""What ``manage.py doctor`` looks at: the environment, the services, the checks.

Each finding is a :class:`Row`; ``ok`` False makes the command exit 1.
Secrets never appear: URLs lose their passwords, keys are described by
where they come from and how long they are.
"""

from __future__ import annotations

import importlib.metadata
import os
import platform
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from rustforge import __version__, health, metrics
from rustforge.conf import ENVIRONMENT_VARIABLE, settings
from rustforge.contrib.ops.checks.security import weak_secret
from rustforge.contrib.ops.checks.stack import expected_workers

PACKAGES = ("falcon", "gunicorn", "peewee", "peewee-migrate", "psycopg2-binary", "pymemcache",
            "redis", "rq", "prometheus-client", "jinja2", "libpass", "argon2-cffi", "oauthlib",
            "graphql-core", "whitenoise")


@dataclass
class Row:
    section: str
    name: str
    value: str
    ok: bool = True
    note: str = ""


def mask_url(url: str) -> str:
    """``scheme://user:***@host/db``: the password never printed."""
    if not url or "://" not in url:
        return url or "(empty)"
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = f"{parts.username}:***@{parts.hostname}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def _version(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def _writable(path: Path) -> tuple[bool, str]:
    probe = path if path.is_dir() else path.parent
    if not probe.exists():
        return False, "does not exist"
    return (os.access(probe, os.W_OK | os.X_OK),
            "writable" if os.access(probe, os.W_OK | os.X_OK) else "not writable")


def environment() -> list[Row]:
    rows = [Row("environment", "python", f"{platform.python_version()} ({sys.executable})"),
            Row("environment", "rustforge", __version__)]
    rows += [Row("packages", name, _version(name)) for name in PACKAGES]
    key = settings.SECRET_KEY or ""
    source = "environment (SECRET_KEY)" if os.environ.get("SECRET_KEY") == key and key \
        else "settings module"
    weak = weak_secret(key) if key else "it is empty"
    rows += [
        Row("settings", "module", settings.SETTINGS_MODULE
            or os.environ.get(ENVIRONMENT_VARIABLE, "(none)")),
        Row("settings", "DEBUG", str(settings.DEBUG), ok=True,
            note="never on in production" if settings.DEBUG else ""),
        Row("settings", "SECRET_KEY", f"from {source}, {len(key)} characters",
            ok=len(key) >= 32 and not weak, note=weak or ("shorter than 32" if len(key) < 32
                                                          else "")),
        Row("settings", "ALLOWED_HOSTS", ", ".join(settings.ALLOWED_HOSTS) or "(empty)",
            ok=bool(settings.ALLOWED_HOSTS) or settings.DEBUG),
        Row("settings", "DATABASE_URL", mask_url(settings.DATABASE_URL)),
        Row("settings", "CACHE_URL", mask_url(settings.CACHE_URL)),
        Row("settings", "REDIS_URL", mask_url(settings.REDIS_URL) if settings.REDIS_URL
            else "(empty: jobs run inline)"),
        Row("settings", "EMAIL_URL", mask_url(str(settings.EMAIL_URL))),
        Row("workers", "gunicorn workers", str(expected_workers()),
            note="WEB_CONCURRENCY" if os.environ.get("WEB_CONCURRENCY") else "2 x CPUs + 1"),
        Row("workers", "metrics", "on" if settings.METRICS_ENABLED else "off",
            note=f"{metrics.MULTIPROC_ENV}={metrics.multiprocess_dir() or '(unset)'}"),
    ]
    return rows + writable_dirs()


def writable_dirs() -> list[Row]:
    folders: dict[str, Path] = {"temporary files": Path(tempfile.gettempdir())}
    if str(settings.DATABASE_URL).startswith("sqlite") and ":memory:" not in \
            settings.DATABASE_URL:
        name = settings.DATABASE_URL.split("://", 1)[1].split("?", 1)[0].removeprefix("/")
        folders["SQLite database folder"] = Path(name).resolve().parent
    if settings.STATIC_ROOT:
        folders["STATIC_ROOT"] = Path(settings.STATIC_ROOT)
    multiprocess = metrics.multiprocess_dir()
    if multiprocess:
        folders[metrics.MULTIPROC_ENV] = Path(multiprocess)
    rows = []
    for name, folder in folders.items():
        ok, text = _writable(folder)
        rows.append(Row("directories", name, str(folder), ok=ok, note="" if ok else text))
    return rows


def services() -> list[Row]:
    import rustforge.cache
    import rustforge.queue  # noqa: F401  (their readiness checks register on import)

    return [Row("services", result.name, "ok" if result.ok else "FAILED", ok=result.ok,
                note=(result.error or result.detail) + f" ({result.seconds * 1000:.0f} ms)")
            for result in health.run()]


def system_checks(deploy: bool) -> list[Row]:
    from rustforge.checks import ERROR, WARNING, run_checks

    messages = run_checks(include_deploy=deploy)
    errors = [m.id or "?" for m in messages if m.level >= ERROR]
    warnings = [m.id or "?" for m in messages if WARNING <= m.level < ERROR]
    what = "check --deploy" if deploy else "check"
    return [Row("checks", f"{what}: errors", str(len(errors)), ok=not errors,
                note=", ".join(errors)),
            Row("checks", f"{what}: warnings", str(len(warnings)), note=", ".join(warnings))]


def diagnose(deploy: bool = False) -> list[Row]:
    return environment() + services() + system_checks(deploy)


def as_table(rows: list[Row]) -> str:
    widths = [max(len(getattr(r, f)) for r in rows) for f in ("section", "name", "value")]
    lines = []
    for row in rows:
        mark = "ok " if row.ok else "BAD"
        cells = [row.section.ljust(widths[0]), row.name.ljust(widths[1]),
                 row.value.ljust(widths[2])]
        lines.append(f"{mark} {'  '.join(cells)}  {row.note}".rstrip())
    return "\n".join(lines)


def as_json(rows: list[Row]) -> list[dict]:
    return [asdict(row) for row in rows]
