"""What a client may be registered with (commands, admin, ``Application.register``).

Redirect URIs are matched exactly at authorization time, so the rules here
are what keeps that match meaningful: absolute, HTTPS (plain HTTP only for a
loopback address, RFC 8252 7.3), no fragment, no user info, no wildcards.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from rustforge.conf import settings

MAX_URI_LENGTH = 2000
CONFIDENTIAL = "confidential"
PUBLIC = "public"
CLIENT_TYPES = (CONFIDENTIAL, PUBLIC)
AUTHORIZATION_CODE = "authorization_code"
CLIENT_CREDENTIALS = "client_credentials"
REFRESH_TOKEN = "refresh_token"  # noqa: S105 - a grant type's name
PASSWORD = "password"  # noqa: S105 - a grant type's name
GRANT_TYPES = (AUTHORIZATION_CODE, CLIENT_CREDENTIALS, REFRESH_TOKEN, PASSWORD)


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def redirect_uri_error(uri: str) -> str | None:
    """Why ``uri`` cannot be registered, or None."""
    if not isinstance(uri, str) or not uri or len(uri) > MAX_URI_LENGTH:
        return "must be a URI of at most 2000 characters"
    if any(c.isspace() or ord(c) < 0x21 or ord(c) > 0x7E for c in uri):
        return "must be printable ASCII without spaces (percent-encode the rest)"
    try:
        parts = urlsplit(uri)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        return "is not a valid URI"
    if not parts.scheme or not parts.netloc and parts.scheme in ("http", "https"):
        return "must be absolute (scheme and host)"
    if parts.fragment or "#" in uri:
        return "must not contain a fragment"
    if "@" in parts.netloc:
        return "must not contain user information"
    if "*" in uri:
        return "must not contain wildcards"
    if parts.scheme == "http" and not _loopback(parts.hostname or ""):
        return "must use https (http only for localhost or a loopback address)"
    if parts.scheme in ("javascript", "data", "file", "vbscript"):
        return f"must not use the {parts.scheme}: scheme"
    return None


def validate_registration(*, name: str, client_type: str, redirect_uris: list[str],
                          grant_types: list[str], scopes: list[str]) -> None:
    """Raise ValueError with every problem of a client's registration."""
    problems = []
    if not isinstance(name, str) or not name.strip() or len(name) > 200:
        problems.append("name: give 1 to 200 characters")
    if client_type not in CLIENT_TYPES:
        problems.append(f"client type: one of {', '.join(CLIENT_TYPES)}")
    for uri in redirect_uris:
        error = redirect_uri_error(uri)
        if error:
            problems.append(f"redirect URI {uri[:100]!r} {error}")
    unknown = [g for g in grant_types if g not in GRANT_TYPES]
    if unknown or not grant_types:
        problems.append(f"grant types: choose from {', '.join(GRANT_TYPES)}")
    if AUTHORIZATION_CODE in grant_types and not redirect_uris:
        problems.append("authorization_code needs at least one redirect URI")
    if client_type == PUBLIC and (CLIENT_CREDENTIALS in grant_types or PASSWORD in grant_types):
        problems.append("a public client cannot authenticate: no client_credentials or "
                        "password grant")
    known = settings.OAUTH_SCOPES
    bad = [s for s in scopes if s not in known]
    if bad:
        problems.append(f"scopes {' '.join(bad)} are not in OAUTH_SCOPES "
                        f"({' '.join(known) or 'none'})")
    if problems:
        raise ValueError("; ".join(problems))
