"""A custom event and receivers for the events tests."""

import os

from rustforge.events import Event
from testproject.worklog.models import Entry

entry_noted = Event("worklog.entry_noted", "kwargs: text")


def write_entry(sender, text, **kwargs):
    """A queued receiver: runs in a worker, writes a row."""
    Entry.create(text=f"noted {text}", pid=os.getpid())
