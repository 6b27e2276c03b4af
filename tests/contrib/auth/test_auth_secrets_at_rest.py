"""TOTP secrets are encrypted at rest (``rustforge.encryption``), survive a
SECRET_KEY rotation through SECRET_KEY_FALLBACKS, and fail closed (no 500)
when no key opens them; the auth data migrations 002 and 003."""

import importlib
import time

import pytest
from test_auth_two_factor import enrol, password_step, post

from rustforge import encryption
from rustforge.contrib.auth import totp
from rustforge.contrib.auth.models import TOTP_PURPOSE, TOTPDevice
from rustforge.testing.client import Client

OLD_KEY = "old-secret-key-that-is-long-enough-for-the-checks-0123456789"
NEW_KEY = "new-secret-key-that-is-long-enough-for-the-checks-9876543210"


def test_encrypt_decrypt_rotate(settings):
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = OLD_KEY, []
    token = encryption.encrypt("JBSWY3DPEHPK3PXP", "auth.totp")
    assert token.startswith("enc1:") and "JBSWY3DPEHPK3PXP" not in token
    assert token != encryption.encrypt("JBSWY3DPEHPK3PXP", "auth.totp")  # a fresh IV
    with pytest.raises(encryption.DecryptionError):
        encryption.decrypt(token, "another.purpose")
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = NEW_KEY, [OLD_KEY]
    assert encryption.decrypt(token, "auth.totp") == "JBSWY3DPEHPK3PXP"
    fresh = encryption.reencrypt(token, "auth.totp")
    settings.SECRET_KEY_FALLBACKS = []
    assert encryption.decrypt(fresh, "auth.totp") == "JBSWY3DPEHPK3PXP"
    with pytest.raises(encryption.DecryptionError, match="SECRET_KEY_FALLBACKS"):
        encryption.decrypt(token, "auth.totp")
    for junk in ("enc1:", "enc1:AAAA", "plain", "enc1:" + "\x00" * 10):
        with pytest.raises(encryption.DecryptionError):
            encryption.decrypt(junk, "auth.totp")


def test_the_stored_secret_is_not_the_secret(client, make_user):
    make_user("ada")
    password_step(client)
    secret, _codes = enrol(client)
    stored = TOTPDevice.get().secret
    assert stored.startswith("enc1:") and secret not in stored
    assert TOTPDevice.get().plain_secret() == secret


def test_login_goes_on_after_a_key_rotation_and_fails_closed_without_the_key(
        app, client, make_user, settings, caplog):
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = OLD_KEY, []
    make_user("ada")
    password_step(client)
    secret, codes = enrol(client)
    step = int(time.time() // 30)
    # Rotated: the old key is a fallback, the secret still opens.
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = NEW_KEY, [OLD_KEY]
    browser = Client(app)
    password_step(browser)
    code = totp.code_at(secret, step + 1)
    assert post(browser, "/accounts/login/verify", code=code).status_code == 303
    # The old key dropped too early: codes are refused (400, not 500), logged,
    # and a recovery code still logs in.
    settings.SECRET_KEY_FALLBACKS = []
    other = Client(app)
    password_step(other)
    response = post(other, "/accounts/login/verify", code=totp.code_at(secret, step + 2))
    assert response.status_code == 400, response.text
    assert "cannot be decrypted" in caplog.text
    assert post(other, "/accounts/login/verify", code=codes[0]).status_code == 303


def migration(name):
    return importlib.import_module(f"rustforge.contrib.auth.migrations.{name}")


class RunNow:
    """A migrator that runs Python operations at once and ignores the schema
    ones (the schema of the test database is already the final one)."""

    def change_fields(self, *args, **kwargs):
        pass

    def run(self, fn, *args, **kwargs):
        fn(*args, **kwargs)


def test_migration_003_encrypts_existing_secrets_and_rolls_back(db, make_user):
    ada = make_user("ada")
    TOTPDevice.insert(user=ada.id, secret="JBSWY3DPEHPK3PXP", confirmed=True).execute()
    assert TOTPDevice.get().plain_secret() == "JBSWY3DPEHPK3PXP"  # readable before, too
    module = migration("003_encrypt_totp_secrets")
    module.migrate(RunNow(), db)
    stored = TOTPDevice.get().secret
    assert encryption.is_encrypted(stored)
    assert encryption.decrypt(stored, TOTP_PURPOSE) == "JBSWY3DPEHPK3PXP"
    module.migrate(RunNow(), db)  # idempotent: nothing is encrypted twice
    assert TOTPDevice.get().plain_secret() == "JBSWY3DPEHPK3PXP"
    module.rollback(RunNow(), db)
    assert TOTPDevice.get().secret == "JBSWY3DPEHPK3PXP"


def test_migration_002_folds_usernames_unless_taken(db, make_user):
    from rustforge.contrib.auth import get_user_model

    user = get_user_model()
    make_user("placeholder")
    for name in ("Ada", "ＢＯＢ", "Carol", "carol "):
        user.insert(username=name, email="", password="!").execute()
    migration("002_canonical_usernames").migrate(RunNow(), db)
    names = {u.username for u in user.select()}
    # "Carol" and "carol " fold to one name: the first keeps it, the other stays.
    assert {"ada", "bob", "carol"} <= names
    assert len(names & {"Carol", "carol "}) == 1
