"""Deleting what can no longer be used: ``cleartokens`` and the periodic job.

Expired or revoked access tokens go at once. Refresh tokens and codes are
kept until they expire even once used or revoked, because their rows are
what detects a replay (a reused refresh token or code revokes its family);
codes are kept an hour past expiry for the same reason.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from rustforge.conf import settings
from rustforge.contrib.auth.base_user import utcnow
from rustforge.contrib.oauth.models import AccessToken, Grant, RefreshToken

CODE_GRACE = dt.timedelta(hours=1)


def _targets(now: dt.datetime) -> list[tuple[str, Any, Any]]:
    return [
        ("access tokens", AccessToken,
         (AccessToken.expires_at <= now) | AccessToken.revoked_at.is_null(False)),
        ("refresh tokens", RefreshToken, RefreshToken.expires_at <= now),
        ("authorization codes", Grant, Grant.expires_at <= now - CODE_GRACE),
    ]


def clear_tokens(batch_size: int | None = None,
                 progress: Callable[[str, int], None] | None = None) -> dict[str, int]:
    """Delete in batches of ``batch_size`` (OAUTH_CLEANUP_BATCH_SIZE); rows deleted per kind.

    ``progress(kind, deleted_so_far)`` is called after every batch.
    """
    size = batch_size or settings.OAUTH_CLEANUP_BATCH_SIZE
    if not isinstance(size, int) or size < 1:
        raise ValueError("the batch size must be a positive whole number")
    now = utcnow()
    counts: dict[str, int] = {}
    for kind, model, condition in _targets(now):
        total = 0
        while True:
            # PERF: one bounded statement at a time keeps locks and the WAL small.
            ids = [row.id for row in model.select(model.id).where(condition).limit(size)]
            if not ids:
                break
            total += model.delete().where(model.id.in_(ids)).execute()
            if progress is not None:
                progress(kind, total)
            if len(ids) < size:
                break
        counts[kind] = total
    return counts
