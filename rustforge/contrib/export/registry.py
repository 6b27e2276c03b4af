"""The exporters of the project, found in every installed app's ``exports.py``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rustforge.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from rustforge.contrib.export.exporters import Exporter


class ExportRegistry:
    """Exporters by name: ``exports.register`` is a class decorator."""

    def __init__(self) -> None:
        self._exporters: dict[str, Exporter] = {}

    def register(self, cls: type[Exporter]) -> type[Exporter]:
        exporter = cls()
        existing = self._exporters.get(exporter.name)
        if existing is not None and type(existing).__qualname__ != cls.__qualname__:
            raise ImproperlyConfigured(f"two exporters are named {exporter.name!r}: "
                                       f"{type(existing).__qualname__} and {cls.__qualname__}")
        self._exporters[exporter.name] = exporter
        return cls

    def unregister(self, name: str) -> None:
        self._exporters.pop(name, None)

    def get(self, name: str) -> Exporter | None:
        return self._exporters.get(name)

    def __getitem__(self, name: str) -> Exporter:
        try:
            return self._exporters[name]
        except KeyError:
            known = ", ".join(sorted(self._exporters)) or "none"
            raise LookupError(f"no exporter named {name!r} (known: {known})") from None

    def __contains__(self, name: object) -> bool:
        return name in self._exporters

    def all(self) -> list[Exporter]:
        return [self._exporters[name] for name in sorted(self._exporters)]

    def for_user(self, user: Any) -> list[Exporter]:
        return [exporter for exporter in self.all() if exporter.allowed(user)]


# The project's exporters (``from rustforge.contrib.export import exports``).
exports = ExportRegistry()


def autodiscover() -> list[str]:
    """Import ``<app>.exports`` of every installed app; the app names that had one."""
    from rustforge.apps import apps

    found = []
    for config in apps.get_app_configs():
        if config.import_submodule("exports") is not None:
            found.append(config.name)
    return found
