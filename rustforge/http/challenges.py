"""What a 401 asks for: the ``WWW-Authenticate`` challenges of the installed login methods.

A 401 response must carry at least one challenge (RFC 9110, 11.6.1) so that a
client knows how to authenticate. The login methods add theirs -- the auth
app's ``AuthenticationMiddleware`` a session cookie set by its login form, the
oauth app bearer tokens at ``ready()`` -- and every "log in first" refusal of
the framework is built by ``unauthorized()``:

    from rustforge.http.challenges import unauthorized

    raise unauthorized("Log in to see your invoices.")

With no login method installed nothing can answer a challenge, so the refusal
is a 403 instead (as Django REST framework does).
"""

from __future__ import annotations

from collections.abc import Callable

import falcon

Challenge = Callable[[], str]

_challenges: list[Challenge] = []


def register_challenge(challenge: Challenge) -> Challenge:
    """Add ``challenge() -> str`` (e.g. ``'Bearer realm="api"'``); called per refusal,
    so it may read settings. Registering the same function twice keeps one entry."""
    if challenge not in _challenges:
        _challenges.append(challenge)
    return challenge


def unregister_challenge(challenge: Challenge) -> None:
    if challenge in _challenges:
        _challenges.remove(challenge)


def www_authenticate() -> str:
    """The value of ``WWW-Authenticate``: every registered challenge, in app order."""
    return ", ".join(challenge() for challenge in _challenges)


def unauthorized(description: str = "Log in to access this resource.",
                 title: str = "Authentication required") -> falcon.HTTPError:
    """The error to raise for an anonymous request that needs a login."""
    header = www_authenticate()
    if not header:
        return falcon.HTTPForbidden(title=title, description=description)
    return falcon.HTTPUnauthorized(title=title, description=description,
                                   headers={"WWW-Authenticate": header})
