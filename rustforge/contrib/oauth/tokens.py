"""Issuing, finding and revoking tokens.

Access and refresh tokens are random strings (or signed JWTs, see
``jwt_tokens.py``) stored as keyed digests. Tokens issued from one
authorization code, and every rotation of their refresh token, share a
``family``: a replayed code or a reused refresh token revokes the family.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import uuid
from typing import Any

from peewee import JOIN

from rustforge.conf import settings
from rustforge.contrib.auth.base_user import utcnow
from rustforge.contrib.oauth import digests
from rustforge.contrib.oauth.models import AccessToken, Application, RefreshToken
from rustforge.db.compiled import CompiledQuery
from rustforge.events.signals import oauth_token_issued

logger = logging.getLogger("rustforge.oauth")

MAX_TOKEN_LENGTH = 4096  # a JWT access token is a few hundred characters


def new_family() -> str:
    return uuid.uuid4().hex


def opaque_token(request: Any = None) -> str:
    """An oauthlib token generator: 256 random bits, URL-safe."""
    return digests.new_secret(32)


def access_token_generator(request: Any) -> str:
    from rustforge.contrib.oauth.jwt_tokens import jwt_enabled, make_access_token

    if jwt_enabled():
        return make_access_token(request)
    return opaque_token(request)


def _digests(token: Any) -> list[str] | None:
    if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    return digests.lookup_digests(token)


def _digest_match(field: Any, wanted: list[str]) -> Any:
    # PERF: a plain equality while there is no fallback key: the cheapest plan.
    return field == wanted[0] if len(wanted) == 1 else field.in_(wanted)


def find_access_token(token: Any) -> AccessToken | None:
    """The stored access token (with its application), or None."""
    wanted = _digests(token)
    if wanted is None:
        return None
    return (AccessToken.select(AccessToken, Application).join(Application)
            .where(_digest_match(AccessToken.token_digest, wanted)).first())


def _token_with_user(digest: Any) -> Any:
    from rustforge.contrib.auth.authentication import get_user_model

    user_model = get_user_model()
    return (AccessToken.select(AccessToken, user_model)
            .join(user_model, JOIN.LEFT_OUTER, on=(AccessToken.user == user_model._meta.primary_key))
            .where(AccessToken.token_digest == digest).limit(1))


class _BearerLookup:
    """The query of every bearer request, compiled once per user model and database."""

    def __init__(self) -> None:
        self.query: CompiledQuery | None = None
        self.user_model: Any = None

    def __call__(self, wanted: list[str]) -> AccessToken | None:
        from rustforge.contrib.auth.authentication import get_user_model

        user_model = get_user_model()
        if self.query is None or self.user_model is not user_model:
            self.query = CompiledQuery(AccessToken, _token_with_user,
                                       converters=(AccessToken.token_digest.db_value,))
            self.user_model = user_model
        for digest in wanted:  # the current key's digest first, then the fallbacks'
            row = self.query.first_tuple(digest)
            if row is not None:
                return self._build(row, user_model)
        return None

    @staticmethod
    def _build(row: tuple, user_model: Any) -> AccessToken:
        names = [f.name for f in AccessToken._meta.sorted_fields]
        values = dict(zip(names, row[:len(names)]))
        token = AccessToken(__no_default__=1, **values)
        if values["user"] is not None:
            user = user_model(__no_default__=1, **dict(zip(
                (f.name for f in user_model._meta.sorted_fields), row[len(names):])))
            user._dirty.clear()
            token.user = user
        token._dirty.clear()
        return token


_bearer_lookup = _BearerLookup()


def find_bearer_token(token: Any) -> AccessToken | None:
    """The access token of an API request, with its user, in one query.

    PERF: this runs on every bearer request: the session lookup's shape (two
    tables, compiled once, read as plain values); the client comes from
    ``cached_application``.
    """
    wanted = _digests(token)
    return None if wanted is None else _bearer_lookup(wanted)


# id -> (monotonic deadline, Application): the client of a bearer request, for
# req.context. A client's own fields are all a request reads; its tokens are
# checked in the database on every request, so revocation is never delayed.
_applications: dict[int, tuple[float, Application]] = {}
APPLICATION_CACHE_SECONDS = 30.0


def forget_applications(sender: Any = None, **kwargs: Any) -> None:
    """Drop the cached clients (a client was saved, updated or deleted)."""
    _applications.clear()


def cached_application(application_id: int) -> Application:
    now = time.monotonic()
    cached = _applications.get(application_id)
    if cached is not None and cached[0] > now:
        return cached[1]
    app = Application.get_by_id(application_id)
    if len(_applications) > 1000:
        _applications.clear()
    _applications[application_id] = (now + APPLICATION_CACHE_SECONDS, app)
    return app


def find_refresh_token(token: Any) -> RefreshToken | None:
    wanted = _digests(token)
    if wanted is None:
        return None
    return RefreshToken.get_or_none(_digest_match(RefreshToken.token_digest, wanted))


def save_issued(token: dict, request: Any) -> None:
    """Store a token response's tokens (oauthlib's ``save_bearer_token``)."""
    now = utcnow()
    family = getattr(request, "oauth_family", None) or new_family()
    scopes = token["scope"].split() if token.get("scope") else list(request.scopes or [])
    user = request.user
    app = request.client
    if "refresh_token" not in app.grant_type_list:
        # oauthlib adds one to every code and password grant; the response is
        # serialised after this call, so the client never sees it either.
        token.pop("refresh_token", None)
    access = AccessToken.create(
        token_digest=digests.digest(token["access_token"]), application=app,
        user=user._pk if user is not None else None, scopes=" ".join(scopes), family=family,
        expires_at=now + dt.timedelta(seconds=int(token["expires_in"])))
    if token.get("refresh_token"):
        RefreshToken.create(
            token_digest=digests.digest(token["refresh_token"]), application=app,
            user=access.user_id, access_token=access, scopes=" ".join(scopes), family=family,
            expires_at=now + dt.timedelta(seconds=settings.OAUTH_REFRESH_TOKEN_EXPIRE_SECONDS))
    logger.info("issued a token to client %s (grant %s, scopes %s)", app.client_id,
                request.grant_type, " ".join(scopes))
    if oauth_token_issued.receivers:
        oauth_token_issued.send(app, application=app, user=user, scopes=scopes,
                                grant_type=request.grant_type)


def issue(application: Application, user: Any = None, scopes: list[str] | None = None,
          expires_in: int | None = None) -> str:
    """An access token made on the server side (tests, scripts, benchmarks), no
    grant involved; the raw token, returned once."""
    value = opaque_token()
    seconds = settings.OAUTH_ACCESS_TOKEN_EXPIRE_SECONDS if expires_in is None else expires_in
    AccessToken.create(
        token_digest=digests.digest(value), application=application,
        user=user._pk if user is not None else None,
        scopes=" ".join(application.scope_list if scopes is None else scopes),
        family=new_family(), expires_at=utcnow() + dt.timedelta(seconds=seconds))
    return value


def revoke_access_token_ids(ids: list[int]) -> int:
    return (AccessToken.update(revoked_at=utcnow())
            .where(AccessToken.id.in_(ids) & AccessToken.revoked_at.is_null(True)).execute())


def revoke_family(family: str, reason: str = "") -> int:
    """Revoke every access and refresh token of ``family``; the number revoked."""
    now = utcnow()
    count = (AccessToken.update(revoked_at=now)
             .where((AccessToken.family == family) & AccessToken.revoked_at.is_null(True))
             .execute())
    count += (RefreshToken.update(revoked_at=now)
              .where((RefreshToken.family == family) & RefreshToken.revoked_at.is_null(True))
              .execute())
    if reason:
        logger.warning("revoked %d token(s) of one family: %s", count, reason)
    return count


def revoke_for_client(token: Any, hint: str | None, client: Application) -> None:
    """RFC 7009: revoke ``token`` if ``client`` owns it; unknown tokens are ignored.

    A refresh token takes its whole family (the access tokens made from the
    same grant) with it, as RFC 7009 2.1 recommends.
    """
    finders = [find_access_token, find_refresh_token]
    if hint == "refresh_token":
        finders.reverse()
    for find in finders:
        found = find(token)
        if found is None:
            continue
        if found.application_id != client.id:
            return  # another client's token: say nothing, change nothing
        if isinstance(found, RefreshToken):
            revoke_family(found.family)
        else:
            revoke_access_token_ids([found.id])
        return


def introspect(token: Any, hint: str | None, client: Application) -> dict | None:
    """RFC 7662 claims of an active token the caller may see, else None (inactive)."""
    from rustforge.contrib.oauth.jwt_tokens import issuer_claim

    now = utcnow()
    finders = [find_access_token, find_refresh_token]
    if hint == "refresh_token":
        finders.reverse()
    for find in finders:
        found = find(token)
        if found is None:
            continue
        if not found.is_active(now):
            return None
        if found.application_id != client.id and not client.introspection:
            return None
        owner = found.application
        claims = {"scope": found.scopes, "client_id": owner.client_id,
                  "token_type": "Bearer" if isinstance(found, AccessToken) else "refresh_token",
                  "exp": _epoch(found.expires_at), "iat": _epoch(found.created_at)}
        if found.user_id is not None:
            user = found.user
            claims["sub"] = str(found.user_id)
            claims["username"] = user.username
        issuer = issuer_claim()
        if issuer:
            claims["iss"] = issuer
        return claims
    return None


def _epoch(value: dt.datetime) -> int:
    return int(value.replace(tzinfo=dt.UTC).timestamp())
