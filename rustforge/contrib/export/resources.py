"""The export endpoints.

``GET /export/``                      the exporters the user may use (JSON)
``GET /export/<name>.<format>``       the export: streamed, or 202 and a background job
``GET /export/jobs/<id>``             a background export's progress and download link
``GET /export/download/<token>``      the file of a finished background export

Every endpoint needs a logged-in user; an exporter also needs its permission.
Query parameters other than ``bom``, ``filename`` and ``ordering`` are filters
(``docs/export.md``); a bad one is a 400 naming it.
"""

from __future__ import annotations

import datetime as dt
import io
import tempfile
from typing import Any

import falcon

from rustforge.conf import settings
from rustforge.contrib.auth import login_required
from rustforge.contrib.export.exporters import Exporter, Selection
from rustforge.contrib.export.filters import FilterError
from rustforge.contrib.export.links import EXPIRED, VALID, check_token, download_path
from rustforge.contrib.export.models import DONE, ExportJob
from rustforge.contrib.export.names import content_disposition
from rustforge.contrib.export.registry import exports
from rustforge.contrib.export.render import FORMATS, filename, in_transaction, stream, write
from rustforge.exceptions import RustForgeError

RESERVED = ("bom", "filename", "ordering", "background")
_TRUE = ("1", "true", "yes", "on")


def _user(req: falcon.Request) -> Any:
    return req.context.get("user")


def _bad(description: str) -> falcon.HTTPBadRequest:
    return falcon.HTTPBadRequest(title="Bad export request", description=description)


def _flag(req: falcon.Request, name: str, default: bool) -> bool:
    raw = req.params.get(name)
    if raw is None:
        return default
    if not isinstance(raw, str) or raw.lower() not in (*_TRUE, "0", "false", "no", "off", ""):
        raise _bad(f"{name}: use 1 or 0")
    return raw.lower() in _TRUE


def _text_param(req: falcon.Request, name: str) -> str | None:
    raw = req.params.get(name)
    if raw is None:
        return None
    if not isinstance(raw, str) or len(raw) > 300 or "\x00" in raw:
        raise _bad(f"{name}: one value of at most 300 characters")
    return raw


class ExportIndex:
    @login_required
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.media = {"exports": [
            {"name": e.name, "title": e.title, "formats": list(e.formats),
             "columns": [{"name": c.path, "label": c.label} for c in e.bound_columns],
             "filters": e.filters if e.filters is not None else [c.path for c in
                                                                 e.bound_columns],
             "urls": {fmt: f"{req.path.rstrip('/')}/{e.name}.{fmt}" for fmt in e.formats}}
            for e in exports.for_user(_user(req))]}


class ExportResource:
    @login_required
    def on_get(self, req: falcon.Request, resp: falcon.Response, name: str, fmt: str) -> None:
        exporter = exports.get(name)
        if exporter is None or fmt not in exporter.formats:
            raise falcon.HTTPNotFound(title="No such export",
                                      description="No export of that name and format.")
        user = _user(req)
        if not exporter.allowed(user):
            raise falcon.HTTPForbidden(title="Permission denied",
                                       description="You may not use this export.")
        if fmt == "xlsx":
            from rustforge.contrib.export.xlsx import available

            if not available():
                raise falcon.HTTPNotFound(title="No such export",
                                          description="XLSX export is not installed here.")
        bom = _flag(req, "bom", settings.EXPORT_CSV_BOM)
        background = _flag(req, "background", False)
        wanted = _text_param(req, "filename")
        params = {k: v for k, v in req.params.items() if k not in RESERVED}
        limit = settings.EXPORT_PDF_MAX_ROWS if fmt == "pdf" else settings.EXPORT_SYNC_MAX_ROWS
        try:
            selection = exporter.select(params, _text_param(req, "ordering"))
            total = exporter.count(selection, user, up_to=limit + 1)
        except FilterError as exc:
            raise _bad(str(exc)) from None
        if background or total > limit:
            self.queue(req, resp, exporter, fmt, selection, wanted)
            return
        now = dt.datetime.now(dt.UTC)
        resp.content_type = FORMATS[fmt].content_type
        resp.set_header("Content-Disposition",
                        content_disposition(filename(exporter, fmt, wanted, now)))
        resp.set_header("Cache-Control", "no-store")
        resp.set_header("X-Export-Rows", str(total))
        if FORMATS[fmt].streams:
            resp.stream = in_transaction(stream(exporter, fmt, selection, user, bom=bom))
            return
        self.file(resp, exporter, fmt, selection, user, now)

    def file(self, resp: falcon.Response, exporter: Exporter, fmt: str, selection: Selection,
             user: Any, now: dt.datetime) -> None:
        from rustforge.contrib.export.pdf import ReportLayoutError, TooManyPages

        if fmt == "pdf":
            out = io.BytesIO()
            try:
                write(out, exporter, fmt, selection, user, now=now)
            except TooManyPages as exc:
                raise falcon.HTTPContentTooLarge(
                    title="Report too long",
                    description=f"{exc}; narrow the filters or add ?background=1.") from None
            except ReportLayoutError as exc:
                raise falcon.HTTPUnprocessableEntity(title="Report cannot be laid out",
                                                     description=str(exc)) from None
            resp.data = out.getvalue()
            return
        handle = tempfile.TemporaryFile()  # noqa: SIM115  (closed by the WSGI server)
        try:
            write(handle, exporter, fmt, selection, user, now=now)
        except BaseException:
            handle.close()
            raise
        resp.set_stream(handle, handle.tell())
        handle.seek(0)

    def queue(self, req: falcon.Request, resp: falcon.Response, exporter: Exporter, fmt: str,
              selection: Selection, wanted: str | None) -> None:
        # NOTE(memory): the jobs module declares a periodic job, whose cron is
        # checked by croniter (with dateutil); imported when an export is queued.
        from rustforge.contrib.export.jobs import start_export

        record = start_export(exporter, fmt, selection, _user(req), base_url=req.prefix,
                              wanted_name=wanted)
        location = f"{req.prefix}{_jobs_path(req, record.id)}"
        resp.status = falcon.HTTP_202
        resp.set_header("Location", location)
        resp.media = {"job": record.id, "status": record.status,
                      "status_url": location,
                      "detail": "The export runs in the background; poll status_url for "
                                "the download link."}


def _jobs_path(req: falcon.Request, job_id: str) -> str:
    from rustforge.http import reverse

    return reverse("export:job", id=job_id)


def _job_for(req: falcon.Request, job_id: str) -> ExportJob:
    record = ExportJob.get_or_none(ExportJob.id == job_id) if len(job_id) == 32 else None
    user = _user(req)
    if record is None or record.user_id is None or record.user_id != getattr(user, "_pk", None):
        raise falcon.HTTPNotFound(title="No such export job")
    return record


class ExportJobResource:
    @login_required
    def on_get(self, req: falcon.Request, resp: falcon.Response, id: str) -> None:
        record = _job_for(req, id)
        body: dict[str, Any] = {
            "job": record.id, "export": record.exporter, "format": record.format,
            "status": record.status, "rows_total": record.rows_total,
            "rows_done": record.rows_done, "progress": round(record.progress, 4),
            "filename": record.filename, "created": record.created.isoformat(),
            "finished": record.finished.isoformat() if record.finished else None}
        if record.error:
            body["error"] = record.error
        if record.status == DONE:
            body["download_url"] = req.prefix + download_path(record.id)
            body["expires_in"] = settings.EXPORT_LINK_MAX_AGE
        resp.media = body
        resp.set_header("Cache-Control", "no-store")


class ExportDownload:
    @login_required
    def on_get(self, req: falcon.Request, resp: falcon.Response, token: str) -> None:
        state, job_id = check_token(token)
        if state == EXPIRED:
            raise falcon.HTTPGone(title="Link expired",
                                  description="This download link has expired; export again.")
        if state != VALID or job_id is None:
            raise falcon.HTTPNotFound(title="No such download")
        record = _job_for(req, job_id)
        if record.status != DONE or not record.file_name:
            raise falcon.HTTPNotFound(title="No such download")
        from rustforge.storage import get_storage

        try:
            handle = get_storage().open(record.file_name)
        except (FileNotFoundError, RustForgeError):
            raise falcon.HTTPGone(title="File removed",
                                  description="The file of this export was removed.") from None
        size = handle.seek(0, 2)
        handle.seek(0)
        resp.content_type = FORMATS[record.format].content_type
        resp.set_header("Content-Disposition", content_disposition(record.filename))
        resp.set_header("Cache-Control", "private, no-store")
        resp.set_stream(handle, size)
