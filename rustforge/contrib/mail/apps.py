"""The mail app's configuration."""

from __future__ import annotations

from rustforge.apps import AppConfig


class MailConfig(AppConfig):
    name = "rustforge.contrib.mail"
    label = "mail"
    verbose_name = "Mail"
    # A leading underscore keeps the development pages out of a project's own URL space.
    url_prefix = "/_mail"
