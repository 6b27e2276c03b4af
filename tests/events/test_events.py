"""Signals and custom events: sync, after-commit and queued receivers."""

import gc
import logging

import pytest
from testproject.worklog.events import entry_noted, write_entry
from testproject.worklog.models import Entry

from rustforge.db import atomic
from rustforge.events import Event, Signal
from rustforge.events import signals as framework_signals


@pytest.fixture
def event():
    return Event("test.something")


def test_sync_receivers_get_sender_and_kwargs(event):
    seen = []

    @event.connect
    def first(sender, **kwargs):
        seen.append(("first", sender, kwargs["value"], kwargs["signal"]))
        return 1

    results = event.send("me", value=42)
    assert seen == [("first", "me", 42, event)]
    assert results == [(first, 1)]


def test_sender_filter_and_disconnect(event):
    seen = []

    def receiver(sender, **kwargs):
        seen.append(sender)

    event.connect(receiver, sender="a")
    event.send("a")
    event.send("b")
    assert seen == ["a"]
    assert event.disconnect(receiver, sender="a")
    event.send("a")
    assert seen == ["a"]
    assert event.receivers == []


def test_weak_receivers_do_not_keep_objects_alive(event):
    class Listener:
        def on(self, sender, **kwargs):
            pass

    listener = Listener()
    event.connect(listener.on)
    assert len(event.receivers) == 1
    del listener
    gc.collect()
    assert event.receivers == []


def test_failing_receiver_is_logged_and_others_still_run(event, caplog):
    seen = []

    def broken(sender, **kwargs):
        raise RuntimeError("listener bug")

    def fine(sender, **kwargs):
        seen.append(sender)

    event.connect(broken)
    event.connect(fine)
    with caplog.at_level(logging.ERROR, logger="rustforge.events"):
        results = event.send("x")
    assert seen == ["x"]
    assert isinstance(results[0][1], RuntimeError)
    assert "listener bug" in caplog.text


def test_errors_can_be_configured_to_raise(event, settings):
    def broken(sender, **kwargs):
        raise RuntimeError("listener bug")

    event.connect(broken)
    with pytest.raises(RuntimeError):
        event.send("x", raise_errors=True)
    settings.EVENTS_RAISE_ERRORS = True
    with pytest.raises(RuntimeError):
        event.send("x")
    strict = Signal("strict", raise_errors=True)
    strict.connect(broken)
    with pytest.raises(RuntimeError):
        strict.send()


def test_on_commit_receivers_wait_for_the_commit(event, transactional_db):
    seen = []

    def after(sender, **kwargs):
        seen.append(kwargs["text"])

    event.connect(after, on_commit=True)
    with atomic():
        event.send(None, text="kept")
        assert seen == []
    assert seen == ["kept"]
    with pytest.raises(ZeroDivisionError), atomic():
        event.send(None, text="rolled back")
        raise ZeroDivisionError
    assert seen == ["kept"]
    event.send(None, text="no transaction")  # runs at once
    assert seen == ["kept", "no transaction"]


def test_queued_receivers_become_jobs(jobs, transactional_db):
    entry_noted.connect(write_entry, queued=True, queue="events")
    try:
        with atomic():
            entry_noted.send(None, text="hello")
            assert len(jobs) == 0  # enqueued only after the commit
        assert [j.queue for j in jobs.jobs] == ["events"]
        jobs.run_all()
        assert [e.text for e in Entry.select()] == ["noted hello"]
    finally:
        entry_noted.disconnect(write_entry)


def test_queued_receiver_must_be_importable(event):
    def local(sender, **kwargs):
        pass

    with pytest.raises(ValueError, match="module-level"):
        event.connect(local, queued=True)


def test_model_signals_are_sent(db):
    seen = []

    def saved(sender, instance, created, **kwargs):
        seen.append((sender, instance.text, created))

    framework_signals.post_save.connect(saved, sender=Entry)
    try:
        entry = Entry.create(text="a")
        entry.text = "b"
        entry.save()
    finally:
        framework_signals.post_save.disconnect(saved, sender=Entry)
    assert seen == [(Entry, "a", True), (Entry, "b", False)]


def test_request_signals(client):
    seen = []

    def started(sender, req, **kwargs):
        seen.append(("started", req.path))

    def finished(sender, req, resp, **kwargs):
        seen.append(("finished", resp.status))

    framework_signals.request_started.connect(started)
    framework_signals.request_finished.connect(finished)
    try:
        client.get("/worklog/cached")
    finally:
        framework_signals.request_started.disconnect(started)
        framework_signals.request_finished.disconnect(finished)
    assert seen[0] == ("started", "/worklog/cached")
    assert seen[1][0] == "finished"


QUEUED_IN_A_FRESH_PROCESS = """
import sys
from rustforge.conf import settings
settings.configure(None, DEBUG=True)        # no REDIS_URL: jobs run inline
import qrecv
qrecv.happened.connect(qrecv.receiver, queued=True)
loaded_before = "rustforge.queue" in sys.modules
qrecv.happened.send(None, value=7, raise_errors=True)
print("queue loaded before:", loaded_before)
"""


@pytest.mark.slow
def test_queued_receiver_finds_the_queue_nobody_imported(tmp_path, run_cli):
    """The events layer imports no queue; it still delivers through it."""
    import sys

    (tmp_path / "qrecv.py").write_text(
        "from rustforge.events import Event\n"
        "happened = Event('layering.happened')\n"
        "def receiver(sender, value, **kwargs):\n"
        "    print('received', value)\n")
    result = run_cli([sys.executable, "-c", QUEUED_IN_A_FRESH_PROCESS], cwd=tmp_path,
                     env={"PYTHONPATH": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    assert "received 7" in result.stdout
    assert "queue loaded before: False" in result.stdout
