"""System checks of the admin app: it needs the auth app and its middleware."""

from __future__ import annotations

from rustforge.checks import Error, Warning, register

_NEEDED = ["rustforge.contrib.auth.middleware.SessionMiddleware",
           "rustforge.contrib.auth.middleware.AuthenticationMiddleware",
           "rustforge.contrib.auth.csrf.CsrfMiddleware"]


@register("admin")
def check_requirements(app_configs, **kwargs):
    from rustforge.apps import apps
    from rustforge.conf import settings

    messages = []
    if not apps.is_installed("rustforge.contrib.auth"):
        messages.append(Error("the admin needs the auth app",
                              hint="Add 'rustforge.contrib.auth' to INSTALLED_APPS.",
                              id="admin.E001"))
    missing = [m for m in _NEEDED if m not in settings.MIDDLEWARE]
    if missing:
        # A warning: projects (and test settings) may add the middleware per environment.
        messages.append(Warning("the admin needs sessions, authentication and CSRF middleware",
                              hint="Add to MIDDLEWARE: " + ", ".join(missing),
                              id="admin.W002"))
    return messages
