"""Users, groups, permissions, sessions and second factors.

    from rustforge.contrib.auth import get_user_model
    User = get_user_model()
    ada = User.create_user("ada", "ada@example.com", "a long passphrase")
    ada.has_perm("blog.change_post")
"""

from __future__ import annotations

import logging

from peewee import (
    BooleanField,
    CharField,
    DateTimeField,
    DeferredForeignKey,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from rustforge.conf import settings
from rustforge.contrib.auth.base_user import AbstractUser, utcnow
from rustforge.db import Model
from rustforge.encryption import DecryptionError, decrypt, encrypt, is_encrypted

logger = logging.getLogger("rustforge.auth")


class User(AbstractUser):
    """The default user model (``AUTH_USER_MODEL = "auth.User"``)."""

    # create_user() / create_superuser() come from AbstractUser.


# A custom AUTH_USER_MODEL lives in another app that may load after this one,
# so links to it are resolved in AuthConfig.ready(), when every model exists.
_DEFERRED: list[DeferredForeignKey] = []


def _user_fk(**kwargs) -> ForeignKeyField:
    if settings.AUTH_USER_MODEL == "auth.User":
        return ForeignKeyField(User, on_delete="CASCADE", **kwargs)
    field = DeferredForeignKey("__auth_user_model__", on_delete="CASCADE", **kwargs)
    _DEFERRED.append(field)
    return field


def user_foreign_key(**kwargs) -> ForeignKeyField:
    """A foreign key to ``AUTH_USER_MODEL`` for other apps' models (``on_delete``
    CASCADE), resolved like auth's own when the user model is swapped."""
    return _user_fk(**kwargs)


class Permission(Model):
    """``<app_label>.<codename>``, e.g. ``blog.change_post``."""

    name = CharField(max_length=255)
    app_label = CharField(max_length=100)
    codename = CharField(max_length=100)

    class Meta:
        indexes = ((("app_label", "codename"), True),)

    def __str__(self) -> str:
        return f"{self.app_label}.{self.codename}"


class Group(Model):
    name = CharField(max_length=150, unique=True)

    def __str__(self) -> str:
        return self.name


class GroupPermission(Model):
    group = ForeignKeyField(Group, backref="permission_links", on_delete="CASCADE")
    permission = ForeignKeyField(Permission, on_delete="CASCADE")

    class Meta:
        indexes = ((("group", "permission"), True),)


class UserGroup(Model):
    user = _user_fk(backref="group_links")
    group = ForeignKeyField(Group, backref="user_links", on_delete="CASCADE")

    class Meta:
        indexes = ((("user", "group"), True),)


class UserPermission(Model):
    user = _user_fk(backref="permission_links")
    permission = ForeignKeyField(Permission, on_delete="CASCADE")

    class Meta:
        indexes = ((("user", "permission"), True),)


class Session(Model):
    """A server-side session. Only the SHA-256 of the key is stored, so a
    leaked table does not let anyone ride a live session."""

    key_hash = CharField(max_length=64, primary_key=True)
    user = _user_fk(null=True, backref="sessions")
    data = TextField(default="{}")
    created_at = DateTimeField(default=utcnow)
    last_seen = DateTimeField(default=utcnow)
    expires_at = DateTimeField(index=True)
    ip = CharField(max_length=45, default="")
    user_agent = CharField(max_length=255, default="")


TOTP_PURPOSE = "auth.totp"


class TOTPDevice(Model):
    """The user's authenticator secret; ``confirmed`` once a code proved it works.

    ``secret`` holds the secret encrypted with ``SECRET_KEY``
    (``rustforge.encryption``): a leaked table or backup does not let anyone
    make codes. Read and write it with ``plain_secret()`` and ``set_secret()``.
    """

    user = _user_fk(unique=True, backref="totp_devices")
    secret = CharField(max_length=255)
    confirmed = BooleanField(default=False)
    # The last time step accepted: a code is never accepted twice.
    last_step = IntegerField(default=0)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "auth_totp_device"  # not auth_t_o_t_p_device

    def set_secret(self, plain: str) -> None:
        """Store ``plain`` encrypted (not saved)."""
        self.secret = encrypt(plain, TOTP_PURPOSE)

    def plain_secret(self) -> str | None:
        """The base32 secret, or None when no key opens it (logged): the device
        then accepts no code, and recovery codes still work."""
        if not is_encrypted(self.secret):
            return self.secret  # written before encryption; migration 003 encrypts it
        try:
            return decrypt(self.secret, TOTP_PURPOSE)
        except DecryptionError as exc:
            logger.error("TOTP secret of user %s cannot be decrypted: %s", self.user_id, exc)
            return None


class RecoveryCode(Model):
    """A single-use second factor; only its SHA-256 is kept."""

    user = _user_fk(backref="recovery_codes")
    code_hash = CharField(max_length=64, index=True)
    used_at = DateTimeField(null=True)


def resolve_user_links(user_model: type) -> None:
    """Point the deferred user foreign keys at the custom user model."""
    while _DEFERRED:
        field = _DEFERRED.pop()
        DeferredForeignKey._unresolved.discard(field)
        field.set_model(user_model)
