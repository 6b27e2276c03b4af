"""Import an object named by a dotted path, as settings spell them."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any


def import_string(dotted: str) -> Any:
    """``import_string("package.module.Name")`` returns ``Name``.

    An unknown module raises ``ImportError`` and an unknown name
    ``AttributeError``; callers that read the path from a setting turn those
    into an error naming the setting.
    """
    module, _, name = dotted.rpartition(".")
    return getattr(importlib.import_module(module), name)


def lazy_exports(package: str, exports: Mapping[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` (PEP 562) that imports ``exports[name]`` on first use.

        __getattr__ = lazy_exports(__name__, {"Form": "rustforge.forms.forms"})

    The value is then stored on the package, so each name is imported once. A
    name the package shares with one of its modules must stay an eager import:
    importing that module sets the package attribute to the module.
    """

    def __getattr__(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        setattr(sys.modules[package], name, value)
        return value

    return __getattr__
