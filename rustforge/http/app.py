"""The WSGI application factory: one falcon.App per process.

    # mysite/wsgi.py
    from rustforge.http import get_wsgi_application
    application = get_wsgi_application("mysite.settings")

The factory loads settings and apps, builds the middleware chain once, adds the
project's and every app's routes, installs error handling and the request
body caps, and wraps the result in WhiteNoise for static files and in the
probes layer (``/healthz``, ``/readyz``, ``/metrics``, request ids).
"""

from __future__ import annotations

import importlib
import inspect
import logging
import os
from collections.abc import Callable
from typing import Any

import falcon
from falcon.routing.util import SuffixedMethodNotFoundError

from rustforge.conf import ENVIRONMENT_VARIABLE, settings
from rustforge.exceptions import ImproperlyConfigured
from rustforge.http.errors import handle_uncaught, serialize_error
from rustforge.http.limits import media_handlers
from rustforge.http.middleware.core import CoreMiddleware
from rustforge.http.response import json_handler, response_type
from rustforge.http.routing import LazyResource, project_routes

logger = logging.getLogger("rustforge.http")


def _load_middleware(path: str) -> Any:
    module_name, _, attr = path.rpartition(".")
    try:
        module = importlib.import_module(module_name)
    except (ImportError, ValueError):
        from rustforge.apps.registry import suggest_module

        raise ImproperlyConfigured(
            f"MIDDLEWARE: cannot import {path!r}{suggest_module(module_name or path)}") from None
    cls = getattr(module, attr, None)
    if cls is None:
        import difflib  # NOTE(memory): an error path; kept out of every worker

        hint = difflib.get_close_matches(attr, [n for n in dir(module) if not n.startswith("_")],
                                         n=1)
        raise ImproperlyConfigured(
            f"MIDDLEWARE: {module_name!r} has no {attr!r}"
            + (f"; did you mean '{module_name}.{hint[0]}'?" if hint else ""))
    if not inspect.isclass(cls):
        return cls
    params = [p for p in inspect.signature(cls).parameters.values()
              if p.default is inspect.Parameter.empty
              and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    factory: Callable[..., Any] = cls
    return factory(settings) if params else factory()


def _instantiate(entry: Any) -> Any:
    """What falcon mounts: a stand-in for a lazy route, else one instance per class."""
    if entry.lazy:
        return LazyResource(entry.resource)
    return entry.resource() if inspect.isclass(entry.resource) else entry.resource


def _describe(entry: Any) -> str:
    if entry.lazy:
        text = entry.resource
    else:
        resource = entry.resource if inspect.isclass(entry.resource) else type(entry.resource)
        text = f"{resource.__module__}.{resource.__qualname__}"
    return f"{text}, suffix {entry.suffix!r}" if entry.suffix else text


def _answer_head_like_get(resource: Any, suffix: str | None) -> None:
    """Let HEAD reach ``on_get`` where the resource has no ``on_head``.

    falcon drops the body of a HEAD response and keeps its Content-Length,
    so this is the HEAD a load balancer's health check or a link checker
    expects (as in Django). Done once per route at start-up, not per request.
    """
    tail = f"_{suffix}" if suffix else ""
    get = getattr(resource, f"on_get{tail}", None)
    if get is not None and not hasattr(resource, f"on_head{tail}"):
        try:
            setattr(resource, f"on_head{tail}", get)
        except (AttributeError, TypeError):  # __slots__ or a read-only object: leave it
            pass


def create_app() -> falcon.App:
    """Build the bare falcon application (no static files)."""
    return _create_app(None)


def _create_app(id_header: str | None) -> falcon.App:
    """``create_app()``; its responses end with the request id header ``id_header``
    (the probes layer's id) when that is given."""
    from rustforge.apps import apps
    from rustforge.logging import configure_logging

    configure_logging()
    apps.populate()
    core, rest = CoreMiddleware.first_of(
        settings, [_load_middleware(path) for path in settings.MIDDLEWARE])
    app = falcon.App(middleware=[core, *rest], independent_middleware=True,
                     response_type=response_type(id_header))
    app.req_options.strip_url_path_trailing_slash = settings.STRIP_TRAILING_SLASH
    app.req_options.media_handlers = media_handlers(settings)
    app.req_options.auto_parse_qs_csv = False
    # PERF: the same JSON as falcon's default handler, without json.dumps'
    # per-call encoder (rustforge.http.response._serialize).
    app.resp_options.media_handlers[falcon.MEDIA_JSON] = json_handler()
    app.set_error_serializer(serialize_error)
    app.add_error_handler(Exception, handle_uncaught)

    instances: dict[Any, Any] = {}
    for entry in project_routes():
        key = entry.resource if entry.lazy else id(entry.resource)
        if key not in instances:  # one instance per resource class, shared by its routes
            instances[key] = _instantiate(entry)
        if entry.lazy:
            instances[key].declare(entry.methods, entry.suffix)
        _answer_head_like_get(instances[key], entry.suffix)
        try:
            app.add_route(entry.path, instances[key], suffix=entry.suffix)
        except (ValueError, TypeError, SuffixedMethodNotFoundError) as exc:
            raise ImproperlyConfigured(f"route {entry.path!r} ({_describe(entry)}): {exc}") \
                from None
    return app


def get_wsgi_application(settings_module: str | None = None):
    """The WSGI callable gunicorn and ``runserver`` serve."""
    if settings_module:
        os.environ.setdefault(ENVIRONMENT_VARIABLE, settings_module)
    from rustforge.http.probes import wrap_probes
    from rustforge.http.static import static_application

    # PERF: falcon's Response appends the request id header itself, so the
    # probes layer needs no start_response wrapper for it (rustforge.http.response).
    app = _create_app(settings.REQUEST_ID_HEADER)
    return wrap_probes(app, *static_application(app), app_sends_id=True)
