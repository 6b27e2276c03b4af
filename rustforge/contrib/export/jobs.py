"""Large exports as background jobs: stored selection in, signed link out.

    start_export(exporter, "csv", selection, user, base_url="https://example.com")

creates an :class:`~rustforge.contrib.export.models.ExportJob` row and
queues :func:`run_export` once the transaction commits. The job counts the
rows, writes the file to the ``storage`` service while it commits its
progress, then sends ``export_finished`` and (``EXPORT_EMAIL_LINK``)
e-mails the owner the signed download link.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from rustforge.conf import settings
from rustforge.contrib.export.cleanup import remove_expired
from rustforge.contrib.export.exporters import Exporter, Selection
from rustforge.contrib.export.models import DONE, FAILED, QUEUED, RUNNING, ExportJob, _now
from rustforge.contrib.export.registry import exports
from rustforge.contrib.export.render import filename as make_filename
from rustforge.contrib.export.render import write
from rustforge.events.signals import export_finished
from rustforge.exceptions import RustForgeError
from rustforge.queue import job, periodic

logger = logging.getLogger("rustforge.export")
# Seconds between two progress updates of a running export.
PROGRESS_INTERVAL = 0.5


def start_export(exporter: Exporter, fmt: str, selection: Selection, user: Any = None, *,
                 base_url: str = "", wanted_name: str | None = None) -> ExportJob:
    """Record the export and queue its job (after the current transaction commits)."""
    record = ExportJob.create(
        user_id=getattr(user, "_pk", None) if user is not None else None,
        exporter=exporter.name, format=fmt, selection=json.dumps(selection.to_dict()),
        filename=make_filename(exporter, fmt, wanted_name), base_url=base_url[:255])
    run_export.using(queue=settings.EXPORT_QUEUE).enqueue_on_commit(record.id)
    return record


def _owner(record: ExportJob) -> Any:
    if record.user_id is None:
        return None
    from rustforge.contrib.auth import get_user_model

    return get_user_model().get_or_none(get_user_model()._meta.primary_key == record.user_id)


def _fail(record: ExportJob, message: str) -> None:
    ExportJob.update(status=FAILED, error=message[:2000], finished=_now()) \
        .where(ExportJob.id == record.id).execute()


@job(timeout=6 * 3600)
def run_export(job_id: str) -> str:
    """Run one recorded export; its final status."""
    record = ExportJob.get_or_none(ExportJob.id == job_id)
    if record is None or record.status not in (QUEUED, RUNNING):
        return "gone" if record is None else record.status
    exporter = exports.get(record.exporter)
    if exporter is None:
        _fail(record, f"the exporter {record.exporter!r} no longer exists")
        return FAILED
    user = _owner(record)
    if record.user_id is not None and (user is None or not exporter.allowed(user)):
        _fail(record, "the owner may no longer use this export")
        return FAILED
    try:
        selection = Selection.from_dict(record.selection_data)
        total = exporter.count(selection, user)
        ExportJob.update(status=RUNNING, rows_total=total, rows_done=0) \
            .where(ExportJob.id == record.id).execute()
        name = f"exports/{record.id}/{record.filename}"
        last = [time.monotonic()]

        def progress(done: int) -> None:
            if time.monotonic() - last[0] >= PROGRESS_INTERVAL:
                last[0] = time.monotonic()
                ExportJob.update(rows_done=done).where(ExportJob.id == record.id).execute()

        from rustforge.storage import get_storage

        with get_storage().writer(name) as out:
            write(out, exporter, record.format, selection, user, on_rows=progress,
                  bom=settings.EXPORT_CSV_BOM, max_pages=settings.EXPORT_JOB_PDF_MAX_PAGES)
    except RustForgeError as exc:  # bad stored filters, too many pages, ...
        _fail(record, str(exc))
        return FAILED
    except Exception:
        logger.exception("export %s failed", record.id)
        _fail(record, "the export failed; the error is in the server log")
        return FAILED
    ExportJob.update(status=DONE, rows_done=total, file_name=name, finished=_now()) \
        .where(ExportJob.id == record.id).execute()
    record = ExportJob.get_by_id(record.id)
    export_finished.send(ExportJob, job=record, user=user)
    if user is not None and settings.EXPORT_EMAIL_LINK and getattr(user, "email", ""):
        _mail_link(record, user)
    return DONE


def _mail_link(record: ExportJob, user: Any) -> None:
    from rustforge.contrib.export.links import download_path
    from rustforge.mail import send_mail

    hours = settings.EXPORT_LINK_MAX_AGE / 3600
    url = record.base_url.rstrip("/") + download_path(record.id)
    body = (f"Your export {record.filename} is ready ({record.rows_total or 0:,} rows).\n\n"
            f"Download it here (the link works for {hours:g} hours, while you are logged in):\n"
            f"{url}\n")
    try:
        send_mail(f"Your export {record.filename} is ready", body, None, [user.email])
    except Exception:
        logger.exception("e-mailing the link of export %s failed", record.id)


@periodic("17 * * * *")
@job
def remove_expired_exports() -> int:
    """Hourly: drop background exports (and files) whose links have expired."""
    return remove_expired()
