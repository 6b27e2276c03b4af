"""AppConfig: what the registry knows about one installed app."""

from __future__ import annotations

import importlib
import inspect
from pathlib import Path
from types import ModuleType
from typing import Any

from rustforge.exceptions import ImproperlyConfigured


class AppConfig:
    """Describes an installed app. Subclass it in the app's ``apps.py``:

        class BlogConfig(AppConfig):
            name = "blog"
            label = "blog"           # default: last part of ``name``
            url_prefix = "/blog"     # default: "/<label>"; "" mounts at the root

            def ready(self):
                from blog import receivers   # wire signals; no I/O here

    Everything else is found by convention in the app package: ``models``,
    ``routes`` (a ``routes`` list, and ``root_routes`` for paths outside the
    prefix), ``commands`` (click commands), ``checks``,
    ``templates/``, ``static/`` and ``migrations/``.
    """

    name: str = ""
    label: str = ""
    verbose_name: str = ""
    url_prefix: str | None = None

    def __init__(self, module: ModuleType, name: str | None = None) -> None:
        self.module = module
        self.name = name or self.name or module.__name__
        if not self.label:
            self.label = self.name.rpartition(".")[2]
        if not self.label.isidentifier():
            raise ImproperlyConfigured(
                f"app {self.name!r}: label {self.label!r} is not a valid Python identifier"
            )
        if not self.verbose_name:
            self.verbose_name = self.label.replace("_", " ").title()
        if self.url_prefix is None:
            self.url_prefix = f"/{self.label}"
        self.path = Path(inspect.getfile(module)).parent if getattr(module, "__file__", None) \
            else Path(next(iter(module.__path__)))
        self.models_module: ModuleType | None = None
        # The registry that loaded this app (set by Apps.populate): the
        # project's ``apps``, or a private one (SQL snapshots, tests).
        self.registry: Any = None
        self.models: list[type] = []

    def __repr__(self) -> str:
        return f"<AppConfig {self.label}>"

    # Convention-based discovery -------------------------------------------------
    def import_submodule(self, name: str) -> ModuleType | None:
        """Import ``<app>.<name>`` if the app has it; errors inside it propagate."""
        dotted = f"{self.name}.{name}"
        try:
            return importlib.import_module(dotted)
        except ModuleNotFoundError as exc:
            if exc.name == dotted:
                return None
            raise

    @property
    def templates_dir(self) -> Path | None:
        path = self.path / "templates"
        return path if path.is_dir() else None

    @property
    def static_dir(self) -> Path | None:
        path = self.path / "static"
        return path if path.is_dir() else None

    @property
    def migrations_dir(self) -> Path:
        return self.path / "migrations"

    def get_routes(self) -> list[Any]:
        module = self.import_submodule("routes")
        return list(getattr(module, "routes", [])) if module else []

    def get_root_routes(self) -> list[Any]:
        """The ``root_routes`` list of the app's ``routes`` module: mounted at the
        site root, outside ``url_prefix`` (well-known URIs such as
        ``/.well-known/oauth-authorization-server``); named ``"<label>:<name>"``."""
        module = self.import_submodule("routes")
        return list(getattr(module, "root_routes", [])) if module else []

    def get_commands(self) -> list[Any]:
        import click

        module = self.import_submodule("commands")
        if module is None:
            return []
        found = getattr(module, "commands", None)
        if found is None:
            found = [value for value in vars(module).values()
                     if isinstance(value, click.Command)
                     and getattr(value.callback, "__module__", None) == module.__name__]
        return list(found)

    def ready(self) -> None:
        """Wire signals and registries. Runs once per process; do no I/O here."""
