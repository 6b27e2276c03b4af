"""Readiness checks: can this process serve requests right now?

``/readyz`` (``rustforge.http.probes``) and ``manage.py doctor`` run every
registered check. The database and pending migrations are checked here; the
cache and the job queue register theirs when their package is imported, and
an app may add its own:

    from rustforge import health

    @health.register("search")
    def search_index() -> None:
        client().ping()          # raise when not ready

Each check runs in a thread of its own and counts as failed when it raises or
has not finished within ``READYZ_TIMEOUT`` seconds, so one hung dependency
cannot hang the probe. A check that needs the database opens its own
connection in that thread and closes it again: a probe never touches the
connection a request is using.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from rustforge.conf import settings
from rustforge.db import get_database

_checks: dict[str, Callable[[], object]] = {}
_migrations_ok = False


@dataclass(frozen=True)
class Result:
    name: str
    ok: bool
    seconds: float
    error: str = ""          # exception class (and message), empty when ok
    detail: str = ""         # what a passing check found, e.g. "sqlite", "3 pending"

    def as_dict(self, *, verbose: bool = False) -> dict:
        data: dict = {"ok": self.ok, "ms": round(self.seconds * 1000, 1)}
        if self.error:
            # The class names what failed; the message may name hosts, so it
            # is shown only to operators (doctor, DEBUG), never to a probe.
            data["error"] = self.error if verbose else self.error.split(":", 1)[0]
        if self.detail and verbose:
            data["detail"] = self.detail
        return data


def register(name: str) -> Callable:
    """Decorator: ``fn()`` raises (or times out) when ``name`` is not ready."""
    def decorator(fn: Callable[[], object]) -> Callable[[], object]:
        _checks[name] = fn
        return fn
    return decorator


def names() -> list[str]:
    return list(_checks)


def _run_one(name: str, fn: Callable[[], object], timeout: float) -> Result:
    outcome: dict = {}

    def target() -> None:
        try:
            outcome["detail"] = fn()
        except BaseException as exc:  # noqa: BLE001 - every failure is a result
            text = (str(exc).strip().splitlines() or [""])[0][:200]
            outcome["error"] = f"{type(exc).__name__}: {text}" if text else type(exc).__name__

    start = time.perf_counter()
    thread = threading.Thread(target=target, name=f"readiness-{name}", daemon=True)
    thread.start()
    thread.join(timeout)
    seconds = time.perf_counter() - start
    if thread.is_alive():
        return Result(name, False, seconds, f"Timeout: no answer within {timeout:g} s")
    if "error" in outcome:
        return Result(name, False, seconds, outcome["error"])
    detail = outcome.get("detail")
    return Result(name, True, seconds, detail=str(detail) if detail is not None else "")


def run(timeout: float | None = None, only: list[str] | None = None) -> list[Result]:
    """Run the checks one after another; each gets ``timeout`` (``READYZ_TIMEOUT``)."""
    timeout = settings.READYZ_TIMEOUT if timeout is None else timeout
    return [_run_one(name, fn, timeout) for name, fn in list(_checks.items())
            if only is None or name in only]


@register("database")
def check_database() -> str:
    db = get_database()
    try:
        db.connect(reuse_if_open=True)
        db.execute_sql("SELECT 1")
    finally:
        if not db.is_closed():
            db.close()  # this thread's own connection; the thread ends now
    return db.vendor


@register("migrations")
def check_migrations() -> str:
    # Migrations only get applied while a process runs, never unapplied by
    # new code, so once everything was applied this needs no more queries.
    global _migrations_ok
    if _migrations_ok:
        return "all applied"
    from rustforge.db.migrations import pending  # peewee-migrate: loaded only when asked

    try:
        waiting = pending()
    finally:
        db = get_database()
        if not db.is_closed():
            db.close()
    if waiting:
        shown = ", ".join(waiting[:5]) + (" ..." if len(waiting) > 5 else "")
        raise PendingMigrations(f"{len(waiting)} not applied: {shown}")
    _migrations_ok = True
    return "all applied"


class PendingMigrations(Exception):
    """Raised by the migrations check: the schema is behind the code."""


def forget() -> None:
    """Forget cached outcomes (tests, after ``migrate`` in the same process)."""
    global _migrations_ok
    _migrations_ok = False
