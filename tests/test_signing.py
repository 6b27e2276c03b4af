"""rustforge.signing: salts, expiry and key rotation."""

import pytest

from rustforge import signing
from rustforge.conf import settings

KEY = "current-key-" * 4
OLD = "previous-key-" * 4


@pytest.fixture(autouse=True)
def keys():
    with settings.override(SECRET_KEY=KEY, SECRET_KEY_FALLBACKS=[]):
        yield


def test_tampered_value_or_salt_is_refused():
    signed = signing.sign("42", salt="a")
    assert signing.unsign(signed, salt="a") == "42"
    assert signing.unsign(signed, salt="b") is None
    assert signing.unsign("43" + signed[2:], salt="a") is None
    assert signing.unsign("no-separator", salt="a") is None


def test_fallback_keys_check_but_never_sign():
    with settings.override(SECRET_KEY=OLD):
        old = signing.sign("v", salt="s")
    assert signing.unsign(old, salt="s") is None
    with settings.override(SECRET_KEY_FALLBACKS=[OLD]):
        assert signing.unsign(old, salt="s") == "v"
        assert signing.sign("v", salt="s") != old


def test_timestamped_expires():
    signed = signing.sign_timestamped("file.csv", salt="dl", now=1_000_000)
    assert signing.unsign_timestamped(signed, "dl", max_age=60, now=1_000_059) == "file.csv"
    assert signing.unsign_timestamped(signed, "dl", max_age=60, now=1_000_061) is None
    # a signature from the future (clock skew or forgery) is not accepted either
    assert signing.unsign_timestamped(signed, "dl", max_age=60, now=999_000) is None


@pytest.mark.parametrize("stamp", ["", "!!", "z" * 13])
def test_timestamped_junk_stamp(stamp):
    forged = signing.sign(f"x:{stamp}", salt="dl")
    assert signing.unsign_timestamped(forged, "dl", max_age=10**9) is None


def test_reset_token_survives_key_rotation(db):
    from rustforge.contrib.auth.models import User
    from rustforge.contrib.auth.tokens import check_token, make_token

    user = User.create(username="rot", email="rot@example.com", password="x")
    token = make_token(user)
    with settings.override(SECRET_KEY="rotated-key-" * 4):
        assert not check_token(user, token)
        with settings.override(SECRET_KEY_FALLBACKS=[KEY]):
            assert check_token(user, token)


@pytest.mark.parametrize("value", ["", "abc", "x" * 200, "é\u2603", "a:b:c"])
def test_signature_is_hmac_sha256_of_the_derived_key(value):
    """Cookies and links signed before keep working: the signature is the
    standard HMAC-SHA256 keyed by sha256(prefix + salt + key), URL-safe base64."""
    import base64
    import hashlib
    import hmac

    for key in (KEY, OLD):
        derived = hashlib.sha256(("rustforge.auth.salt" + key).encode()).digest()
        expected = base64.urlsafe_b64encode(
            hmac.new(derived, value.encode(), hashlib.sha256).digest()).rstrip(b"=").decode()
        assert signing.signature(value, "salt", key) == expected
        if key == KEY:
            assert signing.sign(value, "salt") == f"{value}:{expected}"
            assert signing.unsign(f"{value}:{expected}", "salt") == value
