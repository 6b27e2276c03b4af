"""Text no database can store never reaches the auth views' queries or cache
keys (a 400, not a 500), and every spelling of a username that reaches an
account is throttled as that account. Meant for PostgreSQL too, where NUL and
lone surrogates bite (RUSTFORGE_TEST_DATABASE_URL)."""

import pytest

from rustforge.contrib.auth.testing import DEFAULT_PASSWORD

JSON = {"Content-Type": "application/json"}
FORM = "application/x-www-form-urlencoded"


def csrf(client):
    client.get("/accounts/login")
    return client.cookies["csrftoken"]


@pytest.mark.parametrize("body,content_type", [
    (b'{"username": "ada\\ud800", "password": "x"}', "application/json"),
    (b'{"username": "ada", "password": "pass\\udc00word"}', "application/json"),
    (b'{"username": "ada\\u0000", "password": "x"}', "application/json"),
    (b"username=ada%00&password=x", FORM),
    (b"username=%00&password=%00", FORM),
])
def test_login_refuses_unstorable_text_before_querying(client, make_user, body, content_type):
    make_user("ada")
    token = csrf(client)
    response = client.post("/accounts/login", body=body, content_type=content_type,
                           headers={"X-CSRFToken": token})
    assert response.status_code == 400, response.text
    assert "Traceback" not in response.text
    # The real account still logs in (nothing was locked or broken).
    response = client.post("/accounts/login", json={"username": "ada",
                                                    "password": DEFAULT_PASSWORD},
                           headers={"X-CSRFToken": token})
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("email", ["ada%00@example.com", "%00", "ada@example.com%00x"])
def test_password_reset_refuses_nul_in_the_email(client, make_user, mailoutbox, email):
    make_user("ada")
    token = csrf(client)
    response = client.post("/accounts/password/reset", body=f"email={email}".encode(),
                           content_type=FORM, headers={"X-CSRFToken": token})
    assert response.status_code == 400, response.text
    assert mailoutbox == []


def test_password_reset_refuses_a_surrogate_in_json(client, make_user, mailoutbox):
    make_user("ada")
    response = client.post("/accounts/password/reset", body=b'{"email": "\\udfffa@x.io"}',
                           content_type="application/json",
                           headers={"X-CSRFToken": csrf(client)})
    assert response.status_code == 400, response.text


@pytest.fixture
def limits(settings):
    settings.LOGIN_THROTTLE_USER_LIMIT = 3
    settings.LOGIN_THROTTLE_IP_LIMIT = 100
    settings.LOGIN_THROTTLE_WINDOW = 60
    return settings


@pytest.mark.parametrize("spelling", ["ＡＤＡ", "ａｄａ", " Ada ", "ADA", "ᴬᴰᴬ"])
def test_every_spelling_that_reaches_the_account_shares_its_throttle(
        app, make_user, limits, spelling):
    """Full-width and other compatibility spellings were each a fresh budget."""
    from rustforge.testing.client import Client

    make_user("ada")
    # Attempts spread over addresses: only the per-username counter can stop them.
    for n in range(3):
        client = Client(app, remote_addr=f"198.51.100.{n}")
        response = client.post("/accounts/login", json={"username": spelling, "password": "x"},
                               headers={"X-CSRFToken": csrf(client)})
        assert response.status_code == 400, response.text
    for name in ("ada", spelling):
        client = Client(app, remote_addr="198.51.100.99")
        response = client.post("/accounts/login",
                               json={"username": name, "password": DEFAULT_PASSWORD},
                               headers={"X-CSRFToken": csrf(client)})
        assert response.status_code == 429, (name, response.text)


def test_a_compatibility_spelling_logs_in_to_the_same_account(client, make_user, login):
    ada = make_user("Ada")
    assert ada.username == "ada"  # stored in the canonical form
    response = client.post("/accounts/login",
                           json={"username": "ＡＤＡ", "password": DEFAULT_PASSWORD},
                           headers={"X-CSRFToken": csrf(client)})
    assert response.status_code == 200, response.text
    assert response.json["user"]["id"] == ada.id


def test_one_function_for_lookup_and_throttle():
    from rustforge.contrib.auth import throttle
    from rustforge.contrib.auth.base_user import AbstractUser
    from rustforge.identity import normalize_username

    for spelling in ("ＡＤＡ", "Straße", "ﬁle", " x "):
        assert AbstractUser.normalize_username(spelling) == normalize_username(spelling)
        subjects = throttle._subjects({"REMOTE_ADDR": "192.0.2.1"}, spelling, "login")
        assert subjects[-1][1] == normalize_username(spelling)
