"""Signals: named events that listeners subscribe to.

Listeners run in one of three ways:

* synchronously, inside ``send()`` (the default);
* after the current database transaction commits (``on_commit=True``), and
  not at all if it rolls back;
* as a background job (``queued=True``), enqueued once the transaction
  commits, so the worker sees the rows the sender wrote.

The events layer sits below the database and the job queue and imports
neither: it asks the service container for them by name (the ``db`` service
for after-commit receivers; ``events.queued``, provided by
``rustforge.queue.receivers``, for queued ones), which loads their module the
first time one is needed.
"""

from __future__ import annotations

import functools
import logging
import threading
import weakref
from collections.abc import Callable
from typing import Any, NamedTuple

from rustforge.conf import settings
from rustforge.importing import import_string
from rustforge.services import services

logger = logging.getLogger("rustforge.events")

SYNC, ON_COMMIT, QUEUED = "sync", "on_commit", "queued"

# Every signal by name, so a queued listener's job can find its signal again.
_by_name: weakref.WeakValueDictionary[str, Signal] = weakref.WeakValueDictionary()


class _Receiver(NamedTuple):
    key: Any
    ref: Any
    weak: bool
    sender: Any
    mode: str
    queue: str


class Signal:
    """A named event that receivers subscribe to.

        order_paid = Signal("order_paid", "kwargs: order")

        @order_paid.connect
        def thank(sender, order, **kwargs): ...

        @order_paid.connect(queued=True, queue="mail")
        def send_invoice(sender, order, **kwargs): ...   # in a worker

        order_paid.send(sender=Order, order=order)

    ``receivers`` is an empty list when nobody listens, so callers on a hot
    path can skip building arguments with ``if signal.receivers:``.
    Receivers are held weakly unless ``weak=False`` (bound methods too), so a
    signal never keeps an object alive; queued and after-commit receivers are
    held strongly. A failing receiver is logged and does not stop the others;
    ``send(..., raise_errors=True)``, ``Signal(..., raise_errors=True)`` or the
    ``EVENTS_RAISE_ERRORS`` setting re-raise instead.
    """

    def __init__(self, name: str, doc: str = "", *, raise_errors: bool = False) -> None:
        self.name = name
        self.__doc__ = doc
        self.raise_errors = raise_errors
        # Replaced, never mutated, so send() iterates a stable list without the lock.
        self.receivers: list[_Receiver] = []
        self._lock = threading.Lock()
        _by_name[name] = self

    def __repr__(self) -> str:
        return f"<Signal {self.name}>"

    def __reduce__(self) -> Any:
        return (_signal_named, (self.name,))

    def connect(self, receiver: Callable | None = None, *, sender: Any = None,
                weak: bool = True, on_commit: bool = False, queued: bool = False,
                queue: str = "default") -> Any:
        """Subscribe ``receiver(sender, signal=..., **kwargs)``; usable as a decorator.

        ``sender``: only for sends from this sender. ``on_commit``: run after the
        transaction commits. ``queued``: run as a background job on ``queue``
        (the receiver must be a module-level function; arguments must pickle).
        """
        if receiver is None:
            return lambda fn: self.connect(fn, sender=sender, weak=weak, on_commit=on_commit,
                                           queued=queued, queue=queue)
        mode = QUEUED if queued else ON_COMMIT if on_commit else SYNC
        if mode == QUEUED:
            qualname = getattr(receiver, "__qualname__", "")
            if "<locals>" in qualname or "." in qualname or not hasattr(receiver, "__module__"):
                raise ValueError(f"queued receiver {receiver!r} must be a module-level function")
        if mode != SYNC or not weak:
            ref = receiver
            weak = False
        elif hasattr(receiver, "__self__") and hasattr(receiver, "__func__"):
            ref = weakref.WeakMethod(receiver, self._prune)
        else:
            ref = weakref.ref(receiver, self._prune)
        key = _key(receiver)
        with self._lock:
            if not any(r.key == key and r.sender is sender for r in self.receivers):
                self.receivers = [*self.receivers,
                                  _Receiver(key, ref, weak, sender, mode, queue)]
        return receiver

    def disconnect(self, receiver: Callable, *, sender: Any = None) -> bool:
        key = _key(receiver)
        with self._lock:
            kept = [r for r in self.receivers if not (r.key == key and r.sender is sender)]
            removed = len(kept) != len(self.receivers)
            self.receivers = kept
        return removed

    def send(self, sender: Any = None, *, raise_errors: bool = False,
             **kwargs: Any) -> list[tuple[Callable, Any]]:
        """Call every matching receiver; returns ``[(receiver, result or exception)]``.

        Deferred receivers (after-commit, queued) report ``None`` as their result.
        """
        results = []
        for entry in self.receivers:
            if entry.sender is not None and entry.sender is not sender:
                continue
            receiver = entry.ref() if entry.weak else entry.ref
            if receiver is None:
                continue
            try:
                if entry.mode == SYNC:
                    results.append((receiver, receiver(sender, signal=self, **kwargs)))
                elif entry.mode == ON_COMMIT:
                    services.get("db").after_commit(
                        functools.partial(self._call_later, receiver, sender, kwargs))
                    results.append((receiver, None))
                else:
                    services.get("events.queued")(_path(receiver), self.name, sender, kwargs,
                                                  entry.queue)
                    results.append((receiver, None))
            except Exception as exc:
                if raise_errors or self._raises():
                    raise
                logger.exception("receiver %r of signal %s failed", receiver, self.name)
                results.append((receiver, exc))
        return results

    def _call_later(self, receiver: Callable, sender: Any, kwargs: dict) -> None:
        # After commit the sender has moved on: a failure can only be logged.
        try:
            receiver(sender, signal=self, **kwargs)
        except Exception:
            if self._raises():
                raise
            logger.exception("after-commit receiver %r of signal %s failed", receiver, self.name)

    def _raises(self) -> bool:
        if self.raise_errors:
            return True
        return bool(getattr(settings, "EVENTS_RAISE_ERRORS", False))

    def _prune(self, _ref: Any) -> None:
        with self._lock:
            self.receivers = [r for r in self.receivers if not (r.weak and r.ref() is None)]


# Custom events read better as ``Event("order_paid")``; it is the same thing.
Event = Signal


def _key(receiver: Callable) -> Any:
    if hasattr(receiver, "__self__") and hasattr(receiver, "__func__"):
        return (id(receiver.__self__), id(receiver.__func__))
    return id(receiver)


def _path(receiver: Callable) -> str:
    return f"{receiver.__module__}.{receiver.__qualname__}"


def _signal_named(name: str) -> Signal:
    try:
        return _by_name[name]
    except KeyError:
        return Signal(name)


def deliver(receiver_path: str, signal_name: str, sender: Any, kwargs: dict) -> Any:
    """The job behind queued receivers: import the receiver and call it."""
    receiver = import_string(receiver_path)
    return receiver(sender, signal=_signal_named(signal_name), **kwargs)
