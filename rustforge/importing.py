"""Import an object named by a dotted path, as settings spell them."""

from __future__ import annotations

import importlib
from typing import Any


def import_string(dotted: str) -> Any:
    """``import_string("package.module.Name")`` returns ``Name``.

    An unknown module raises ``ImportError`` and an unknown name
    ``AttributeError``; callers that read the path from a setting turn those
    into an error naming the setting.
    """
    module, _, name = dotted.rpartition(".")
    return getattr(importlib.import_module(module), name)
