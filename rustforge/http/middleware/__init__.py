"""Middleware shipped with the framework (list them in ``MIDDLEWARE``)."""

from rustforge.http.middleware.security import SecurityMiddleware

__all__ = ["SecurityMiddleware"]
