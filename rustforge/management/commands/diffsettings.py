"""``diffsettings``: what this project changed, with secrets masked."""

import re
from urllib.parse import urlsplit, urlunsplit

import click

_SECRET_NAME = re.compile(r"SECRET|PASSWORD|PASSWD|TOKEN|PRIVATE|API_KEY|CREDENTIAL")
MASK = "********"


def masked(name: str, value: object) -> str:
    """``repr(value)``, with secrets and the passwords inside URLs hidden.

    >>> masked("SECRET_KEY", "abc"), masked("DATABASE_URL", "postgresql://u:pw@h/db")
    ("'********'", "'postgresql://u:********@h/db'")
    """
    if _SECRET_NAME.search(name) and value:
        return repr(MASK)
    if isinstance(value, str) and "://" in value and "@" in value:
        parts = urlsplit(value)
        if parts.password:
            netloc = parts.netloc.replace(f":{parts.password}@", f":{MASK}@", 1)
            return repr(urlunsplit(parts._replace(netloc=netloc)))
    return repr(value)


@click.command("diffsettings")
@click.option("--all", "show_all", is_flag=True, help="Also list settings left at their default.")
def command(show_all: bool) -> None:
    """Print the settings that differ from RustForge's defaults (secrets masked)."""
    from rustforge.conf import global_settings, settings

    _ = settings.DEBUG  # load them
    loaded = settings._wrapped
    for name in sorted(n for n in vars(loaded) if n.isupper() and n != "SETTINGS_MODULE"):
        value = getattr(loaded, name)
        default = getattr(global_settings, name, _MISSING)
        if value == default and default is not _MISSING:
            if show_all:
                click.echo(f"{name} = {masked(name, value)}  # default")
            continue
        marker = "" if default is not _MISSING else "  # not a framework setting"
        click.echo(f"{name} = {masked(name, value)}{marker}")


_MISSING = object()
