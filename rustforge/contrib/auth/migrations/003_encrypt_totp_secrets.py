"""auth.003_encrypt_totp_secrets: TOTP secrets encrypted at rest.

The column grows to hold the ciphertext (``rustforge.encryption``, keyed by
``SECRET_KEY``), and every secret stored in clear is encrypted. Rolling back
decrypts them again (with ``SECRET_KEY`` or a fallback) and shrinks the column.
"""

import peewee as pw
from peewee_migrate import Migrator

from rustforge.encryption import decrypt, encrypt, is_encrypted

# The purpose the auth app encrypts TOTP secrets for (TOTP_PURPOSE in auth.models).
PURPOSE = "auth.totp"
TABLE = "auth_totp_device"


def _rewrite(database: pw.Database, change) -> None:
    devices = pw.Table(TABLE, ("id", "secret")).bind(database)
    for pk, secret in list(devices.select(devices.id, devices.secret).tuples()):
        new = change(secret)
        if new != secret:
            devices.update(secret=new).where(devices.id == pk).execute()


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    """Apply the changes."""
    migrator.change_fields(TABLE, secret=pw.CharField(max_length=255))

    def encrypt_totp_secrets():
        _rewrite(database, lambda s: s if is_encrypted(s) else encrypt(s, PURPOSE))

    migrator.run(encrypt_totp_secrets)


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    """Reverse the changes."""

    def decrypt_totp_secrets():
        _rewrite(database, lambda s: decrypt(s, PURPOSE) if is_encrypted(s) else s)

    migrator.run(decrypt_totp_secrets)
    migrator.change_fields(TABLE, secret=pw.CharField(max_length=64))
