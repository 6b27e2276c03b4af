"""Consent remembered per user and client, and the words shown for scopes."""

from __future__ import annotations

from typing import Any

from rustforge.conf import settings
from rustforge.contrib.oauth.models import Consent


def describe(scopes: list[str]) -> list[tuple[str, str]]:
    """``[(scope, description), ...]`` for the consent page."""
    return [(scope, settings.OAUTH_SCOPES.get(scope, scope)) for scope in scopes]


def remembered(user: Any, application: Any, scopes: list[str]) -> bool:
    """True when the user already allowed this client every one of ``scopes``."""
    found = Consent.get_or_none((Consent.user == user._pk)
                                & (Consent.application == application.id))
    return found is not None and set(scopes) <= set(found.scope_list)


def remember(user: Any, application: Any, scopes: list[str]) -> None:
    found = Consent.get_or_none((Consent.user == user._pk)
                                & (Consent.application == application.id))
    if found is None:
        Consent.insert(user=user._pk, application=application.id, scopes=" ".join(scopes)) \
            .on_conflict_ignore().execute()
        return
    merged = sorted(set(found.scope_list) | set(scopes))
    Consent.update(scopes=" ".join(merged)).where(Consent.id == found.id).execute()
