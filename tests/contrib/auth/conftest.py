"""The auth tests run the test project with the auth middleware installed."""

import pytest

AUTH_MIDDLEWARE = [
    "rustforge.http.middleware.SecurityMiddleware",
    "rustforge.contrib.auth.middleware.SessionMiddleware",
    "rustforge.contrib.auth.middleware.AuthenticationMiddleware",
    "rustforge.contrib.auth.csrf.CsrfMiddleware",
]
# Real argon2id, with cheap parameters so a test suite hashing hundreds of
# passwords stays fast; tests about the defaults set them back explicitly.
FAST_ARGON2 = {"memory_cost": 1024, "rounds": 1, "parallelism": 1}


@pytest.fixture(autouse=True)
def auth_settings(settings, locmem_cache):
    settings.MIDDLEWARE = AUTH_MIDDLEWARE
    settings.PASSWORD_ARGON2 = FAST_ARGON2
    return settings
