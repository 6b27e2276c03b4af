"""The auth app: users, groups, permissions, sessions, CSRF, login pages."""

from __future__ import annotations

from rustforge.apps import AppConfig


class AuthConfig(AppConfig):
    name = "rustforge.contrib.auth"
    label = "auth"
    verbose_name = "Authentication and authorisation"
    url_prefix = "/accounts"

    def ready(self) -> None:
        from rustforge.conf import settings
        from rustforge.contrib.auth import base_user, models
        from rustforge.contrib.auth.permissions import create_permissions, permissions_of
        from rustforge.events.signals import migrations_applied

        base_user.set_permissions_lookup(permissions_of)
        if settings.AUTH_USER_MODEL != "auth.User":
            from rustforge.contrib.auth.authentication import get_user_model

            models.resolve_user_links(get_user_model())
        # Sent once per app after every migration ran: our own turn is enough.
        migrations_applied.connect(create_permissions, sender=self, weak=False)
