"""Jobs of the queue tests; importable by a real rqworker process."""

import os
import time

from rustforge.queue import Retry, job, periodic
from testproject.worklog.models import Entry

# Inline tests record here (same process).
calls: list = []
_attempts: dict = {}


@job
def record(value):
    calls.append(value)
    return value


@job(retry=Retry(max=3))
def flaky(failures):
    """Fails ``failures`` times per process, then succeeds."""
    _attempts[failures] = _attempts.get(failures, 0) + 1
    if _attempts[failures] <= failures:
        raise ValueError(f"attempt {_attempts[failures]} fails")
    return _attempts[failures]


@job
def write_entry(text):
    entry = Entry.create(text=text, pid=os.getpid())
    return entry.id


@job
def copy_entry(entry_id):
    """Reads a row the caller wrote: must only run after it committed."""
    entry = Entry.get_by_id(entry_id)
    Entry.create(text=f"copy of {entry.text}", pid=os.getpid())


@job(retry=Retry(max=2, interval=[1, 1]))
def always_fails(text):
    Entry.create(text=f"attempt {text}", pid=os.getpid())
    raise RuntimeError(f"always fails: {text}")


@job(timeout=600)
def slow(text, seconds):
    Entry.create(text=f"started {text}", pid=os.getpid())
    time.sleep(seconds)
    Entry.create(text=f"finished {text}", pid=os.getpid())


@job(unique=True)
def unique_work(key):
    Entry.create(text=f"unique {key}", pid=os.getpid())


@periodic("* * * * *")
@job
def every_minute():
    Entry.create(text="tick", pid=os.getpid())


@job
def leave_transaction_open(text):
    """A sloppy job: starts a transaction and never ends it."""
    from rustforge.db import get_database

    db = get_database()
    db.atomic().__enter__()  # never exited
    Entry.create(text=text, pid=os.getpid())
    return db.in_transaction()


@job
def add(a, b):
    return a + b


@job
def boom(text):
    raise ValueError(f"boom: {text}")


def note_success(handle, result):
    """A success callback: records what it was told."""
    Entry.create(text=f"success {handle.func_name.rsplit('.', 1)[-1]} {result}", pid=os.getpid())


def note_failure(handle, exc_info):
    last = exc_info.strip().splitlines()[-1] if exc_info.strip() else "?"
    Entry.create(text=f"failure {last}", pid=os.getpid())


def batch_done(batch):
    progress = batch.progress
    Entry.create(text=f"batch {batch.name} done={progress.done} failed={progress.failed} "
                      f"total={progress.total}", pid=os.getpid())
