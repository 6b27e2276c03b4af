"""Static files through WhiteNoise, in development and in production.

Files are looked up in ``STATICFILES_DIRS`` first, then in every app's
``static/`` folder, and, once ``collectstatic`` has run, in ``STATIC_ROOT``
(which WhiteNoise serves with far-future caching for hashed names).
"""

from __future__ import annotations

from pathlib import Path

from whitenoise import WhiteNoise

from rustforge.conf import settings


def static_dirs() -> list[Path]:
    """Source folders, highest priority first."""
    from rustforge.apps import apps

    base = Path(settings.BASE_DIR) if settings.BASE_DIR else Path.cwd()
    dirs = [base / d for d in settings.STATICFILES_DIRS]
    dirs += [c.static_dir for c in apps.get_app_configs() if c.static_dir]
    return [d for d in dirs if d.is_dir()]


def static_application(app) -> tuple[WhiteNoise, str]:
    """WhiteNoise in front of ``app``, and the path prefix it must see.

    The prefix is ``""`` (every path) when static files share the URL space;
    otherwise only paths under ``STATIC_URL`` need WhiteNoise's decode and
    lookup (PERF: every other request pays one ``str.startswith``, made by
    the outermost layer, ``rustforge.http.probes``).
    """
    prefix = settings.STATIC_URL
    wrapped = WhiteNoise(app, autorefresh=bool(settings.DEBUG), max_age=0 if settings.DEBUG else 3600)
    # WhiteNoise lets a later add_files win, so add the lowest priority first.
    sources = list(reversed(static_dirs()))
    if settings.STATIC_ROOT and Path(settings.STATIC_ROOT).is_dir():
        sources.append(Path(settings.STATIC_ROOT))
    for folder in sources:
        wrapped.add_files(str(folder), prefix=prefix)
    if not prefix.startswith("/") or prefix == "/":
        return wrapped, ""  # static files share the URL space: WhiteNoise sees everything
    return wrapped, prefix
