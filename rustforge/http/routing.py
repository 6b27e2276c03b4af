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

A resource class may also be named by its dotted path, with the methods it
answers; its module is then imported by the route's first request, not when
the application is built:

    route("/reports/{id}", "reports.resources.ReportPage", methods=("GET", "POST"))

falcon reads a resource's responders when the route is added, so ``methods``
stands in for them until then (405 with ``Allow``, ``OPTIONS``, ``HEAD`` like
``GET`` behave as with the class itself). ``manage.py check`` imports the
class and reports ``methods`` that differ from its ``on_*`` responders.
"""

from __future__ import annotations

import importlib
import re
import threading
from dataclasses import dataclass
from typing import Any

from falcon.constants import COMBINED_METHODS

from rustforge.exceptions import ImproperlyConfigured, NoReverseMatch
from rustforge.importing import import_string
from rustforge.services import services

_FIELD = re.compile(r"{([A-Za-z_][A-Za-z0-9_]*)(?::[^}]*)?}")


# Every method a responder can answer, the usual ones first (``manage.py routes``).
_USUAL_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
_METHOD_ORDER = _USUAL_METHODS + tuple(m for m in COMBINED_METHODS
                                       if m not in _USUAL_METHODS and m != "WEBSOCKET")


@dataclass(frozen=True)
class Route:
    path: str
    resource: Any  # a class, an instance, or a class's dotted path (``methods`` then)
    name: str | None = None
    suffix: str | None = None
    methods: tuple[str, ...] = ()

    @property
    def lazy(self) -> bool:
        """The resource is named by its dotted path, imported on first request."""
        return isinstance(self.resource, str)

    def load(self) -> Any:
        """The resource class or instance, imported if the route names it."""
        return import_string(self.resource) if self.lazy else self.resource


@dataclass(frozen=True)
class Include:
    prefix: str
    target: Any  # dotted module path, or a list of routes
    namespace: str | None = None


def route(path: str, resource: Any, *, name: str | None = None,
          suffix: str | None = None, methods: tuple[str, ...] | list[str] = ()) -> Route:
    if not path.startswith("/"):
        raise ImproperlyConfigured(f"route {path!r} must start with '/'")
    if isinstance(resource, str):
        if not methods:
            raise ImproperlyConfigured(
                f"route {path!r}: a resource named by its path ({resource!r}) needs the "
                "methods it answers, methods=(\"GET\", ...)")
        unknown = [m for m in methods if m not in _METHOD_ORDER]
        if unknown:
            raise ImproperlyConfigured(
                f"route {path!r}: unknown HTTP method {unknown[0]!r} (methods are upper case)")
    elif methods:
        raise ImproperlyConfigured(
            f"route {path!r}: methods= is for a resource named by its dotted path; "
            "falcon reads the responders of a class or instance itself")
    return Route(path, resource, name, suffix, tuple(methods))


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
            flat.append(Route(join(prefix, entry.path), entry.resource, name, entry.suffix,
                              entry.methods))
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
    that honours marks on responders (a lazy route's resource is imported)."""
    suffix = services.get("reverser").suffixes.get(getattr(req, "uri_template", None))
    name = f"on_{req.method.lower()}" + (f"_{suffix}" if suffix else "")
    if isinstance(resource, LazyResource):
        resource = resource.resource
    return getattr(resource, name, None)


def responder_methods(resource: Any, suffix: str | None = None) -> list[str]:
    """The HTTP methods ``resource`` has responders for (``on_get``, or
    ``on_get_<suffix>``), in the order ``manage.py routes`` lists them."""
    tail = f"_{suffix}" if suffix else ""
    return [m for m in _METHOD_ORDER if callable(getattr(resource, f"on_{m.lower()}{tail}", None))]


class LazyResource:
    """What falcon mounts for routes that name their resource by dotted path.

    It has a responder for each method those routes declare, which imports the
    class, makes its one instance and calls the real responder (hooks such as
    ``login_required`` run there). Any other attribute (``csrf_exempt``, ...)
    is read from the real instance, importing it if need be. Undeclared
    responders are absent, so falcon answers 405 without importing anything.
    """

    def __init__(self, dotted: str) -> None:
        self.dotted = dotted
        self._resource: Any = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"<LazyResource {self.dotted}>"

    def declare(self, methods: tuple[str, ...], suffix: str | None = None) -> None:
        """Add the responders of one route (``on_post_revoke`` for ``suffix="revoke"``)."""
        tail = f"_{suffix}" if suffix else ""
        for method in methods:
            name = f"on_{method.lower()}{tail}"
            if name not in self.__dict__:
                setattr(self, name, self._responder(name))

    def _responder(self, name: str) -> Any:
        def responder(req: Any, resp: Any, **params: Any) -> Any:
            return getattr(self.resource, name)(req, resp, **params)

        responder.__name__ = responder.__qualname__ = name
        return responder

    @property
    def resource(self) -> Any:
        """The real resource: the class's one instance, made on first use."""
        resource = self._resource
        if resource is None:
            with self._lock:  # gthread workers: two first requests make one instance
                if self._resource is None:
                    self._resource = import_string(self.dotted)()
                resource = self._resource
        return resource

    def __getattr__(self, name: str) -> Any:
        # Only names missing from the proxy get here: an undeclared responder is
        # absent (falcon probes every on_* name when the route is added).
        if name.startswith(("on_", "__")) or name in ("dotted", "_resource", "_lock"):
            raise AttributeError(name)
        return getattr(self.resource, name)


def reverse(name: str, /, **params: Any) -> str:
    """The path of the route called ``name`` with its fields filled in."""
    return services.get("reverser").reverse(name, **params)
