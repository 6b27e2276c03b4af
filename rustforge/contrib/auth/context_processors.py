"""Template context for pages of a project using auth.

    TEMPLATE_CONTEXT_PROCESSORS = ["rustforge.contrib.auth.context_processors.auth"]

gives every template ``user``, ``csrf_input()``, ``csrf_token()`` and
``get_messages()`` (the one-time messages of ``rustforge.contrib.auth.messages``,
read, and so consumed, only when a template calls it).
"""

from __future__ import annotations

from typing import Any

# (ANONYMOUS, csrf_input, get_token, get_messages), imported on first use: importing them
# here would load the user model while settings are being read.
_names: tuple[Any, ...] = ()


def _load() -> tuple[Any, ...]:
    global _names
    from rustforge.contrib.auth.base_user import ANONYMOUS
    from rustforge.contrib.auth.csrf import csrf_input, get_token
    from rustforge.contrib.auth.messages import get_messages

    _names = (ANONYMOUS, csrf_input, get_token, get_messages)
    return _names


def auth(req: Any) -> dict[str, Any]:
    anonymous, csrf_input, get_token, get_messages = _names or _load()
    return {"user": req.context.get("user", anonymous),
            "csrf_input": lambda: csrf_input(req),
            "csrf_token": lambda: get_token(req),
            "get_messages": lambda: get_messages(req)}
