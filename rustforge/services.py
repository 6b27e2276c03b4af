"""The per-process service container.

Every resource that holds a socket or a pool (the database, cache clients, the
Redis connection, the mailer, the template environment) is created here,
lazily, the first time it is asked for, and dropped again when its settings
change or the process forks. Nothing is created at import time.

    from rustforge.services import services
    cache = services.get("cache")

    with services.override("mailer", FakeMailer()):   # tests
        ...

Subsystems register a factory once, at import of their module:

    services.register("cache", create_cache, close=lambda c: c.close(),
                      settings={"CACHE_URL"})
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from rustforge import conf

logger = logging.getLogger("rustforge.services")

# Services the framework knows how to build; their modules register the
# factory on import, so asking for one imports its module first.
_PROVIDERS = {
    "db": "rustforge.db.connection",
    "templates": "rustforge.http.templates",
    "reverser": "rustforge.http.routing",
    "cache": "rustforge.cache",
    "caches": "rustforge.cache",
    "redis": "rustforge.queue",
    "jobs": "rustforge.queue",
    "mailer": "rustforge.mail",
    "storage": "rustforge.storage",
    # How rustforge.events enqueues a queued receiver: the events layer sits
    # below the job queue and finds it here, by name, when one fires.
    "events.queued": "rustforge.queue.receivers",
}


@dataclass
class _Service:
    factory: Callable[[], Any]
    close: Callable[[Any], None] | None = None
    after_fork: Callable[[Any], None] | None = None
    settings: frozenset[str] = field(default_factory=frozenset)


class Services:
    def __init__(self) -> None:
        self._services: dict[str, _Service] = {}
        self._instances: dict[str, Any] = {}
        self._overrides: dict[str, list[Any]] = {}
        self._lock = threading.RLock()

    def register(self, name: str, factory: Callable[[], Any], *,
                 close: Callable[[Any], None] | None = None,
                 after_fork: Callable[[Any], None] | None = None,
                 settings: Iterable[str] = ()) -> None:
        """Declare how to build ``name``.

        ``close`` releases an instance on reset; ``after_fork`` neutralises an
        instance inherited from the parent process *without* talking to its
        server (the parent still owns that socket); ``settings`` names the
        settings whose change drops the instance.
        """
        with self._lock:
            self._services[name] = _Service(factory, close, after_fork, frozenset(settings))
            self._instances.pop(name, None)

    def get(self, name: str) -> Any:
        stack = self._overrides.get(name)
        if stack:
            return stack[-1]
        try:
            return self._instances[name]
        except KeyError:
            pass
        with self._lock:
            if name in self._instances:
                return self._instances[name]
            service = self._lookup(name)
            instance = service.factory()
            self._instances[name] = instance
            return instance

    def _lookup(self, name: str) -> _Service:
        if name not in self._services and name in _PROVIDERS:
            importlib.import_module(_PROVIDERS[name])
        try:
            return self._services[name]
        except KeyError:
            known = ", ".join(sorted(set(self._services) | set(_PROVIDERS)))
            raise LookupError(f"no service named {name!r} (known: {known})") from None

    def is_created(self, name: str) -> bool:
        return name in self._instances

    def names(self) -> list[str]:
        """Every service that can be asked for (registered or known to the framework)."""
        return sorted(set(self._services) | set(_PROVIDERS))

    def __contains__(self, name: str) -> bool:
        return name in self._services or name in _PROVIDERS

    @contextlib.contextmanager
    def override(self, name: str, value: Any) -> Iterator[Any]:
        """Make ``get(name)`` return ``value`` inside the block (tests)."""
        self._overrides.setdefault(name, []).append(value)
        try:
            yield value
        finally:
            self._overrides[name].pop()

    def reset(self, *names: str) -> None:
        """Close and drop instances (all when no name is given)."""
        with self._lock:
            for name in names or list(self._instances):
                instance = self._instances.pop(name, None)
                service = self._services.get(name)
                if instance is not None and service and service.close:
                    try:
                        service.close(instance)
                    except Exception:
                        logger.exception("closing service %r failed", name)

    def reset_for_settings(self, changed: Iterable[str]) -> None:
        changed = set(changed)
        stale = [name for name, svc in self._services.items()
                 if name in self._instances and ("*" in changed or svc.settings & changed)]
        if stale:
            self.reset(*stale)

    def reset_after_fork(self) -> None:
        """Forget every instance inherited from the parent process.

        Inherited sockets are never closed politely: a polite close (such as
        PostgreSQL's Terminate message) would end the parent's session too.
        """
        # The lock may have been held by another thread at fork time.
        self._lock = threading.RLock()
        for name, instance in list(self._instances.items()):
            service = self._services.get(name)
            if service and service.after_fork:
                try:
                    service.after_fork(instance)
                except Exception:
                    logger.exception("resetting service %r after fork failed", name)
        self._instances.clear()


services = Services()


def reset_after_fork() -> None:
    """Reset every per-process resource; call it in a child after ``fork()``.

    The project template's gunicorn ``post_fork`` hook calls this; it is also
    registered with ``os.register_at_fork`` so any fork (rq work horses,
    multiprocessing) gets the same treatment.
    """
    services.reset_after_fork()


def _install_hooks() -> None:
    conf.on_change(services.reset_for_settings)
    os.register_at_fork(after_in_child=reset_after_fork)


_install_hooks()
