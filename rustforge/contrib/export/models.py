"""A background export: what to export, for whom, how far it got, where the file is."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

from peewee import CharField, DateTimeField, IntegerField, TextField

from rustforge.db import Model

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


def _new_id() -> str:
    return uuid.uuid4().hex


class ExportJob(Model):
    """One export run by a background job.

    The selection (validated filters and ordering, as JSON) is stored, never
    a list of row ids: the job reads the rows when it runs. ``user_id`` is the
    owner's primary key (None for exports started from the command line);
    only the owner sees the job and downloads its file.
    """

    id = CharField(max_length=32, primary_key=True, default=_new_id)
    user_id = IntegerField(null=True, index=True)
    exporter = CharField(max_length=64)
    format = CharField(max_length=8)
    selection = TextField(default="{}")
    filename = CharField(max_length=160)
    status = CharField(max_length=10, default=QUEUED, index=True)
    rows_total = IntegerField(null=True)
    rows_done = IntegerField(default=0)
    file_name = CharField(max_length=255, default="")
    base_url = CharField(max_length=255, default="")
    error = TextField(default="")
    created = DateTimeField(default=_now, index=True)
    finished = DateTimeField(null=True)

    class Meta:
        table_name = "export_exportjob"

    @property
    def selection_data(self) -> dict[str, Any]:
        try:
            data = json.loads(self.selection or "{}")
        except ValueError:
            return {}
        return data if isinstance(data, dict) else {}

    @property
    def progress(self) -> float:
        if self.status == DONE:
            return 1.0
        if not self.rows_total:
            return 0.0
        return min(1.0, self.rows_done / self.rows_total)
