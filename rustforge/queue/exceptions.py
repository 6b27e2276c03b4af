"""Errors of the job queue."""

from rustforge.exceptions import RustForgeError


class QueueUnavailable(RustForgeError):
    """Redis could not be reached (down, refused, timed out) while enqueueing.

    The one exception callers need to handle:

        try:
            send_report.enqueue(report.id)
        except QueueUnavailable:
            raise falcon.HTTPServiceUnavailable(description="try again shortly")
    """


class JobFailed(RustForgeError):
    """An inline job failed after all its retries (raised only with ``JOBS_INLINE_RAISE``)."""
