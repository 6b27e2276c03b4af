"""What the server-backed caches (memcached, Redis) share about failing servers.

A failure marks the backend unavailable for ``retry_timeout`` seconds (at
least one), which rate limits read to fail open, and is logged as a warning
at most once per ``CACHE_ERROR_LOG_INTERVAL`` seconds, with the number of
failures left unlogged since.
"""

from __future__ import annotations

import logging
import math
import time

logger = logging.getLogger("rustforge.cache")


class FaultTracking:
    """Mixin of a backend with ``options["retry_timeout"]`` and a ``label``."""

    label = "cache"
    options: dict

    def _init_faults(self) -> None:
        self._error_at = -math.inf
        self._last_logged = -math.inf
        self._suppressed = 0

    @property
    def available(self) -> bool:
        """False within ``retry_timeout`` (at least 1 s) of a failure."""
        window = max(self.options["retry_timeout"], 1.0)
        return time.monotonic() - self._error_at > window

    def _failed(self, op: str, exc: BaseException) -> None:
        from rustforge.conf import settings

        now = time.monotonic()
        self._error_at = now
        if now - self._last_logged >= float(settings.CACHE_ERROR_LOG_INTERVAL):
            extra = f" ({self._suppressed} more failures not logged)" if self._suppressed else ""
            logger.warning("%s %s failed on %r: %s: %s; reads miss and writes are dropped "
                           "meanwhile%s", self.label, op, self, type(exc).__name__, exc, extra)
            self._last_logged = now
            self._suppressed = 0
        else:
            self._suppressed += 1
