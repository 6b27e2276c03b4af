"""The periodic clean-up of expired and revoked tokens (``manage.py rqworker --with-scheduler``)."""

from __future__ import annotations

from rustforge.conf import settings
from rustforge.queue import job, periodic


@periodic(settings.OAUTH_CLEANUP_CRON)
@job
def clear_expired_tokens() -> dict[str, int]:
    """Delete expired and revoked tokens and codes (see ``cleanup.py``)."""
    from rustforge.contrib.oauth.cleanup import clear_tokens

    return clear_tokens()
