"""Work that a fork of this process must not cut in half.

A forked child gets one thread, the one that called ``fork()``, and a copy of
every lock as it was at that moment. If another thread held a lock then, the
child waits for it forever: importlib's per-module import locks are not reset
in the child, nor are prometheus_client's or our own. An rq worker forks a work
horse for every job while its background threads (the periodic scheduler, the
``--metrics-port`` server) go on working; a horse forked while the periodic
thread imported prometheus_client for its first metric hung on that import.

Background threads of a process that forks wrap each piece of work in
``no_fork()``; ``os.fork()`` (rq's horses, multiprocessing) waits until the
piece ends, and a piece waits for a fork under way. Pieces should be short: a
fork, and so the next job, waits for them.
"""

from __future__ import annotations

import os
import threading

_lock = threading.RLock()


def no_fork() -> threading.RLock:
    """A context manager: this process does not fork while it is held."""
    return _lock


def _before_fork() -> None:
    _lock.acquire()


def _after_fork_in_parent() -> None:
    _lock.release()


def _after_fork_in_child() -> None:
    global _lock
    _lock = threading.RLock()  # the copy is held for a thread the child does not have


os.register_at_fork(before=_before_fork, after_in_parent=_after_fork_in_parent,
                    after_in_child=_after_fork_in_child)
