"""TOTP two-factor login with recovery codes, end to end through the pages."""

import re
import time

from rustforge.contrib.auth import totp
from rustforge.contrib.auth.models import RecoveryCode, TOTPDevice

PASSWORD = "correct horse battery staple"


def post(client, path, **fields):
    return client.post(path, data={"csrf_token": client.cookies["csrftoken"], **fields})


def password_step(client, username="ada"):
    client.get("/accounts/login")
    return post(client, "/accounts/login", username=username, password=PASSWORD)


def enrol(client):
    page = post(client, "/accounts/2fa/setup")
    assert page.status_code == 200, page.text
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page.text).group(1)
    assert "otpauth://totp/" in page.text
    # A wrong code does not turn it on.
    assert post(client, "/accounts/2fa/confirm", code="000000").status_code == 400
    assert not TOTPDevice.get().confirmed
    done = post(client, "/accounts/2fa/confirm", code=totp.code_at(secret, int(time.time() // 30)))
    assert done.status_code == 200
    codes = re.findall(r"<code>([a-z2-9-]{19})</code>", done.text)
    assert len(codes) == 10
    return secret, codes


def test_rfc6238_vectors():
    secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
    for seconds, expected in ((59, "94287082"), (1111111109, "07081804"),
                              (2000000000, "69279037")):
        assert totp.code_at(secret, seconds // 30, digits=8) == expected


def test_enrol_then_login_needs_the_second_factor(app, client, make_user):
    from rustforge.testing.client import Client

    make_user("ada")
    password_step(client)
    secret, codes = enrol(client)
    # Only hashes are stored.
    stored = {r.code_hash for r in RecoveryCode.select()}
    assert codes[0] not in stored and totp.hash_recovery_code(codes[0]) in stored

    browser = Client(app)
    response = password_step(browser)
    assert response.status_code == 303
    assert response.headers["location"].endswith("/accounts/login/verify")
    # The password alone does not log in.
    assert browser.get("/accounts/me").status_code == 401
    assert post(browser, "/accounts/login/verify", code="123456").status_code == 400
    # The code just used at enrolment cannot be replayed.
    used = totp.code_at(secret, int(time.time() // 30))
    TOTPDevice.update(last_step=int(time.time() // 30)).execute()
    assert post(browser, "/accounts/login/verify", code=used).status_code == 400
    # The next step's code (within the allowed drift) works, once.
    next_code = totp.code_at(secret, int(time.time() // 30) + 1)
    assert post(browser, "/accounts/login/verify", code=next_code).status_code == 303
    assert browser.get("/accounts/me").json["username"] == "ada"


def test_recovery_code_works_once(app, client, make_user):
    from rustforge.testing.client import Client

    make_user("ada")
    password_step(client)
    _secret, codes = enrol(client)
    first = Client(app)
    password_step(first)
    assert post(first, "/accounts/login/verify", code=codes[0].upper()).status_code == 303
    assert first.get("/accounts/me").status_code == 200
    second = Client(app)
    password_step(second)
    assert post(second, "/accounts/login/verify", code=codes[0]).status_code == 400
    assert second.get("/accounts/me").status_code == 401


def test_verify_without_password_step_goes_back_to_login(client, db):
    client.get("/accounts/login")
    response = post(client, "/accounts/login/verify", code="123456")
    assert response.status_code == 303
    assert response.headers["location"] == "/accounts/login"


def test_disable_needs_the_password(client, make_user):
    make_user("ada")
    password_step(client)
    enrol(client)
    assert post(client, "/accounts/2fa/disable", password="nope").status_code == 400
    assert TOTPDevice.select().count() == 1
    assert post(client, "/accounts/2fa/disable", password=PASSWORD).status_code == 303
    assert TOTPDevice.select().count() == 0 and RecoveryCode.select().count() == 0


def test_second_factor_guesses_are_throttled(app, client, make_user, settings):
    settings.LOGIN_THROTTLE_USER_LIMIT = 3
    make_user("ada")
    password_step(client)
    enrol(client)
    from rustforge.testing.client import Client

    browser = Client(app)
    password_step(browser)
    for _ in range(3):
        assert post(browser, "/accounts/login/verify", code="000000").status_code == 400
    assert post(browser, "/accounts/login/verify", code="000001").status_code == 429
