"""The app registry: loads INSTALLED_APPS in phases, like Django's.

1. import each app and build its AppConfig (labels must be unique);
2. import each app's ``models`` module and collect its models;
3. call each app's ``ready()``.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Iterable
from pathlib import Path
from types import ModuleType
from typing import Any

from rustforge.apps.config import AppConfig
from rustforge.conf import settings
from rustforge.events.signals import app_registry_ready
from rustforge.exceptions import AppRegistryNotReady, ImproperlyConfigured


class Apps:
    model_base: type | None = None
    """The class whose subclasses in an app's ``models`` module are its models.

    The database layer sits above the registry (it asks the registry which app
    a model belongs to) and sets this to ``rustforge.db.Model`` when imported;
    an app's models module imports it, so it is set before models are collected.
    """

    def __init__(self) -> None:
        self.app_configs: dict[str, AppConfig] = {}
        self.ready = False
        self.loading = False
        self._lock = threading.RLock()
        self._module_labels: dict[str, str | None] = {}

    # Loading ----------------------------------------------------------------------
    def populate(self, installed_apps: Iterable[str] | None = None) -> None:
        """Load the apps; a no-op once done. Reads INSTALLED_APPS by default."""
        if self.ready:
            return
        with self._lock:
            if self.ready:
                return
            if self.loading:
                raise RuntimeError("apps.populate() is not reentrant")
            self.loading = True
            try:
                if installed_apps is None:
                    installed_apps = settings.INSTALLED_APPS
                configs: dict[str, AppConfig] = {}
                for entry in installed_apps:
                    config = self.create_config(entry)
                    if config.label in configs:
                        raise ImproperlyConfigured(
                            f"app labels must be unique: {configs[config.label].name!r} and "
                            f"{config.name!r} both use {config.label!r}; set a different "
                            "`label` on one AppConfig"
                        )
                    config.registry = self
                    configs[config.label] = config
                self.app_configs = configs
                self._module_labels.clear()
                for config in configs.values():
                    self._import_models(config)
                self.ready = True
                for config in configs.values():
                    config.ready()
            except BaseException:
                self.app_configs = {}
                self.ready = False
                raise
            finally:
                self.loading = False
        app_registry_ready.send(self)

    def create_config(self, entry: str) -> AppConfig:
        """Import one ``INSTALLED_APPS`` entry and build its AppConfig (not registered).

        When the entry is a plugin (an installed package, not the project's own
        code) and importing it fails, the error is one ImproperlyConfigured line
        naming the plugin and its package. An error in the project's own apps
        keeps its traceback: that is what the developer needs.
        """
        try:
            return self._create_config(entry)
        except ImproperlyConfigured:
            raise
        except Exception as exc:
            # PERF: importlib.metadata costs ~35 ms to import; only this error path needs it.
            from rustforge.apps.plugins import plugin_for

            plugin = plugin_for(entry)
            if plugin is None:
                raise
            raise ImproperlyConfigured(
                f"INSTALLED_APPS: {entry!r} (plugin {plugin.name!r} from {plugin.distribution} "
                f"{plugin.version}) failed to import: {type(exc).__name__}: {exc}") from exc

    def _create_config(self, entry: str) -> AppConfig:
        if not isinstance(entry, str) or not entry:
            raise ImproperlyConfigured(f"INSTALLED_APPS: {entry!r} is not a dotted path")
        try:
            module = importlib.import_module(entry)
        except ModuleNotFoundError as exc:
            module_path, _, class_name = entry.rpartition(".")
            if exc.name == entry and module_path and class_name[:1].isupper():
                return self._config_from_class(entry, module_path, class_name)
            if exc.name and entry.startswith(exc.name):
                raise ImproperlyConfigured(
                    f"INSTALLED_APPS: cannot import {entry!r}{suggest_module(entry)}"
                ) from None
            raise
        config_class = self._default_config_class(module)
        return config_class(module, entry)

    def _config_from_class(self, entry: str, module_path: str, class_name: str) -> AppConfig:
        try:
            module = importlib.import_module(module_path)
        except ModuleNotFoundError:
            raise ImproperlyConfigured(
                f"INSTALLED_APPS: cannot import {entry!r}{suggest_module(entry)}") from None
        cls = getattr(module, class_name, None)
        if not (isinstance(cls, type) and issubclass(cls, AppConfig)):
            names = [n for n, v in vars(module).items()
                     if isinstance(v, type) and issubclass(v, AppConfig) and v is not AppConfig]
            import difflib  # NOTE(memory): here and below, only on error paths

            hint = difflib.get_close_matches(class_name, names, n=1)
            raise ImproperlyConfigured(
                f"INSTALLED_APPS: {module_path!r} has no AppConfig named {class_name!r}"
                + (f"; did you mean '{module_path}.{hint[0]}'?" if hint else "")
            )
        app_name = cls.name or module_path.rpartition(".")[0] or module_path
        return cls(importlib.import_module(app_name), app_name)

    @staticmethod
    def _default_config_class(module: ModuleType) -> type[AppConfig]:
        try:
            apps_module = importlib.import_module(f"{module.__name__}.apps")
        except ModuleNotFoundError as exc:
            if exc.name != f"{module.__name__}.apps":
                raise
            return AppConfig
        candidates = [value for value in vars(apps_module).values()
                      if isinstance(value, type) and issubclass(value, AppConfig)
                      and value is not AppConfig and value.__module__ == apps_module.__name__]
        defaults = [c for c in candidates if getattr(c, "default", False)]
        if len(defaults) == 1:
            return defaults[0]
        if len(candidates) == 1:
            return candidates[0]
        if not candidates:
            return AppConfig
        raise ImproperlyConfigured(
            f"{apps_module.__name__} declares several AppConfig classes; mark one with "
            "`default = True` or list its dotted path in INSTALLED_APPS"
        )

    def _import_models(self, config: AppConfig) -> None:
        module = config.import_submodule("models")
        config.models_module = module
        base: Any = Apps.model_base
        if module is None or base is None:
            return
        prefix = module.__name__
        seen: list[Any] = []
        for value in _walk_models(module):
            if (isinstance(value, type) and issubclass(value, base) and value is not base
                    and (value.__module__ == prefix or value.__module__.startswith(prefix + "."))
                    and value not in seen):
                seen.append(value)
        for model in seen:
            model._meta.app_label = config.label
        config.models = seen

    # Queries ------------------------------------------------------------------------
    def check_ready(self) -> None:
        if not self.ready:
            raise AppRegistryNotReady("apps are not loaded yet; call apps.populate() first")

    def get_app_configs(self) -> list[AppConfig]:
        self.check_ready()
        return list(self.app_configs.values())

    def get_app_config(self, label: str) -> AppConfig:
        self.check_ready()
        try:
            return self.app_configs[label]
        except KeyError:
            import difflib

            hint = difflib.get_close_matches(label, list(self.app_configs), n=1)
            raise LookupError(
                f"no installed app with label {label!r}"
                + (f"; did you mean {hint[0]!r}?" if hint else "")
            ) from None

    def is_installed(self, name: str) -> bool:
        return any(c.name == name or c.label == name for c in self.app_configs.values())

    def get_models(self) -> list[type]:
        self.check_ready()
        return [model for config in self.app_configs.values() for model in config.models]

    def get_model(self, dotted: str) -> type:
        """``"blog.Post"`` -> the model class."""
        label, _, name = dotted.partition(".")
        config = self.get_app_config(label)
        for model in config.models:
            if model.__name__.lower() == name.lower():
                return model
        raise LookupError(f"app {label!r} has no model {name!r}")

    def label_for_module(self, module_name: str) -> str | None:
        """The label of the installed app that contains ``module_name``."""
        try:
            return self._module_labels[module_name]
        except KeyError:
            pass
        best = None
        for config in self.app_configs.values():
            inside = module_name == config.name or module_name.startswith(config.name + ".")
            if inside and (best is None or len(config.name) > len(best.name)):
                best = config
        label = best.label if best else None
        self._module_labels[module_name] = label
        return label

    def clear(self) -> None:
        """Forget everything (tests); the next populate() loads again."""
        with self._lock:
            self.app_configs = {}
            self.ready = False
            self._module_labels.clear()


def _walk_models(module: ModuleType) -> list:
    values = list(vars(module).values())
    if hasattr(module, "__path__"):  # a models/ package: look into its submodules
        import pkgutil

        for info in pkgutil.iter_modules(module.__path__):
            sub = importlib.import_module(f"{module.__name__}.{info.name}")
            values.extend(vars(sub).values())
    return values


BUILTIN_APPS_PACKAGE = "rustforge.contrib"


def builtin_app_names() -> list[str]:
    """Dotted names of the apps that ship with RustForge, sorted.

    Found on disk (the packages in ``rustforge/contrib/``), not imported: the
    core never imports an app. Load them like any app, e.g. into a private
    ``Apps()`` with ``populate(builtin_app_names())``.
    """
    folder = Path(__file__).resolve().parent.parent / "contrib"
    return sorted(f"{BUILTIN_APPS_PACKAGE}.{path.name}" for path in folder.iterdir()
                  if (path / "__init__.py").is_file() and path.name.isidentifier())


def suggest_module(entry: str) -> str:
    """`` ; did you mean 'x'?`` for a mistyped dotted path, or nothing.

    Candidates are the siblings of the last importable package on the path
    (``blog.modles`` -> the modules of ``blog``), or top-level modules.
    """
    import difflib
    import pkgutil

    parts = entry.split(".")
    candidates: list[str] = []
    for depth in range(len(parts) - 1, 0, -1):
        parent = ".".join(parts[:depth])
        try:
            package = importlib.import_module(parent)
        except Exception:  # noqa: BLE001, S112 - a suggestion must never raise
            continue
        if hasattr(package, "__path__"):
            candidates = [f"{parent}.{m.name}" for m in pkgutil.iter_modules(package.__path__)]
        break
    if not candidates:
        candidates = [m.name for m in pkgutil.iter_modules()]
    hint = difflib.get_close_matches(entry, candidates, n=1, cutoff=0.75)
    return f"; did you mean {hint[0]!r}?" if hint else ""


apps = Apps()
