"""Signed, expiring download links of background exports.

The token is the job id signed with ``SECRET_KEY`` and the signing time
(``rustforge.signing``, salt ``rustforge.export.download``); it is refused
after ``EXPORT_LINK_MAX_AGE`` seconds. The link alone is not enough: the
download endpoint also wants the job's owner logged in.
"""

from __future__ import annotations

from rustforge.conf import settings
from rustforge.signing import sign_timestamped, unsign, unsign_timestamped

SALT = "rustforge.export.download"
VALID, EXPIRED, INVALID = "valid", "expired", "invalid"


def make_token(job_id: str, now: float | None = None) -> str:
    return sign_timestamped(job_id, SALT, now=now)


def check_token(token: str, now: float | None = None) -> tuple[str, str | None]:
    """``(VALID, job_id)``, ``(EXPIRED, job_id)`` or ``(INVALID, None)``."""
    if not isinstance(token, str) or len(token) > 200:
        return INVALID, None
    inner = unsign(token, SALT)
    if inner is None:
        return INVALID, None
    job_id = inner.rpartition(":")[0]
    if unsign_timestamped(token, SALT, settings.EXPORT_LINK_MAX_AGE, now=now) is None:
        return EXPIRED, job_id
    return VALID, job_id


def download_path(job_id: str, now: float | None = None) -> str:
    from rustforge.http import reverse

    return reverse("export:download", token=make_token(job_id, now))
