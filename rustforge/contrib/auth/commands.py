"""``createsuperuser``, ``changepassword`` and ``clearsessions``."""

from __future__ import annotations

import os

import click

from rustforge.management import CommandError

PASSWORD_ENV = "RUSTFORGE_SUPERUSER_PASSWORD"  # noqa: S105 - a variable name, not a password


def _check_password(password: str, user) -> None:
    from rustforge.contrib.auth.passwords import PasswordValidationError, validate_password

    try:
        validate_password(password, user)
    except PasswordValidationError as exc:
        raise CommandError("password refused: " + " ".join(exc.messages)) from None


def _prompt_password(user) -> str:
    from rustforge.contrib.auth.passwords import PasswordValidationError, validate_password

    for _ in range(3):
        password = click.prompt("Password", hide_input=True, confirmation_prompt="Password (again)")
        try:
            validate_password(password, user)
            return password
        except PasswordValidationError as exc:
            click.echo("Error: " + " ".join(exc.messages), err=True)
    raise CommandError("three refused passwords; giving up")


@click.command()
@click.option("--username", help="Login name of the new superuser.")
@click.option("--email", default=None, help="E-mail address.")
@click.option("--noinput", "--no-input", "noinput", is_flag=True,
              help=f"Ask nothing; the password comes from ${PASSWORD_ENV}.")
def createsuperuser(username: str | None, email: str | None, noinput: bool) -> None:
    """Create a user with every permission (staff and superuser)."""
    from peewee import DatabaseError

    from rustforge.contrib.auth.authentication import get_user_model

    model = get_user_model()
    if noinput:
        if not username:
            raise CommandError("--username is required with --noinput")
        password = os.environ.get(PASSWORD_ENV)
        if not password:
            raise CommandError(f"set {PASSWORD_ENV} to the password when using --noinput")
    else:
        username = username or click.prompt("Username")
        if email is None:
            email = click.prompt("E-mail address", default="", show_default=False)
        password = None
    username = model.normalize_username(username or "")
    if not username or len(username) > 150:
        raise CommandError("the username must be 1 to 150 characters long")
    email = (email or "").strip()
    if email and ("@" not in email or len(email) > 254):
        raise CommandError(f"{email!r} is not a valid e-mail address")
    try:
        if model.select().where(model.username == username).exists():
            raise CommandError(f"a user named {username!r} already exists")
        candidate = model(username=username, email=email)
        if password is None:
            password = _prompt_password(candidate)
        else:
            _check_password(password, candidate)
        model.create_superuser(username, email, password)
    except DatabaseError as exc:
        raise CommandError(f"database error: {str(exc).splitlines()[0]} "
                           "(has `migrate` run?)") from None
    click.echo(f"Superuser {username!r} created.")


@click.command()
@click.argument("username", required=False)
def changepassword(username: str | None) -> None:
    """Set a user's password (asked twice) and log out all their sessions."""
    import getpass

    from rustforge.contrib.auth.authentication import get_user_model, set_password_and_logout_others

    model = get_user_model()
    username = username or getpass.getuser()
    user = model.get_or_none(model.username == model.normalize_username(username))
    if user is None:
        raise CommandError(f"no user named {username!r}")
    password = _prompt_password(user)
    set_password_and_logout_others(None, user, password)
    click.echo(f"Password of {username!r} changed; their sessions were logged out.")


@click.command()
def clearsessions() -> None:
    """Delete expired sessions from the session store."""
    from rustforge.contrib.auth.sessions import get_backend

    removed = get_backend().clear_expired()
    click.echo(f"{removed} expired session(s) deleted.")


commands = [createsuperuser, changepassword, clearsessions]
