"""The dashboard page and its actions (POST forms, CSRF-checked by the auth middleware).

``GET /_jobs/`` answers HTML to browsers and JSON to API clients
(``Accept: application/json``); the POSTs redirect back to the page (303),
or answer JSON.

Whose jobs: a superuser sees every job; other staff see the jobs of the
context their request runs in (``rustforge.queue.context.owner()``: on a
tenant's address with the tenancy app, that tenant's), every job outside
any. Another owner's job id is a 404.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import falcon

from rustforge.conf import settings
from rustforge.contrib.auth import staff_required
from rustforge.contrib.auth.csrf import csrf_input
from rustforge.http.errors import wants_html
from rustforge.http.redirects import redirect
from rustforge.http.routing import reverse
from rustforge.http.templates import render
from rustforge.queue import context
from rustforge.queue.exceptions import QueueUnavailable

_LIMIT = 50


def _monitor() -> Any:
    """:mod:`rustforge.queue.monitor`, imported by the first dashboard request.

    NOTE(memory): not at start-up, so that workers that never serve the
    dashboard do not hold it (docs/architecture.md).
    """
    from rustforge.queue import monitor

    return monitor


def _owner(req: falcon.Request) -> dict[str, Any]:
    """Whose jobs the viewer may see and touch (``{}``: everyone's)."""
    if req.context.user.is_superuser:
        return {}
    return context.owner()


def _snapshot(owner: dict[str, Any]) -> dict[str, Any]:
    empty: dict[str, list[Any]] = {"queues": [], "workers": [], "failed": [], "scheduled": []}
    if not settings.REDIS_URL:
        return {"inline": True, "error": None, "owner": owner, **empty}
    try:
        monitor = _monitor()
        return {"inline": False, "error": None, "owner": owner,
                "queues": monitor.queues(owner), "workers": monitor.workers(owner),
                "failed": monitor.failed_jobs(limit=_LIMIT, owner=owner),
                "scheduled": monitor.scheduled_jobs(limit=_LIMIT, owner=owner)}
    except QueueUnavailable as exc:
        return {"inline": False, "error": str(exc), "owner": owner, **empty}


def _json(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {k: _json(v) for k, v in dataclasses.asdict(value).items()}
    if isinstance(value, (list, tuple)):
        return [_json(v) for v in value]
    if isinstance(value, dict):
        return {k: _json(v) for k, v in value.items()}
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


@staff_required
class Dashboard:
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        snapshot = _snapshot(_owner(req))
        resp.set_header("Cache-Control", "no-store")
        if not wants_html(req):
            resp.media = _json(snapshot)
            if snapshot["error"]:
                resp.status = falcon.HTTP_503
            return
        render(req, resp, "jobs/dashboard.html",
               {**snapshot, "csrf_input": lambda: csrf_input(req), "url": reverse,
                "message": req.get_param("done")},
               status=falcon.HTTP_503 if snapshot["error"] else None)


@staff_required
class FailedJob:
    def _done(self, req: falcon.Request, resp: falcon.Response, what: str, ok: bool,
              job_id: str) -> None:
        if not ok:
            raise falcon.HTTPNotFound(title="No such failed job",
                                      description=f"No failed job with id {job_id[:80]!r}.")
        if wants_html(req) or req.content_type and "form" in req.content_type:
            redirect(reverse("jobs:dashboard") + f"?done={what}", see_other=True)
        resp.media = {what: job_id}

    def _guard(self) -> None:
        if not settings.REDIS_URL:
            raise falcon.HTTPConflict(title="Jobs run inline",
                                      description="REDIS_URL is not set: there is no queue.")

    def on_post_retry(self, req: falcon.Request, resp: falcon.Response, job_id: str) -> None:
        self._guard()
        try:
            ok = _monitor().requeue_failed(job_id, _owner(req))
        except QueueUnavailable as exc:
            raise falcon.HTTPServiceUnavailable(title="Redis is unreachable",
                                                description=str(exc)) from None
        self._done(req, resp, "requeued", ok, job_id)

    def on_post_delete(self, req: falcon.Request, resp: falcon.Response, job_id: str) -> None:
        self._guard()
        try:
            ok = _monitor().delete_failed(job_id, _owner(req))
        except QueueUnavailable as exc:
            raise falcon.HTTPServiceUnavailable(title="Redis is unreachable",
                                                description=str(exc)) from None
        self._done(req, resp, "deleted", ok, job_id)

    def on_post_retry_all(self, req: falcon.Request, resp: falcon.Response) -> None:
        self._guard()
        try:
            owner = _owner(req)
            monitor = _monitor()
            ids = [job.id for job in monitor.failed_jobs(limit=10_000, owner=owner)]
            count = sum(1 for job_id in ids if monitor.requeue_failed(job_id, owner))
        except QueueUnavailable as exc:
            raise falcon.HTTPServiceUnavailable(title="Redis is unreachable",
                                                description=str(exc)) from None
        self._done(req, resp, "requeued", True, f"{count} job(s)")
