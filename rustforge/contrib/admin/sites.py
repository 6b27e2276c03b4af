"""The admin site: the registry of models and their ``ModelAdmin``.

    from rustforge.contrib import admin

    admin.site.register(Tag)                      # default options

    @admin.register(Post)                         # or a decorator with options
    class PostAdmin(admin.ModelAdmin):
        list_display = ["title", "author"]

    admin.site.add_action(export_csv)             # offered on every list page

Apps register in their ``admin.py``; the admin app imports each installed
app's ``admin`` module when the apps are ready (``autodiscover``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import peewee

from rustforge.contrib.admin.actions import delete_selected, restore_selected
from rustforge.contrib.admin.options import ModelAdmin
from rustforge.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class Link:
    title: str
    route_name: str
    allowed: Callable[[Any], bool] | None


class AlreadyRegistered(ImproperlyConfigured):
    pass


class NotRegistered(ImproperlyConfigured):
    pass


class AdminSite:
    """Registered models, site-wide actions and the titles of the pages."""

    def __init__(self) -> None:
        self._registry: dict[type[peewee.Model], ModelAdmin] = {}
        self.actions: list[Callable] = [delete_selected, restore_selected]
        self.links: list[Link] = []

    # Registration ----------------------------------------------------------------------
    def register(self, model_or_models: Any, admin_class: type[ModelAdmin] | None = None,
                 **options: Any) -> None:
        """Register one model (or several) with ``admin_class`` (default ``ModelAdmin``);
        keyword options make a subclass on the fly (``register(Tag, search_fields=["name"])``)."""
        # A model class is iterable itself (peewee iterates its rows): test it first.
        models = [model_or_models] if isinstance(model_or_models, type) \
            or not isinstance(model_or_models, Iterable) else list(model_or_models)
        admin_class = admin_class or ModelAdmin
        if options:
            admin_class = type(f"{admin_class.__name__}Options", (admin_class,), options)
        for model in models:
            if not (isinstance(model, type) and issubclass(model, peewee.Model)):
                raise ImproperlyConfigured(f"admin.site.register: {model!r} is not a model")
            if model in self._registry:
                raise AlreadyRegistered(
                    f"{model.__name__} is registered already (by "
                    f"{type(self._registry[model]).__name__}); unregister it first")
            self._registry[model] = admin_class(model, self)

    def unregister(self, model: type[peewee.Model]) -> None:
        if model not in self._registry:
            raise NotRegistered(f"{model.__name__} is not registered")
        del self._registry[model]

    def is_registered(self, model: type[peewee.Model]) -> bool:
        return model in self._registry

    def add_action(self, function: Any, name: str | None = None) -> None:
        """Offer a bulk action on every list page (``fn(model_admin, req, resp, queryset)``)."""
        if name:
            function.action_name = name
        key = name or function.__name__
        self.actions = [a for a in self.actions
                        if (getattr(a, "action_name", None) or a.__name__) != key]
        self.actions.append(function)

    def remove_action(self, name: str) -> None:
        self.actions = [a for a in self.actions
                        if (getattr(a, "action_name", None) or a.__name__) != name]

    def add_link(self, title: str, route_name: str, *,
                 allowed: Callable[[Any], bool] | None = None) -> None:
        """Show a page of another app (a dashboard, a report) on the admin's front
        page, to the users ``allowed(user)`` accepts (default: every staff user).
        ``route_name`` is resolved when the page is drawn, so an app's ``admin.py``
        can add its link before the routes are collected."""
        link = Link(title, route_name, allowed)
        titles = [existing.title for existing in self.links]
        if title in titles:  # the same title again replaces it, in its place
            self.links[titles.index(title)] = link
        else:
            self.links.append(link)

    def links_for(self, user: Any) -> list[dict[str, str]]:
        """The added links ``user`` may follow, as ``{"title", "url"}``."""
        from rustforge.http.routing import reverse

        return [{"title": link.title, "url": reverse(link.route_name)}
                for link in self.links if link.allowed is None or link.allowed(user)]

    # Lookups ---------------------------------------------------------------------------
    def model_admin(self, app_label: str, model_name: str) -> ModelAdmin | None:
        for model_admin in self._registry.values():
            if model_admin.app_label == app_label and model_admin.model_name == model_name:
                return model_admin
        return None

    def admin_for(self, model: type[peewee.Model]) -> ModelAdmin | None:
        return self._registry.get(model)

    def model_admins(self) -> list[ModelAdmin]:
        return list(self._registry.values())

    def app_list(self, user: Any) -> list[dict[str, Any]]:
        """Apps and the models ``user`` may see, sorted, with what they may do."""
        from rustforge.apps import apps

        groups: dict[str, dict[str, Any]] = {}
        for model_admin in self._registry.values():
            perms = model_admin.permissions_of(user)
            if not any(perms.values()):
                continue
            label = model_admin.app_label
            if label not in groups:
                try:
                    title = apps.get_app_config(label).verbose_name
                except LookupError:
                    title = label.replace("_", " ").title()
                groups[label] = {"label": label, "name": title, "models": []}
            groups[label]["models"].append({"admin": model_admin, "perms": perms,
                                            "name": model_admin.verbose_name_plural})
        out = sorted(groups.values(), key=lambda g: g["name"].lower())
        for group in out:
            group["models"].sort(key=lambda m: m["name"].lower())
        return out


def autodiscover() -> list[str]:
    """Import ``<app>.admin`` of every installed app; the names imported."""
    from rustforge.apps import apps

    found = []
    for config in apps.get_app_configs():
        if config.import_submodule("admin") is not None:
            found.append(config.name)
    return found


# The site every app registers with (``from rustforge.contrib import admin``).
site = AdminSite()


def register(*models: type[peewee.Model], site: AdminSite | None = None) -> Callable:
    """Class decorator: ``@admin.register(Post)`` over a ``ModelAdmin`` subclass."""
    if not models:
        raise ImproperlyConfigured("admin.register() needs at least one model")

    def wrap(admin_class: type[ModelAdmin]) -> type[ModelAdmin]:
        if not (isinstance(admin_class, type) and issubclass(admin_class, ModelAdmin)):
            raise ImproperlyConfigured("@admin.register decorates a ModelAdmin subclass")
        (site or _default()).register(models, admin_class)
        return admin_class

    return wrap


def _default() -> AdminSite:
    return site
