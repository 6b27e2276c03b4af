"""A user with a live session in a generated project, for the authenticated route.

Run by ``bench.py`` from the project's folder with the project's environment
(after ``manage.py migrate``); prints the ``Cookie`` header value that logs
wrk in as that user:

    python accounts.py rustforge    # sessionid=<signed key>   (auth_session)
    python accounts.py django       # sessionid=<key>           (django_session)

The bare falcon implementation reads RustForge's tables with RustForge's
cookie, so it checks the same signature and runs the same lookup by hand.
"""

from __future__ import annotations

import os
import sys

USERNAME = "bench"


def rustforge_cookie() -> str:
    os.environ.setdefault("RUSTFORGE_SETTINGS_MODULE", "tfbsite.settings")
    from rustforge.apps import apps

    apps.populate()
    from rustforge.conf import settings
    from rustforge.contrib.auth.authentication import get_user_model
    from rustforge.contrib.auth.middleware import SESSION_SALT
    from rustforge.contrib.auth.sessions import Session, get_backend
    from rustforge.signing import sign

    user_model = get_user_model()
    user = user_model.get_or_none(user_model.username == USERNAME)
    if user is None:
        user = user_model.create_user(USERNAME, password=None)
    session = Session(get_backend())
    session.set_user(user.id)
    session.save(ip="127.0.0.1", user_agent="wrk")
    return f"{settings.SESSION_COOKIE_NAME}={sign(session.key, SESSION_SALT)}"


def django_cookie() -> str:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "djsite.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import User
    from django.contrib.sessions.backends.db import SessionStore

    user = User.objects.filter(username=USERNAME).first()
    if user is None:
        user = User.objects.create_user(USERNAME)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


if __name__ == "__main__":
    sys.path.insert(0, os.getcwd())
    print({"rustforge": rustforge_cookie, "django": django_cookie}[sys.argv[1]]())
