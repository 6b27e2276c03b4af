"""``sendtestemail``: check the mail set-up from the command line."""

from __future__ import annotations

import datetime as dt
import socket

import click

from rustforge.management import CommandError


@click.command("sendtestemail")
@click.argument("addresses", nargs=-1)
@click.option("--admins", is_flag=True, help="Also send to everyone in ADMINS.")
def sendtestemail(addresses: tuple[str, ...], admins: bool) -> None:
    """Send a test message to ADDRESSES (and/or ADMINS) through EMAIL_URL.

    Sends synchronously, even with EMAIL_QUEUE on, so a failure shows here:
    one line on standard error and exit status 1.

        manage.py sendtestemail ada@example.com
        manage.py sendtestemail --admins
    """
    from rustforge.conf import settings
    from rustforge.mail import EmailMessage, MailError, get_mailer, mail_admins

    if not addresses and not admins:
        raise click.UsageError("give at least one ADDRESS, or --admins")
    if admins and not settings.ADMINS:
        raise CommandError("--admins: the ADMINS setting is empty")
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    subject = f"Test email from {socket.gethostname()} on {stamp}"
    body = ("If you are reading this, RustForge can send e-mail "
            f"through {_safe_url(settings.EMAIL_URL)}.\n")
    try:
        if addresses:
            EmailMessage(subject, body, None, list(addresses)).send(queue=False,
                                                                    connection=get_mailer())
            click.echo(f"Sent a test message to {', '.join(addresses)}.")
        if admins:
            mail_admins(subject, body, queue=False)
            click.echo(f"Sent a test message to {len(settings.ADMINS)} admin(s).")
    except MailError as exc:
        raise CommandError(f"sending failed: {exc}") from None


def _safe_url(url: str) -> str:
    """``EMAIL_URL`` without its password, fit for a message body."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password:
        netloc = f"{parts.username}:***@{parts.hostname}"
        if parts.port:
            netloc += f":{parts.port}"
        parts = parts._replace(netloc=netloc)
    return urlunsplit(parts._replace(query=""))


commands = [sendtestemail]
