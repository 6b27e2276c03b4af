"""Background jobs on rq, with an inline embedded default.

    from rustforge.queue import Retry, job

    @job(queue="default", retry=Retry(max=3, interval=[10, 60]))
    def rebuild_index(post_id: int) -> None: ...

    handle = rebuild_index.enqueue(post.id)    # QueueUnavailable if Redis is down
    handle.status, handle.result               # fetch_job(handle.id) later
    rebuild_index.enqueue_on_commit(post.id)   # only once the transaction commits

With ``REDIS_URL`` set, jobs go to rq and run in ``manage.py rqworker``;
without it they run inline. See ``docs/jobs.md``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rustforge.conf import settings
from rustforge.importing import lazy_exports
from rustforge.queue import checks as _checks  # noqa: F401  (registers the queue checks)
from rustforge.queue.jobs import JobFunction, JobSpec, Retry, job

# Imported here, not on first use: the function shares its name with its module,
# which the import of the module would otherwise leave as this attribute.
from rustforge.queue.periodic import periodic
from rustforge.services import services

if TYPE_CHECKING:
    from rustforge.queue.batches import Batch, BatchProgress
    from rustforge.queue.connection import get_redis
    from rustforge.queue.exceptions import JobFailed, QueueUnavailable
    from rustforge.queue.handles import JobHandle, fetch_job

__all__ = ["Batch", "BatchProgress", "JobFailed", "JobFunction", "JobHandle", "JobSpec",
           "QueueUnavailable", "Retry", "enqueue", "fetch_job", "get_queue", "get_redis",
           "is_inline", "job", "periodic"]

# NOTE(memory): batches, handles and the Redis connection are imported on
# first use, so that /readyz (which imports this package for its checks) and
# modules that only need ``context`` do not load them into every worker.
_LAZY = {
    "Batch": "rustforge.queue.batches",
    "BatchProgress": "rustforge.queue.batches",
    "get_redis": "rustforge.queue.connection",
    "JobFailed": "rustforge.queue.exceptions",
    "QueueUnavailable": "rustforge.queue.exceptions",
    "JobHandle": "rustforge.queue.handles",
    "fetch_job": "rustforge.queue.handles",
}


__getattr__ = lazy_exports(__name__, _LAZY)


def _create_dispatcher() -> Any:
    if not settings.REDIS_URL:
        from rustforge.queue.inline import InlineDispatcher

        return InlineDispatcher()
    from rustforge.queue.rq_backend import RQDispatcher

    return RQDispatcher()


services.register("jobs", _create_dispatcher, settings={"REDIS_URL"})


def is_inline() -> bool:
    """True when jobs run synchronously in the calling process."""
    return getattr(services.get("jobs"), "name", "") != "rq"


def enqueue(func: Any, *args: Any, **kwargs: Any) -> Any:
    """Enqueue any module-level function (or ``@job``) with default options."""
    if not isinstance(func, JobFunction):
        func = job(func)
    return func.enqueue(*args, **kwargs)


def get_queue(name: str = "default") -> Any:
    """The rq ``Queue`` called ``name`` on this process's Redis connection."""
    from rustforge.queue.rq_backend import make_queue

    return make_queue(name)
