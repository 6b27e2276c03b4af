"""System checks of the mail set-up."""

from __future__ import annotations

from rustforge.checks import Error, Warning, register


@register("mail")
def check_email_url(app_configs=None, **kwargs):
    from rustforge.conf import settings
    from rustforge.mail import InvalidAddress, MailConfigurationError
    from rustforge.mail.backends import parse_email_url
    from rustforge.mail.headers import parse_address

    messages = []
    try:
        parse_email_url(settings.EMAIL_URL)
    except MailConfigurationError as exc:
        messages.append(Error(str(exc), hint="See docs/mail.md for the accepted URLs.",
                              id="mail.E001"))
    for name in ("DEFAULT_FROM_EMAIL", "SERVER_EMAIL"):
        try:
            parse_address(getattr(settings, name), field=name)
        except InvalidAddress as exc:
            messages.append(Error(str(exc), id="mail.E002"))
    for admin in settings.ADMINS:
        try:
            parse_address(tuple(admin) if isinstance(admin, list) else admin, field="ADMINS")
        except InvalidAddress as exc:
            messages.append(Error(str(exc), hint='ADMINS = [("Name", "name@example.com")]',
                                  id="mail.E003"))
    return messages


@register("mail", deploy=True)
def check_production_backend(app_configs=None, **kwargs):
    from rustforge.conf import settings

    scheme = str(settings.EMAIL_URL).partition(":")[0].lower()
    if scheme in ("console", "memory", "locmem", "dummy", "file"):
        return [Warning(f"EMAIL_URL uses the {scheme}:// backend: no mail leaves this machine",
                        hint="Set EMAIL_URL to smtp://... or smtps://... in production.",
                        id="mail.W001")]
    return []
