"""A job runs with the request id of the request that enqueued it; rq jobs are counted."""

import pytest
from rq import SimpleWorker

from rustforge.logging import get_request_id, request_id
from rustforge.queue import get_queue, get_redis, job
from rustforge.queue.rq_backend import RustForgeJob

pytestmark = pytest.mark.usefixtures("rq_settings")


@job
def whoami():
    return get_request_id()


@job
def explode():
    raise RuntimeError("job failed on purpose")


def test_rq_job_carries_the_request_id_and_is_counted(metrics_snapshot):
    before = metrics_snapshot()
    with request_id("req-abc-1"):
        carried = whoami.enqueue()
    plain = whoami.enqueue()
    failing = explode.enqueue()
    SimpleWorker([get_queue("default")], connection=get_redis(),
                 job_class=RustForgeJob).work(burst=True)
    assert carried.return_value() == "req-abc-1"
    assert plain.return_value() is None
    assert failing.get_status() == "failed"
    after = metrics_snapshot()

    def delta(event):
        return after.delta(before, "rustforge_jobs_total", queue="default", event=event)

    assert (delta("enqueued"), delta("succeeded"), delta("failed")) == (3, 2, 1)
