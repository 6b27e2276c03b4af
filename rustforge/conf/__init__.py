"""Settings: framework defaults overlaid by the project's settings module.

``settings`` is lazy: nothing is imported until the first attribute is read.
The module comes from the ``RUSTFORGE_SETTINGS_MODULE`` environment variable
(``manage.py`` sets it; ``--settings`` overrides it) or from ``configure()``.
"""

from __future__ import annotations

import contextlib
import importlib
import os
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from rustforge.conf import global_settings
from rustforge.exceptions import ImproperlyConfigured

ENVIRONMENT_VARIABLE = "RUSTFORGE_SETTINGS_MODULE"
_MISSING = object()

# Called with the changed names after configure(), reset() and override(). The
# settings sit below the layers that react and import none of them: the
# service container registers its reset here, and ``rustforge.events.signals``
# the sending of ``setting_changed`` (nobody can listen to it without
# importing that module).
_change_hooks: list[Callable[[frozenset[str]], None]] = []


def on_change(hook: Callable[[frozenset[str]], None]) -> Callable[[frozenset[str]], None]:
    """Call ``hook(names)`` whenever settings change (for the layers above conf)."""
    if hook not in _change_hooks:
        _change_hooks.append(hook)
    return hook


class Settings:
    """A flat namespace of UPPERCASE settings, defaults first."""

    if TYPE_CHECKING:  # every setting is set in __init__, by name
        def __getattr__(self, name: str) -> Any: ...

    def __init__(self, module_name: str | None = None, **overrides: Any) -> None:
        self.SETTINGS_MODULE = module_name
        sources = [global_settings]
        if module_name:
            sources.append(_import_settings(module_name))
        for module in sources:
            for name in dir(module):
                if name.isupper():
                    setattr(self, name, getattr(module, name))
        for name, value in overrides.items():
            setattr(self, name, value)
        self._validate()

    def _validate(self) -> None:
        # Cheap shape checks of the settings everything depends on, so a typo
        # ("MIDDLEWARE = 'a.B'") fails at start-up naming the setting instead
        # of deep inside the first request.
        for name, what in (("INSTALLED_APPS", "dotted paths"), ("ALLOWED_HOSTS", "host names"),
                           ("MIDDLEWARE", "dotted paths"), ("TEMPLATE_DIRS", "folders"),
                           ("STATICFILES_DIRS", "folders")):
            if not isinstance(getattr(self, name), (list, tuple)):
                raise ImproperlyConfigured(
                    f"{name} must be a list of {what}, got {getattr(self, name)!r}")
        for name in ("MAX_BODY_SIZE", "MAX_FORM_FIELDS", "MAX_JSON_DEPTH",
                     "UPLOAD_FILENAME_MAX_LENGTH"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                raise ImproperlyConfigured(f"{name} must be a positive integer, got {value!r}")
        if not self.DEBUG and not self.SECRET_KEY:
            raise ImproperlyConfigured(
                "SECRET_KEY must not be empty when DEBUG is off "
                "(set the SECRET_KEY environment variable or setting)"
            )


def _import_settings(module_name: str) -> Any:
    """Import the settings module; any failure becomes one clear line."""
    try:
        return importlib.import_module(module_name)
    except ImproperlyConfigured:
        raise
    except ModuleNotFoundError as exc:
        if exc.name and (module_name == exc.name or module_name.startswith(exc.name + ".")):
            raise ImproperlyConfigured(
                f"settings module {module_name!r} cannot be imported "
                f"(set {ENVIRONMENT_VARIABLE} or pass --settings)"
            ) from exc
        raise ImproperlyConfigured(
            f"settings module {module_name!r} failed to import: {exc}{_where(exc)}") from exc
    except SyntaxError as exc:
        raise ImproperlyConfigured(
            f"settings module {module_name!r} has a syntax error: {exc.msg} "
            f"({exc.filename}, line {exc.lineno})") from exc
    except Exception as exc:
        raise ImproperlyConfigured(
            f"settings module {module_name!r} failed to import: "
            f"{type(exc).__name__}: {exc}{_where(exc)}") from exc


def _where(exc: BaseException) -> str:
    """`` (file, line N)`` of the innermost frame that raised ``exc``."""
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    if tb is None:
        return ""
    return f" ({tb.tb_frame.f_code.co_filename}, line {tb.tb_lineno})"


class LazySettings:
    """The process-wide settings, loaded on first use.

    Values read once are cached on the instance, so a hot-path read is a plain
    attribute lookup; ``override()`` and ``configure()`` drop that cache.
    """

    _wrapped: Settings | None = None

    def _setup(self) -> None:
        module_name = os.environ.get(ENVIRONMENT_VARIABLE)
        if not module_name:
            raise ImproperlyConfigured(
                f"settings are not configured: set {ENVIRONMENT_VARIABLE} "
                "or pass --settings"
            )
        object.__setattr__(self, "_wrapped", Settings(module_name))

    def __getattr__(self, name: str) -> Any:
        if self._wrapped is None:
            self._setup()
        try:
            value = getattr(self._wrapped, name)
        except AttributeError:
            raise AttributeError(f"no setting named {name!r}") from None
        self.__dict__[name] = value
        return value

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("settings are read-only; use settings.override()")

    @property
    def configured(self) -> bool:
        return self._wrapped is not None or bool(os.environ.get(ENVIRONMENT_VARIABLE))

    def configure(self, module_name: str | None = None, **values: Any) -> None:
        """Load settings from ``module_name`` (or defaults) plus ``values``."""
        object.__setattr__(self, "_wrapped", Settings(module_name, **values))
        self._changed(set(values) | {"*"})

    def reset(self) -> None:
        """Forget loaded settings; the next read loads them again."""
        object.__setattr__(self, "_wrapped", None)
        self._changed({"*"})

    @contextlib.contextmanager
    def override(self, **values: Any) -> Iterator[None]:
        """Temporarily change settings (tests); restored on exit."""
        if self._wrapped is None:
            self._setup()
        wrapped = self._wrapped
        saved = {name: getattr(wrapped, name, _MISSING) for name in values}
        for name, value in values.items():
            setattr(wrapped, name, value)
        self._changed(set(values))
        try:
            yield
        finally:
            for name, value in saved.items():
                if value is _MISSING:
                    delattr(wrapped, name)
                else:
                    setattr(wrapped, name, value)
            self._changed(set(values))

    def _changed(self, names: set[str]) -> None:
        for name in list(self.__dict__):
            if name.isupper():
                del self.__dict__[name]
        changed = frozenset(names)
        for hook in _change_hooks:
            hook(changed)


settings = LazySettings()

__all__ = ["ENVIRONMENT_VARIABLE", "ImproperlyConfigured", "LazySettings", "Settings", "on_change",
           "settings"]
