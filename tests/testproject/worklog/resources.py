import falcon

from rustforge.db import atomic
from rustforge.queue import QueueUnavailable
from testproject.worklog.jobs import copy_entry, write_entry
from testproject.worklog.models import Entry


class Entries:
    def on_get(self, req, resp):
        resp.media = [e.text for e in Entry.select().order_by(Entry.id)]

    def on_post(self, req, resp):
        """Enqueue a job writing the posted text (``?mode=commit`` writes, then
        enqueues a copy on commit)."""
        text = req.get_media()["text"]
        try:
            if req.get_param("mode") == "commit":
                with atomic():
                    entry = Entry.create(text=text)
                    copy_entry.enqueue_on_commit(entry.id)
            else:
                write_entry.enqueue(text)
        except QueueUnavailable:
            raise falcon.HTTPServiceUnavailable(
                title="Queue unavailable", description="try again shortly") from None
        resp.status = falcon.HTTP_202
        resp.media = {"queued": True}
