"""Auth fixtures: users and logged-in test clients.

    def test_dashboard(client, make_user, login):
        ada = make_user("ada", password="a long passphrase")
        login(client, ada)                       # real POST to the login page
        assert client.get("/dashboard").status_code == 200

    def test_admin_area(admin_client):
        assert admin_client.get("/admin").status_code == 200

Passwords are hashed with the real hasher (argon2id); set
``PASSWORD_ARGON2`` in the test settings to cheaper parameters for speed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

DEFAULT_PASSWORD = "correct horse battery staple"


@pytest.fixture
def make_user(request: pytest.FixtureRequest) -> Callable[..., Any]:
    """``make_user("ada", password=..., **fields)`` -> a saved user.

    Uses the test's ``transactional_db`` (or ``live_server``) when it has
    one, so a server thread sees the user; ``db`` otherwise.
    """
    from rustforge.contrib.auth import get_user_model
    from rustforge.contrib.auth.permissions import create_permissions

    committed = {"transactional_db", "live_server"} & set(request.fixturenames)
    request.getfixturevalue("transactional_db" if committed else "db")
    # transactional_db empties every table after a test, migrate's permissions too.
    create_permissions()

    def make(username: str = "user", *, password: str = DEFAULT_PASSWORD,
             email: str | None = None, **fields: Any) -> Any:
        model = get_user_model()
        return model.create_user(username, email if email is not None
                                 else f"{username}@example.com", password, **fields)

    return make


@pytest.fixture
def login() -> Callable[..., Any]:
    """``login(client, user, password=...)`` logs the client in through the login page."""

    def do(client: Any, user: Any, password: str = DEFAULT_PASSWORD) -> Any:
        client.get("/accounts/login")  # sets the CSRF cookie, like a browser
        response = client.post("/accounts/login",
                               json={"username": user.username, "password": password},
                               headers={"X-CSRFToken": client.cookies.get("csrftoken", ""),
                                        # what a browser sends with a same-origin POST
                                        "Origin": f"{client.protocol}://{client.host}"})
        assert response.status_code == 200, response.text
        client.default_headers["X-CSRFToken"] = response.json["csrf_token"]
        return response

    return do


@pytest.fixture
def admin_user(make_user) -> Any:
    return make_user("admin", is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client(client, admin_user, login) -> Any:
    login(client, admin_user)
    return client
