"""A small synchronous signal: receivers connected to a sender, called in order."""

from __future__ import annotations

import logging
import threading
import weakref
from collections.abc import Callable
from typing import Any

logger = logging.getLogger("rustforge.events")


class Signal:
    """A named event that receivers subscribe to.

        user_logged_in = Signal("user_logged_in")

        @user_logged_in.connect
        def greet(sender, user, **kwargs): ...

        user_logged_in.send(sender=request, user=user)

    ``receivers`` is an empty list when nobody listens, so callers on a hot
    path can skip building arguments with ``if signal.receivers:``.
    Receivers are held weakly unless ``weak=False`` (bound methods too), so a
    signal never keeps an object alive. A failing receiver is logged and does
    not stop the others; ``send(..., raise_errors=True)`` re-raises instead.
    """

    def __init__(self, name: str, doc: str = "") -> None:
        self.name = name
        self.__doc__ = doc
        # (identity key, reference, is weak, sender filter); replaced, never mutated,
        # so send() iterates a stable list without taking the lock.
        self.receivers: list[tuple[Any, Any, bool, Any]] = []
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"<Signal {self.name}>"

    def connect(self, receiver: Callable | None = None, *, sender: Any = None,
                weak: bool = True) -> Any:
        if receiver is None:
            return lambda fn: self.connect(fn, sender=sender, weak=weak)
        if not weak:
            ref = receiver
        elif hasattr(receiver, "__self__") and hasattr(receiver, "__func__"):
            ref = weakref.WeakMethod(receiver, self._prune)
        else:
            ref = weakref.ref(receiver, self._prune)
        key = _key(receiver)
        with self._lock:
            if not any(k == key and s is sender for k, _, _, s in self.receivers):
                self.receivers = [*self.receivers, (key, ref, weak, sender)]
        return receiver

    def disconnect(self, receiver: Callable, *, sender: Any = None) -> bool:
        key = _key(receiver)
        with self._lock:
            kept = [entry for entry in self.receivers
                    if not (entry[0] == key and entry[3] is sender)]
            removed = len(kept) != len(self.receivers)
            self.receivers = kept
        return removed

    def send(self, sender: Any = None, *, raise_errors: bool = False,
             **kwargs: Any) -> list[tuple[Callable, Any]]:
        results = []
        for _key_, ref, weak, wanted in self.receivers:
            if wanted is not None and wanted is not sender:
                continue
            receiver = ref() if weak else ref
            if receiver is None:
                continue
            try:
                results.append((receiver, receiver(sender, signal=self, **kwargs)))
            except Exception as exc:
                if raise_errors:
                    raise
                logger.exception("receiver %r of signal %s failed", receiver, self.name)
                results.append((receiver, exc))
        return results

    def _prune(self, _ref: Any) -> None:
        with self._lock:
            self.receivers = [entry for entry in self.receivers
                              if not (entry[2] and entry[1]() is None)]


def _key(receiver: Callable) -> Any:
    if hasattr(receiver, "__self__") and hasattr(receiver, "__func__"):
        return (id(receiver.__self__), id(receiver.__func__))
    return id(receiver)
