"""Template context for pages of a project using auth.

    TEMPLATE_CONTEXT_PROCESSORS = ["rustforge.contrib.auth.context_processors.auth"]

gives every template ``user``, ``csrf_input()`` and ``csrf_token()``.
"""

from __future__ import annotations

from typing import Any


def auth(req: Any) -> dict[str, Any]:
    from rustforge.contrib.auth.base_user import ANONYMOUS
    from rustforge.contrib.auth.csrf import csrf_input, get_token

    return {"user": req.context.get("user", ANONYMOUS),
            "csrf_input": lambda: csrf_input(req),
            "csrf_token": lambda: get_token(req)}
