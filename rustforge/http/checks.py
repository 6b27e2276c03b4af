"""The web layer's checks, registered with ``rustforge.checks`` when ``rustforge.http`` loads."""

from __future__ import annotations

import inspect
from typing import Any

from rustforge.apps import apps
from rustforge.checks import Error, register
from rustforge.conf import settings
from rustforge.http.routing import Reverser, collect_routes, responder_methods


@register("core")
def check_routes(app_configs: Any, **kwargs: Any) -> list:
    """The route modules import, every route name is unique, and each route that
    names its resource by dotted path declares the methods that class answers."""
    try:
        routes = Reverser(collect_routes(settings, apps)).routes
    except Exception as exc:  # noqa: BLE001 - any failure here is the check's finding
        return [Error(f"routes cannot be loaded: {exc}", id="urls.E001")]
    return [error for entry in routes if entry.lazy for error in _lazy_route_errors(entry)]


def _lazy_route_errors(entry: Any) -> list:
    """A lazy route's class is imported on its first request: import it now."""
    try:
        resource = entry.load()
    except Exception as exc:  # noqa: BLE001 - any failure here is the check's finding
        return [Error(f"route {entry.path!r}: cannot import {entry.resource!r}: {exc}",
                      id="urls.E002")]
    if not inspect.isclass(resource):
        return [Error(f"route {entry.path!r}: {entry.resource!r} is not a class",
                      id="urls.E002")]
    answers = responder_methods(resource, entry.suffix)
    if set(answers) != set(entry.methods):
        responders = "on_<method>" + (f"_{entry.suffix}" if entry.suffix else "")
        return [Error(
            f"route {entry.path!r} declares methods {', '.join(entry.methods)} but "
            f"{entry.resource} has {responders} for {', '.join(answers) or 'none'}",
            hint="falcon answers only the declared methods; list the class's responders",
            id="urls.E003")]
    return []
