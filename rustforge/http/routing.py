"""Routes: the project's ``routes`` list and each app's, mounted under a prefix.

    from rustforge.http import route, include

    routes = [
        route("/", HomePage, name="home"),
        route("/posts/{id:int}", PostDetail, name="post-detail"),
        include("/api", "api.routes"),          # another module's ``routes``
    ]

A resource is a falcon responder class (instantiated once per process) or an
instance. Names are reversed with ``reverse("post-detail", id=3)``; an app's
routes are named ``"<label>:<name>"``.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from typing import Any

from rustforge.exceptions import ImproperlyConfigured, NoReverseMatch
from rustforge.services import services

_FIELD = re.compile(r"{([A-Za-z_][A-Za-z0-9_]*)(?::[^}]*)?}")


@dataclass(frozen=True)
class Route:
    path: str
    resource: Any
    name: str | None = None
    suffix: str | None = None


@dataclass(frozen=True)
class Include:
    prefix: str
    target: Any  # dotted module path, or a list of routes
    namespace: str | None = None


def route(path: str, resource: Any, *, name: str | None = None,
          suffix: str | None = None) -> Route:
    if not path.startswith("/"):
        raise ImproperlyConfigured(f"route {path!r} must start with '/'")
    return Route(path, resource, name, suffix)


def include(prefix: str, target: Any, *, namespace: str | None = None) -> Include:
    return Include(prefix, target, namespace)


def join(prefix: str, path: str) -> str:
    """``join("/blog", "/")`` is ``/blog``; trailing slashes are stripped
    from requests too (``STRIP_TRAILING_SLASH``), so both spellings match."""
    joined = (prefix.rstrip("/") + path).rstrip("/")
    return joined or "/"


def flatten(entries: list, prefix: str = "", namespace: str | None = None) -> list[Route]:
    """Expand includes into a flat list of routes with full paths and names."""
    flat: list[Route] = []
    for entry in entries:
        if isinstance(entry, Include):
            target = entry.target
            if isinstance(target, str):
                module = _import_routes_module(target, f"include({entry.prefix!r}, ...)")
                target = getattr(module, "routes", None)
                if target is None:
                    raise ImproperlyConfigured(f"include({entry.target!r}): module has no `routes`")
            ns = entry.namespace or namespace
            flat.extend(flatten(list(target), join(prefix, entry.prefix), ns))
        elif isinstance(entry, Route):
            name = entry.name
            if name and namespace:
                name = f"{namespace}:{name}"
            flat.append(Route(join(prefix, entry.path), entry.resource, name, entry.suffix))
        else:
            raise ImproperlyConfigured(
                f"routes entries must come from route() or include(), got {entry!r}")
    return flat


def _import_routes_module(dotted: str, where: str) -> Any:
    """Import a module of routes; a wrong name is one clear error with a hint."""
    try:
        return importlib.import_module(dotted)
    except ModuleNotFoundError as exc:
        if not exc.name or not (dotted == exc.name or dotted.startswith(exc.name + ".")):
            raise  # the module exists but imports something missing: show that
        from rustforge.apps.registry import suggest_module

        raise ImproperlyConfigured(
            f"{where}: cannot import {dotted!r}{suggest_module(dotted)}") from None


def collect_routes(settings, apps) -> list[Route]:
    """The project's routes, then each installed app's under its prefix (and
    its ``root_routes`` at the root)."""
    flat: list[Route] = []
    if settings.ROOT_ROUTES:
        module = _import_routes_module(settings.ROOT_ROUTES, "ROOT_ROUTES")
        flat.extend(flatten(list(getattr(module, "routes", []))))
    for config in apps.get_app_configs():
        app_routes = config.get_routes()
        if app_routes:
            prefix = settings.URL_PREFIXES.get(config.label, config.url_prefix)
            flat.extend(flatten(app_routes, prefix, config.label))
        root_routes = config.get_root_routes()
        if root_routes:
            flat.extend(flatten(root_routes, "", config.label))
    return flat


class Reverser:
    """Name -> path template, built once per process from the route table.

    It keeps that table (``routes``: ``create_app`` mounts it, the OpenAPI
    document describes it, so it is collected once per process) and each path
    template's responder suffix, so middleware can find the responder falcon
    will call (``responder_for``).
    """

    def __init__(self, routes: list[Route]) -> None:
        self.routes = routes
        self.templates: dict[str, str] = {}
        self.suffixes: dict[str, str] = {e.path: e.suffix for e in routes if e.suffix}
        for entry in routes:
            if entry.name:
                if entry.name in self.templates:
                    raise ImproperlyConfigured(f"two routes are named {entry.name!r}")
                self.templates[entry.name] = entry.path

    def reverse(self, name: str, /, **params: Any) -> str:
        try:
            template = self.templates[name]
        except KeyError:
            raise NoReverseMatch(f"no route named {name!r}") from None
        wanted = set(_FIELD.findall(template))
        if wanted != set(params):
            raise NoReverseMatch(
                f"route {name!r} takes {sorted(wanted)}, got {sorted(params)}")
        from urllib.parse import quote

        return _FIELD.sub(lambda m: quote(str(params[m.group(1)]), safe=""), template)


def _build_reverser() -> Reverser:
    from rustforge.apps import apps
    from rustforge.conf import settings

    apps.populate()
    return Reverser(collect_routes(settings, apps))


services.register("reverser", _build_reverser,
                  settings={"ROOT_ROUTES", "URL_PREFIXES", "INSTALLED_APPS"})


def project_routes() -> list[Route]:
    """The route table of this process, collected once (until a routing setting changes)."""
    return services.get("reverser").routes


def responder_for(req: Any, resource: Any) -> Any:
    """The responder method falcon calls for ``req`` (``on_post_refund`` for a
    route added with ``suffix="refund"``), or None. For middleware such as CSRF
    that honours marks on responders."""
    suffix = services.get("reverser").suffixes.get(getattr(req, "uri_template", None))
    name = f"on_{req.method.lower()}" + (f"_{suffix}" if suffix else "")
    return getattr(resource, name, None)


def reverse(name: str, /, **params: Any) -> str:
    """The path of the route called ``name`` with its fields filled in."""
    return services.get("reverser").reverse(name, **params)
