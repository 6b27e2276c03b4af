"""Framework logging defaults: one line per record to stderr."""

from __future__ import annotations

import logging
import logging.config

_configured = False


def configure_logging() -> None:
    """Apply ``LOGGING`` (dictConfig) or the default, once per process."""
    global _configured
    if _configured:
        return
    from rustforge.conf import settings

    _configured = True
    if settings.LOGGING:
        logging.config.dictConfig(settings.LOGGING)
        return
    logger = logging.getLogger("rustforge")
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        logger.addHandler(handler)
    logger.setLevel(settings.LOG_LEVEL)
