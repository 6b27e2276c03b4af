"""One-time messages ("flash messages") kept in the session until shown.

    from rustforge.contrib.auth import messages

    messages.success(req, "Your profile was saved.")
    raise falcon.HTTPSeeOther("/profile")        # the next page shows it once

and in a template (with the auth context processor installed)::

    {% for m in get_messages() %}<p class="{{ m.tags }}">{{ m }}</p>{% endfor %}

Messages below ``MESSAGE_LEVEL`` are dropped. At most ``MESSAGE_MAX_COUNT``
are kept (the newest), each cut to ``MESSAGE_MAX_LENGTH`` characters, so a
loop cannot grow the session without limit. A request without a session
(no ``SessionMiddleware``, or a bearer-token API call) stores nothing:
``add()`` returns ``False``. Text is plain text, escaped when rendered.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from rustforge.conf import settings
from rustforge.forms.text import printable

__all__ = ["DEBUG", "ERROR", "INFO", "SUCCESS", "WARNING", "Message", "add", "debug", "error",
           "get_level", "get_messages", "info", "set_level", "success", "warning"]

DEBUG, INFO, SUCCESS, WARNING, ERROR = 10, 20, 25, 30, 40
DEFAULT_TAGS = {DEBUG: "debug", INFO: "info", SUCCESS: "success", WARNING: "warning",
                ERROR: "error"}
# Session key; the value is a list of [level, text, extra_tags].
SESSION_KEY = "_messages"

logger = logging.getLogger("rustforge.auth")


@dataclass(frozen=True)
class Message:
    level: int
    message: str
    extra_tags: str = ""

    @property
    def level_tag(self) -> str:
        return {**DEFAULT_TAGS, **settings.MESSAGE_TAGS}.get(self.level, "")

    @property
    def tags(self) -> str:
        """CSS classes: the extra tags, then the level's tag (``"sticky error"``)."""
        return " ".join(t for t in (self.extra_tags, self.level_tag) if t)

    def __str__(self) -> str:
        return self.message


def _session(req: Any) -> Any:
    context = req.context
    # A bearer-token request must not start a session (or set a cookie) as a side effect.
    if context.get("bearer"):
        return None
    return context.get("session")


def _clip(text: str, limit: int) -> str:
    # NUL and lone surrogates (from a JSON body, say) become U+FFFD: a session
    # holding them could not be stored or the page showing them encoded.
    text = printable(text)
    return text if len(text) <= limit else text[:max(limit - 1, 0)] + "…"


def add(req: Any, level: int, text: Any, extra_tags: str = "") -> bool:
    """Keep ``text`` for the next page that calls ``get_messages``; ``True`` if stored."""
    if not isinstance(level, int) or isinstance(level, bool):
        raise TypeError(f"message level must be an int such as messages.INFO, not {level!r}")
    if level < get_level(req):
        return False
    session = _session(req)
    if session is None:
        logger.debug("message dropped: the request has no session")
        return False
    limit = settings.MESSAGE_MAX_LENGTH
    entry = [level, _clip(str(text), limit), _clip(str(extra_tags), 100)]
    stored = session.get(SESSION_KEY)
    queue = [*stored, entry] if isinstance(stored, list) else [entry]
    session[SESSION_KEY] = queue[-max(settings.MESSAGE_MAX_COUNT, 1):]
    return True


def get_level(req: Any) -> int:
    """The lowest level kept for this request: ``set_level``'s, else ``MESSAGE_LEVEL``."""
    level = req.context.get("message_level")
    return settings.MESSAGE_LEVEL if level is None else level


def set_level(req: Any, level: int | None) -> None:
    """Keep messages from ``level`` up for the rest of this request (None: the setting's)."""
    if level is not None and (not isinstance(level, int) or isinstance(level, bool)):
        raise TypeError(f"message level must be an int such as messages.INFO, not {level!r}")
    req.context.message_level = level


def debug(req: Any, text: Any, extra_tags: str = "") -> bool:
    return add(req, DEBUG, text, extra_tags)


def info(req: Any, text: Any, extra_tags: str = "") -> bool:
    return add(req, INFO, text, extra_tags)


def success(req: Any, text: Any, extra_tags: str = "") -> bool:
    return add(req, SUCCESS, text, extra_tags)


def warning(req: Any, text: Any, extra_tags: str = "") -> bool:
    return add(req, WARNING, text, extra_tags)


def error(req: Any, text: Any, extra_tags: str = "") -> bool:
    return add(req, ERROR, text, extra_tags)


def get_messages(req: Any) -> list[Message]:
    """The pending messages, oldest first; they are gone from the session afterwards.

    Within one request every call returns what the earlier calls returned, plus
    anything added since, so a layout and a page may both ask.
    """
    context = req.context
    seen: list[Message] = context.get("messages_read") or []
    session = _session(req)
    if session is not None and session.get(SESSION_KEY) is not None:
        stored = session.pop(SESSION_KEY)
        for entry in stored if isinstance(stored, list) else []:
            # A session written by an older release or edited by hand: skip what is not ours.
            if (isinstance(entry, list) and len(entry) == 3 and isinstance(entry[0], int)
                    and isinstance(entry[1], str) and isinstance(entry[2], str)):
                seen.append(Message(*entry))
    context.messages_read = seen
    return list(seen)
