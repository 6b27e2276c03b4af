"""The web layer on falcon: app factory, routing, templates, middleware."""

from rustforge.http import checks as _checks  # noqa: F401  (registers the route check)
from rustforge.http.app import create_app, get_wsgi_application
from rustforge.http.lookups import get_or_404
from rustforge.http.redirects import redirect
from rustforge.http.routing import include, reverse, route
from rustforge.http.templates import render, render_to_string

__all__ = ["create_app", "get_or_404", "get_wsgi_application", "include", "redirect", "render",
           "render_to_string", "reverse", "route"]
