"""The OAuth 2.0 authorization server app."""

from __future__ import annotations

import logging

from rustforge.apps import AppConfig


class OAuthConfig(AppConfig):
    name = "rustforge.contrib.oauth"
    label = "oauth"
    verbose_name = "OAuth 2.0 authorization server"
    url_prefix = "/oauth"

    def ready(self) -> None:
        from rustforge.contrib.auth.bearer import register_bearer_backend
        from rustforge.contrib.oauth.authentication import authenticate_bearer, bearer_challenge
        from rustforge.contrib.oauth.models import Application
        from rustforge.contrib.oauth.openapi import security_scheme
        from rustforge.contrib.oauth.tokens import forget_applications
        from rustforge.events import signals
        from rustforge.http.challenges import register_challenge
        from rustforge.resources.openapi import register_security_scheme

        register_bearer_backend(authenticate_bearer)
        register_challenge(bearer_challenge)
        for signal in (signals.post_save, signals.post_delete, signals.post_bulk_update,
                       signals.post_bulk_delete):
            signal.connect(forget_applications, sender=Application, weak=False)
        register_security_scheme("oauth2", security_scheme)
        # oauthlib logs codes and refresh tokens at DEBUG; secrets never reach the logs.
        logging.getLogger("oauthlib").setLevel(logging.INFO)
