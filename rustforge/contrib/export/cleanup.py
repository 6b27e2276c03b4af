"""Removing background exports whose links have expired (``manage.py export_cleanup``)."""

from __future__ import annotations

import datetime as dt

from rustforge.conf import settings
from rustforge.contrib.export.models import ExportJob, _now


def remove_expired(older_than: int | None = None) -> int:
    """Delete jobs older than ``older_than`` seconds (the link lifetime), and their files."""
    from rustforge.storage import get_storage

    age = settings.EXPORT_LINK_MAX_AGE if older_than is None else older_than
    cutoff = _now() - dt.timedelta(seconds=age)
    storage = get_storage()
    removed = 0
    for record in ExportJob.select().where(ExportJob.created <= cutoff).iterator():
        if record.file_name:
            storage.delete(record.file_name)
        record.delete_instance()
        removed += 1
    return removed
