"""``AbstractUser``: the contract every user model keeps.

A project that wants its own user model subclasses it and points
``AUTH_USER_MODEL`` at the result:

    # accounts/models.py
    from peewee import CharField
    from rustforge.contrib.auth.base_user import AbstractUser

    class Member(AbstractUser):
        display_name = CharField(max_length=100, default="")

    # settings.py
    AUTH_USER_MODEL = "accounts.Member"

It lives outside ``auth.models`` so that the registry does not mistake it for
a model with a table.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from peewee import BooleanField, CharField, DateTimeField

from rustforge.db import Model
from rustforge.exceptions import ImproperlyConfigured
from rustforge.identity import normalize_username


def _no_permission_tables(user: Any) -> set[str]:
    raise ImproperlyConfigured(
        "user permissions need the auth app: add 'rustforge.contrib.auth' to INSTALLED_APPS")


# The permission tables live in auth's models, above this module (they link to
# the user model built on it); AuthConfig.ready() plugs their query in here.
_permissions_of: Callable[[Any], set[str]] = _no_permission_tables


def set_permissions_lookup(lookup: Callable[[Any], set[str]]) -> None:
    """Use ``lookup(user)`` -> ``{"app_label.codename", ...}`` for ``get_all_permissions``."""
    global _permissions_of
    _permissions_of = lookup


_UTC_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_NAIVE_EPOCH = dt.datetime(1970, 1, 1)


def utcnow() -> dt.datetime:
    """Naive UTC now: the form every auth timestamp is stored in (both backends)."""
    # PERF: the same value as ``now(UTC).replace(tzinfo=None)``, to the
    # microsecond; ``replace()`` parses its keyword (about 7,000 instructions),
    # the two subtractions do not, and every session request reads the clock.
    return _NAIVE_EPOCH + (dt.datetime.now(dt.UTC) - _UTC_EPOCH)


class AbstractUser(Model):
    username = CharField(max_length=150, unique=True)
    email = CharField(max_length=254, default="", index=True)
    # passlib hash; "!" + anything marks an unusable password (no login by password).
    password = CharField(max_length=255, default="!")
    is_active = BooleanField(default=True)
    is_staff = BooleanField(default=False)
    is_superuser = BooleanField(default=False)
    last_login = DateTimeField(null=True)
    date_joined = DateTimeField(default=utcnow)

    is_authenticated = True
    is_anonymous = False

    def __str__(self) -> str:
        return self.username

    @classmethod
    def create_user(cls, username: str, email: str = "", password: str | None = None,
                    **extra: Any) -> AbstractUser:
        """Create and save a user; ``password=None`` makes it unusable."""
        user = cls(username=cls.normalize_username(username), email=email.strip(), **extra)
        user.set_password(password)
        user.save(force_insert=True)
        return user

    @classmethod
    def create_superuser(cls, username: str, email: str = "", password: str | None = None,
                         **extra: Any) -> AbstractUser:
        extra.update(is_staff=True, is_superuser=True)
        return cls.create_user(username, email, password, **extra)

    @staticmethod
    def normalize_username(username: str) -> str:
        """The canonical spelling (NFKC, case-folded, stripped): every spelling
        that folds to it is the same account, for the lookup at login and for
        the login throttle alike (``rustforge.identity``)."""
        return normalize_username(username)

    # Passwords ----------------------------------------------------------------------
    def set_password(self, raw: str | None) -> None:
        """Hash ``raw`` (not saved); None makes the password unusable."""
        from rustforge.contrib.auth.passwords import make_password, unusable_password

        self.password = unusable_password() if raw is None else make_password(raw)

    def set_unusable_password(self) -> None:
        self.set_password(None)

    def has_usable_password(self) -> bool:
        return bool(self.password) and not self.password.startswith("!")

    def check_password(self, raw: str) -> bool:
        """Verify ``raw``; a hash with an old scheme or weaker parameters is
        replaced by a fresh one (saved when the user already exists)."""
        from rustforge.contrib.auth.passwords import verify_password

        ok, new_hash = verify_password(raw, self.password)
        if ok and new_hash:
            self.password = new_hash
            if self._pk is not None:
                type(self).update(password=new_hash).where(
                    type(self)._meta.primary_key == self._pk).execute()
        return ok

    # Permissions ----------------------------------------------------------------------
    def get_all_permissions(self) -> set[str]:
        """``{"blog.change_post", ...}`` from the user's own and groups' permissions."""
        cached = self.__dict__.get("_perm_cache")
        if cached is None:
            cached = _permissions_of(self) if self.is_active else set()
            self.__dict__["_perm_cache"] = cached
        return cached

    def has_perm(self, perm: str) -> bool:
        if not self.is_active:
            return False
        if self.is_superuser:
            return True
        return perm in self.get_all_permissions()

    def has_perms(self, perms: Any) -> bool:
        return all(self.has_perm(p) for p in perms)

    def to_public_dict(self) -> dict[str, Any]:
        return {"id": self._pk, "username": self.username, "email": self.email,
                "is_staff": self.is_staff, "is_superuser": self.is_superuser}


class AnonymousUser:
    """The user of a request nobody is logged in to."""

    id = None
    pk = None
    username = ""
    email = ""
    is_active = False
    is_staff = False
    is_superuser = False
    is_authenticated = False
    is_anonymous = True

    def __repr__(self) -> str:
        return "<AnonymousUser>"

    def __bool__(self) -> bool:
        return False

    def has_perm(self, perm: str) -> bool:
        return False

    def has_perms(self, perms: Any) -> bool:
        return False

    def get_all_permissions(self) -> set[str]:
        return set()


ANONYMOUS = AnonymousUser()
