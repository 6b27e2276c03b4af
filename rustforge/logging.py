"""Logging: one configuration for the app and gunicorn, request ids, no forged lines.

``LOG_FORMAT = "console"`` writes one readable line per record,
``"json"`` one JSON object per line (what log shippers want). Both carry the
request id of the request being served (``request_id`` in JSON, ``[id]`` in
console lines) and both escape what a client controls: a user name or a path
holding a newline cannot start a line of its own.

    # gunicorn.conf.py
    from rustforge.logging import logging_config
    logconfig_dict = logging_config()      # gunicorn's own loggers, same format

The request id comes from the ``REQUEST_ID_HEADER`` of the request when it is a
plausible id (a proxy such as nginx's ``$request_id``), else it is generated.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import json
import logging
import logging.config
import os
import re
from collections.abc import Iterator
from functools import partial
from itertools import repeat
from random import getrandbits as _getrandbits
from typing import Any, Literal

_configured = False
_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "rustforge_request_id", default=None)
# Letters, digits and a little punctuation, at most 128: enough for UUIDs,
# nginx's $request_id and AWS trace ids; nothing that can break a log line.
_VALID_ID = re.compile(r"[A-Za-z0-9._:@+=-]{1,128}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")


def _request_ids() -> Iterator[str]:
    """Fresh ids, one per ``next()``: the steps of ``new_request_id`` chained in C.

    PERF: ``next()`` on this chain of ``map`` objects makes an id without a
    Python frame (about 1k instructions fewer per request than the function).
    None of the C steps releases the GIL, so threads sharing the chain each get
    a whole id of their own.
    """
    little: Iterator[Literal["little"]] = repeat("little")
    return map(bytes.hex, map(int.to_bytes, map(_getrandbits, repeat(128)), repeat(16), little))


def new_request_id() -> str:
    """32 hex digits, unique enough to find one request's lines in the logs.

    PERF: from the process's PRNG (reseeded in every forked worker), not
    ``os.urandom``: a ``getrandom`` system call releases the GIL, and under
    gthread workers a thread that lets the GIL go in the middle of a request
    queues behind the other threads' Python work to get it back. An id that
    tags log lines needs no secrecy (a client may send its own).
    """
    return _getrandbits(128).to_bytes(16, "little").hex()


# The same ids as ``new_request_id()``, made in C (the request path uses this).
next_request_id = partial(next, _request_ids())


def valid_request_id(value: str | None) -> bool:
    return value is not None and _VALID_ID.fullmatch(value) is not None


def get_request_id() -> str | None:
    """The id of the request (or job) this code runs for; None outside one."""
    return _request_id.get()


# ``set_request_id(value) -> token`` and ``reset_request_id(token)``: PERF: the
# context variable's own methods, without a Python frame around each (every
# request calls both).
set_request_id = _request_id.set
reset_request_id = _request_id.reset
current_request_id = _request_id.get  # get_request_id() without its frame


@contextlib.contextmanager
def request_id(value: str | None) -> Iterator[str | None]:
    """``with request_id("abc"):`` logs inside carry ``abc`` (jobs use it)."""
    token = _request_id.set(value)
    try:
        yield value
    finally:
        _request_id.reset(token)


def escape(text: str) -> str:
    """Control characters (newlines first) as visible escapes."""
    return _CONTROL.sub(lambda m: repr(m.group())[1:-1], text)


class RequestIdFilter(logging.Filter):
    """Adds ``record.request_id`` ("-" outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = _request_id.get() or "-"
        return True


class ConsoleFormatter(logging.Formatter):
    """``time LEVEL logger [request id]: message``; a traceback's lines are indented."""

    def __init__(self, fmt: str | None = None, datefmt: str | None = None) -> None:
        super().__init__(fmt or "%(asctime)s %(levelname)s %(name)s [%(request_id)s]: "
                         "%(message)s", datefmt)

    def format(self, record: logging.LogRecord) -> str:
        record.message = escape(record.getMessage())
        if self.usesTime():
            record.asctime = self.formatTime(record, self.datefmt)
        text = self.formatMessage(record)
        # Every line of a traceback starts with whitespace, so an exception
        # message carrying a newline cannot pass for a record of its own.
        # (Not record.exc_text: another handler may have cached it unindented.)
        extra = []
        if record.exc_info:
            extra.append(self.formatException(record.exc_info))
        elif record.exc_text:
            extra.append(record.exc_text)
        if record.stack_info:
            extra.append(self.formatStack(record.stack_info))
        for block in extra:
            text += "\n" + "\n".join("    " + escape(line) for line in block.splitlines())
        return text


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, message, request_id, exc."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or _request_id.get(),
            "pid": record.process,
        }
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        # json.dumps escapes newlines and quotes: one record is always one line.
        return json.dumps(entry, default=str)


def logging_config(fmt: str | None = None, level: str | None = None, *,
                   access: bool = True) -> dict[str, Any]:
    """The dictConfig of the app and gunicorn for ``fmt`` ("console" or "json").

    Without arguments, the ``LOG_FORMAT`` and ``LOG_LEVEL`` environment
    variables decide (gunicorn reads its config before any settings exist).
    ``access=False`` silences gunicorn's access log.
    """
    fmt = (fmt or os.environ.get("LOG_FORMAT") or "console").lower()
    level = (level or os.environ.get("LOG_LEVEL") or "INFO").upper()
    if fmt not in ("console", "json"):
        raise ValueError(f"LOG_FORMAT must be 'console' or 'json', not {fmt!r}")
    formatter = {"()": f"{__name__}.{'JsonFormatter' if fmt == 'json' else 'ConsoleFormatter'}"}
    handler = {"class": "logging.StreamHandler", "formatter": "default",
               "filters": ["request_id"], "stream": "ext://sys.stderr"}
    access_handler = dict(handler, stream="ext://sys.stdout")
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": f"{__name__}.RequestIdFilter"}},
        "formatters": {"default": formatter},
        "handlers": {"default": handler, "access": access_handler},
        "loggers": {
            "rustforge": {"handlers": ["default"], "level": level, "propagate": False},
            "gunicorn.error": {"handlers": ["default"], "level": level, "propagate": False},
            "gunicorn.access": {"handlers": ["access"] if access else [],
                                "level": "INFO" if access else "CRITICAL", "propagate": False},
        },
        "root": {"handlers": ["default"], "level": "WARNING"},
    }


def configure_logging() -> None:
    """Apply ``LOGGING`` (dictConfig) or the framework's configuration, once per process."""
    global _configured
    if _configured:
        return
    from rustforge.conf import settings

    _configured = True
    if settings.LOGGING:
        logging.config.dictConfig(settings.LOGGING)
        return
    logger = logging.getLogger("rustforge")
    if logger.handlers:  # gunicorn's logconfig_dict (or the project) configured it already
        return
    handler = logging.StreamHandler()
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter() if settings.LOG_FORMAT == "json"
                         else ConsoleFormatter())
    logger.addHandler(handler)
    logger.setLevel(settings.LOG_LEVEL)
