"""Clients, authorization codes, tokens and remembered consents.

    from rustforge.contrib.oauth.models import Application
    app, secret = Application.register("Billing", redirect_uris=["https://billing.example/cb"])

Secrets, codes and tokens are stored as keyed digests only (``digests.py``):
a copy of these tables lets nobody call the API or impersonate a client.
Scopes, redirect URIs and grant types are space-separated lists.
"""

from __future__ import annotations

import datetime as dt

from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField, TextField

from rustforge.contrib.auth.base_user import utcnow
from rustforge.contrib.auth.models import user_foreign_key
from rustforge.contrib.oauth import digests
from rustforge.contrib.oauth.registration import (
    AUTHORIZATION_CODE,
    CLIENT_CREDENTIALS,
    CLIENT_TYPES,
    CONFIDENTIAL,
    GRANT_TYPES,
    PASSWORD,
    PUBLIC,
    REFRESH_TOKEN,
    validate_registration,
)
from rustforge.db import Model

__all__ = ["AUTHORIZATION_CODE", "CLIENT_CREDENTIALS", "CLIENT_TYPES", "CONFIDENTIAL",
           "GRANT_TYPES", "PASSWORD", "PUBLIC", "REFRESH_TOKEN", "AccessToken", "Application",
           "Consent", "Grant", "RefreshToken"]


def split(text: str) -> list[str]:
    return text.split() if text else []


class Application(Model):
    """A registered client. ``client_secret_digest`` is empty for public clients."""

    name = CharField(max_length=200)
    client_id = CharField(max_length=64, unique=True)
    client_secret_digest = CharField(max_length=64, default="")
    client_type = CharField(max_length=12, default=CONFIDENTIAL)
    redirect_uris = TextField(default="")
    grant_types = TextField(default=f"{AUTHORIZATION_CODE} {REFRESH_TOKEN}")
    scopes = TextField(default="read")
    skip_consent = BooleanField(default=False)
    # A resource server: may introspect tokens issued to other clients too.
    introspection = BooleanField(default=False)
    owner = user_foreign_key(null=True, backref="oauth_applications")
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "oauth_application"

    def __str__(self) -> str:
        return f"{self.name} ({self.client_id})"

    @property
    def is_public(self) -> bool:
        return self.client_type == PUBLIC

    @property
    def redirect_uri_list(self) -> list[str]:
        return split(self.redirect_uris)

    @property
    def grant_type_list(self) -> list[str]:
        return split(self.grant_types)

    @property
    def scope_list(self) -> list[str]:
        return split(self.scopes)

    def check_secret(self, secret: str) -> bool:
        """Constant-time check of a presented client secret (public clients have none)."""
        if not self.client_secret_digest or not isinstance(secret, str) or not secret:
            return False
        return digests.matches(secret, self.client_secret_digest)

    def set_secret(self) -> str:
        """A new secret for a confidential client, returned once and stored as a digest."""
        secret = digests.new_secret()
        self.client_secret_digest = digests.digest(secret)
        return secret

    @classmethod
    def register(cls, name: str, *, client_type: str = CONFIDENTIAL,
                 redirect_uris: list[str] | tuple[str, ...] = (),
                 grant_types: list[str] | tuple[str, ...] = (AUTHORIZATION_CODE, REFRESH_TOKEN),
                 scopes: list[str] | tuple[str, ...] = ("read",), skip_consent: bool = False,
                 introspection: bool = False, owner: object = None) -> tuple[Application, str | None]:
        """Create a client after validating its fields; ``(application, secret)``,
        the secret None for a public client. ValueError on bad input."""
        validate_registration(name=name, client_type=client_type,
                              redirect_uris=list(redirect_uris),
                              grant_types=list(grant_types), scopes=list(scopes))
        app = cls(name=name, client_id=digests.new_secret(24), client_type=client_type,
                  redirect_uris=" ".join(redirect_uris), grant_types=" ".join(grant_types),
                  scopes=" ".join(scopes), skip_consent=skip_consent,
                  introspection=introspection, owner=owner)
        secret = None if client_type == PUBLIC else app.set_secret()
        app.save()
        return app, secret


class Grant(Model):
    """An authorization code, bound to its client, user, redirect URI and PKCE challenge."""

    code_digest = CharField(max_length=64, unique=True)
    application = ForeignKeyField(Application, backref="grants", on_delete="CASCADE")
    user = user_foreign_key(backref="oauth_grants")
    redirect_uri = TextField()
    # False when the client left redirect_uri out and the registered one was used.
    redirect_uri_given = BooleanField(default=True)
    scopes = TextField(default="")
    code_challenge = CharField(max_length=128, default="")
    code_challenge_method = CharField(max_length=10, default="")
    # Every token issued from this code shares it: a replayed code revokes them all.
    family = CharField(max_length=32)
    expires_at = DateTimeField(index=True)
    redeemed_at = DateTimeField(null=True)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "oauth_grant"

    @property
    def scope_list(self) -> list[str]:
        return split(self.scopes)


class AccessToken(Model):
    token_digest = CharField(max_length=64, unique=True)
    application = ForeignKeyField(Application, backref="access_tokens", on_delete="CASCADE")
    user = user_foreign_key(null=True, backref="oauth_access_tokens")
    scopes = TextField(default="")
    # The refresh-token family (or the authorization code) this token belongs to.
    family = CharField(max_length=32, index=True)
    expires_at = DateTimeField(index=True)
    revoked_at = DateTimeField(null=True)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "oauth_access_token"

    @property
    def scope_list(self) -> list[str]:
        return split(self.scopes)

    def is_active(self, now: dt.datetime | None = None) -> bool:
        return self.revoked_at is None and self.expires_at > (now or utcnow())


class RefreshToken(Model):
    """Single-use: rotated at every refresh; a reused one revokes its whole family."""

    token_digest = CharField(max_length=64, unique=True)
    application = ForeignKeyField(Application, backref="refresh_tokens", on_delete="CASCADE")
    user = user_foreign_key(null=True, backref="oauth_refresh_tokens")
    access_token = ForeignKeyField(AccessToken, null=True, on_delete="SET NULL")
    scopes = TextField(default="")
    family = CharField(max_length=32, index=True)
    expires_at = DateTimeField(index=True)
    used_at = DateTimeField(null=True)
    revoked_at = DateTimeField(null=True)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "oauth_refresh_token"

    @property
    def scope_list(self) -> list[str]:
        return split(self.scopes)

    def is_active(self, now: dt.datetime | None = None) -> bool:
        return (self.revoked_at is None and self.used_at is None
                and self.expires_at > (now or utcnow()))


class Consent(Model):
    """Scopes a user allowed a client, so the consent page is not shown again for them."""

    user = user_foreign_key(backref="oauth_consents")
    application = ForeignKeyField(Application, backref="consents", on_delete="CASCADE")
    scopes = TextField(default="")
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "oauth_consent"
        indexes = ((("user", "application"), True),)

    @property
    def scope_list(self) -> list[str]:
        return split(self.scopes)
