"""Queued signal receivers: the job queue plugs its transport into the events layer.

``rustforge.events`` sits below the queue and cannot enqueue anything itself;
importing ``rustforge.queue`` (its package imports this module) registers how
a ``queued=True`` receiver becomes a job. The job is the events layer's own
``deliver``, so its path in Redis stays ``rustforge.events.dispatch.deliver``.
"""

from __future__ import annotations

from typing import Any

from rustforge.events import dispatch
from rustforge.queue.jobs import job

_deliver = job(dispatch.deliver)


def enqueue_receiver(receiver_path: str, signal_name: str, sender: Any, kwargs: dict,
                     queue: str) -> None:
    """Queue a call of the receiver once the current transaction commits."""
    _deliver.using(queue=queue).enqueue_on_commit(receiver_path, signal_name, sender, kwargs)


dispatch.set_transport(dispatch.QUEUED, enqueue_receiver)
