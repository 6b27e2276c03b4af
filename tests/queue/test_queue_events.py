"""A queued event receiver runs in a real rqworker process."""

import os

import pytest
from testproject.worklog.events import entry_noted, write_entry
from testproject.worklog.models import Entry

from rustforge.db import atomic

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("rq_settings", "transactional_db")]


def test_queued_receiver_runs_in_the_worker(workers):
    entry_noted.connect(write_entry, queued=True)
    try:
        with atomic():
            entry_noted.send(None, text="queued")
    finally:
        entry_noted.disconnect(write_entry)
    result = workers.run("rqworker", "--burst")
    assert result.returncode == 0, result.stderr
    entry = Entry.get(Entry.text == "noted queued")
    assert entry.pid != os.getpid()
