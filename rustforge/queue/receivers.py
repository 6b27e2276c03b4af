"""Queued signal receivers: how the job queue runs a ``queued=True`` receiver.

``rustforge.events`` sits below the queue and imports none of it: it asks the
service container for ``events.queued``, which imports this module the first
time a queued receiver fires. The job is the events layer's own ``deliver``,
so its path in Redis is ``rustforge.events.dispatch.deliver``.
"""

from __future__ import annotations

from typing import Any

from rustforge.events import dispatch
from rustforge.queue.jobs import job
from rustforge.services import services

_deliver = job(dispatch.deliver)


def enqueue_receiver(receiver_path: str, signal_name: str, sender: Any, kwargs: dict,
                     queue: str) -> None:
    """Queue a call of the receiver once the current transaction commits."""
    _deliver.using(queue=queue).enqueue_on_commit(receiver_path, signal_name, sender, kwargs)


services.register("events.queued", lambda: enqueue_receiver)
