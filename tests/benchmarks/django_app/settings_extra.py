
# --- Added for the benchmark: production-like settings, persistent connections --
import os as _os
from urllib.parse import urlsplit as _urlsplit

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS += ["world"]  # noqa: F821
_url = _urlsplit(_os.environ["BENCH_DATABASE_URL"])
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": _url.path.lstrip("/"),
        "USER": _url.username or "",
        "PASSWORD": _url.password or "",
        "HOST": _url.hostname or "",
        "PORT": str(_url.port or ""),
        "CONN_MAX_AGE": None,
        # Django's own tables (auth_user, django_session) live in their own
        # schema: RustForge's auth app has an auth_user table too.
        "OPTIONS": {"options": "-c search_path=django,public"},
    }
}
