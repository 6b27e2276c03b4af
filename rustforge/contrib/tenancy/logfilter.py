"""Log records carry the tenant: ``%(tenant)s`` in a format.

    LOGGING = {
        "version": 1,
        "filters": {"tenant": {"()": "rustforge.contrib.tenancy.logfilter.TenantLogFilter"}},
        "formatters": {"plain": {"format": "%(levelname)s [%(tenant)s] %(name)s: %(message)s"}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "filters": ["tenant"],
                                "formatter": "plain"}},
        "loggers": {"": {"handlers": ["stderr"], "level": "INFO"}},
    }

The filter sets ``record.tenant`` to the active tenant's slug (``-`` when
none) and never drops a record. Jobs run in their tenant, so their log lines
carry it as well.
"""

from __future__ import annotations

import logging

from rustforge.contrib.tenancy.context import current_tenant


class TenantLogFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        tenant = current_tenant()
        record.tenant = tenant.slug if tenant is not None else "-"
        return True
