"""Third-party apps that announce themselves through the ``rustforge.apps`` entry point group.

A plugin package declares, in its ``pyproject.toml``::

    [project.entry-points."rustforge.apps"]
    hello = "rf_hello"                       # or "rf_hello.apps:HelloConfig"

Installing it changes nothing: a project enables a plugin by listing it in
``INSTALLED_APPS`` like any app (``"rf_hello"``), and from then on it contributes
what any app does (models, migrations, routes, commands, templates, checks).
``manage.py plugins`` lists what is installed and what is enabled. Finding
plugins reads package metadata only; no plugin module is imported here.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import metadata

ENTRY_POINT_GROUP = "rustforge.apps"


@dataclass(frozen=True)
class Plugin:
    name: str              # the entry point's name
    app: str               # the dotted path to list in INSTALLED_APPS
    distribution: str      # the installed package that announces it
    version: str
    enabled: bool          # listed in INSTALLED_APPS

    @property
    def module(self) -> str:
        """The top-level module of the app (``rf_hello`` for ``rf_hello.apps.HelloConfig``)."""
        head, _, tail = self.app.rpartition(".")
        return head.rpartition(".apps")[0] or head if tail[:1].isupper() else self.app

    def importable(self) -> bool:
        """Whether the app's module can be found (without running it)."""
        try:
            return importlib.util.find_spec(self.module) is not None
        except (ImportError, ValueError):
            return False


def find_plugins(installed_apps: Iterable[str] = ()) -> list[Plugin]:
    """Every installed plugin, sorted by name, with whether ``installed_apps`` enables it."""
    listed = set(installed_apps)
    found: dict[tuple[str, str], Plugin] = {}
    for entry in metadata.entry_points(group=ENTRY_POINT_GROUP):
        app = entry.value.replace(":", ".").strip()
        dist = entry.dist
        plugin = Plugin(
            name=entry.name,
            app=app,
            distribution=dist.metadata["Name"] if dist else "?",
            version=dist.version if dist else "?",
            enabled=False,
        )
        enabled = app in listed or plugin.module in listed
        # The same distribution can be on the path twice (a venv and a --target
        # folder): one row per plugin.
        found.setdefault((plugin.name, app), Plugin(**{**plugin.__dict__, "enabled": enabled}))
    return sorted(found.values(), key=lambda p: p.name)


def plugin_for(entry: str) -> Plugin | None:
    """The plugin an ``INSTALLED_APPS`` entry enables, if it is one."""
    for plugin in find_plugins([entry]):
        if plugin.enabled:
            return plugin
    return None
