"""Read settings from the environment, with typed helpers and ``.env`` files.

    from rustforge.conf import env
    env.load_dotenv(BASE_DIR / ".env")
    DEBUG = env.bool("DEBUG", False)
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", [])

A value that cannot be converted raises ``ImproperlyConfigured`` naming the
variable, so a typo in production fails at start-up with one clear line.
"""

from __future__ import annotations

import builtins
import os
from pathlib import Path
from typing import Any

from rustforge.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}
_NO_DEFAULT: Any = object()


def _raw(name: builtins.str, default: Any) -> Any:
    value = os.environ.get(name)
    if value is None:
        if default is _NO_DEFAULT:
            raise ImproperlyConfigured(f"environment variable {name} is required but not set")
        return default
    return value


def str(name: builtins.str, default: Any = _NO_DEFAULT) -> Any:
    return _raw(name, default)


def bool(name: builtins.str, default: Any = _NO_DEFAULT) -> Any:
    value = _raw(name, default)
    if not isinstance(value, builtins.str):
        return value
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"environment variable {name}: expected a boolean (1/0, true/false, yes/no, on/off), "
        f"got {value!r}"
    )


def int(name: builtins.str, default: Any = _NO_DEFAULT) -> Any:
    value = _raw(name, default)
    if not isinstance(value, builtins.str):
        return value
    try:
        return builtins.int(value)
    except ValueError:
        raise ImproperlyConfigured(
            f"environment variable {name}: expected an integer, got {value!r}"
        ) from None


def list(name: builtins.str, default: Any = _NO_DEFAULT) -> Any:
    """A comma-separated list; blanks around items are dropped."""
    value = _raw(name, default)
    if not isinstance(value, builtins.str):
        return value
    return [item.strip() for item in value.split(",") if item.strip()]


def load_dotenv(path: builtins.str | os.PathLike, override: builtins.bool = False) -> builtins.bool:
    """Load ``KEY=value`` lines from ``path`` into ``os.environ``.

    Variables already set in the environment win unless ``override`` is true.
    Lines may be blank, ``# comments`` or ``export KEY=value``; values may be
    quoted. Returns False when the file does not exist.
    """
    path = Path(path)
    if not path.is_file():
        return False
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("export "):
            line = line[len("export "):].lstrip()
        key, sep, value = line.partition("=")
        key = key.strip()
        if not sep or not key.replace("_", "").isalnum():
            raise ImproperlyConfigured(f"{path}:{number}: expected KEY=value, got {line!r}")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        if override or key not in os.environ:
            os.environ[key] = value
    return True
