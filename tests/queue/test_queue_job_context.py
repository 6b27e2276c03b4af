"""Each job runs inside the framework: a database connection opened for it and released after."""

import pytest
from rq import SimpleWorker
from testproject.worklog.jobs import leave_transaction_open
from testproject.worklog.models import Entry

from rustforge.db import get_database
from rustforge.queue import get_queue, get_redis
from rustforge.queue.rq_backend import RustForgeJob

pytestmark = pytest.mark.usefixtures("rq_settings", "transactional_db")


def test_connection_released_and_open_transaction_rolled_back():
    job = leave_transaction_open.enqueue("sloppy")
    # SimpleWorker runs the job in this process, so we can look at the connection after it.
    worker = SimpleWorker([get_queue("default")], connection=get_redis(),
                          job_class=RustForgeJob)
    worker.work(burst=True)
    assert job.get_status() == "finished"
    assert job.return_value() is True  # the job really left a transaction open
    db = get_database()
    assert db.is_closed()  # released after the job
    assert not Entry.select().where(Entry.text == "sloppy").exists()  # rolled back
