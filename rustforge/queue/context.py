"""Context carried into jobs: the job runs in the context it was enqueued from.

A subsystem or an app whose state is ambient (a context variable: the
current tenant, a request id...) registers a *carrier*: how to capture the
state when a job is enqueued, as a small picklable value, and how to enter
it again around the job:

    from rustforge.queue import context

    context.register("tenant",
                     capture=lambda: current_tenant_id(),     # None: nothing to carry
                     enter=lambda tenant_id: use_tenant(tenant_id))   # a context manager

The queue stores what was captured with the job (rq: in ``job.meta``) and the
worker enters every carrier before calling the function. The core never
names a carrier: apps register theirs in ``AppConfig.ready()``.

A carrier registered with ``owner=True`` also says whose the job is: jobs
captured under one value belong to the holders of that value (a tenant's
jobs to that tenant). :func:`owner` is what such carriers hold now (``{}``
outside any), and the queue monitor and the jobs dashboard show a viewer
only the jobs whose captured context matches (:func:`belongs`):

    context.register("tenant", capture=..., enter=..., owner=True)
    context.owner()                              # {"tenant": 3} in tenant 3's request
    context.belongs(job.meta.get(context.META_KEY), {"tenant": 3})
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator, Mapping
from typing import Any

logger = logging.getLogger("rustforge.queue")

META_KEY = "rustforge_context"

_carriers: dict[str, tuple[Callable[[], Any], Callable[[Any], Any]]] = {}
_owners: set[str] = set()


def register(name: str, *, capture: Callable[[], Any],
             enter: Callable[[Any], contextlib.AbstractContextManager],
             owner: bool = False) -> None:
    """Declare a carrier (registering a name again replaces it); ``owner``: its
    value says whose the job is."""
    _carriers[name] = (capture, enter)
    if owner:
        _owners.add(name)
    else:
        _owners.discard(name)


def unregister(name: str) -> None:
    _carriers.pop(name, None)
    _owners.discard(name)


def owner() -> dict[str, Any]:
    """What the owner carriers hold now: whose jobs this context may see (``{}``: anyone's)."""
    found = {}
    for name in _owners:
        value = _carriers[name][0]()
        if value is not None:
            found[name] = value
    return found


def belongs(captured: Any, owner: Mapping[str, Any]) -> bool:
    """True when a job that captured ``captured`` belongs to ``owner`` (``{}`` owns all)."""
    if not owner:
        return True
    if not isinstance(captured, dict):
        return False
    return all(name in captured and captured[name] == value for name, value in owner.items())


def capture() -> dict[str, Any]:
    """What every carrier holds now; ``{}`` when nothing is to be carried."""
    if not _carriers:
        return {}
    out = {}
    for name, (take, _) in _carriers.items():
        value = take()
        if value is not None:
            out[name] = value
    return out


@contextlib.contextmanager
def entered(captured: dict[str, Any] | None) -> Iterator[None]:
    """Enter the context ``captured`` describes, for the length of the block.

    A carrier that is not registered in this process (the worker runs other
    settings) is a configuration error: the job fails rather than run
    outside the context it needs.
    """
    if not captured:
        yield
        return
    with contextlib.ExitStack() as stack:
        for name, value in captured.items():
            carrier = _carriers.get(name)
            if carrier is None:
                raise LookupError(f"the job carries context {name!r}, but nothing in this "
                                  "process registered it (is the same app installed?)")
            stack.enter_context(carrier[1](value))
        yield
