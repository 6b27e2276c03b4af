"""``createapplication``, ``listapplications`` and ``cleartokens``."""

from __future__ import annotations

import click

from rustforge.management import CommandError


@click.command()
@click.argument("name")
@click.option("--type", "client_type", type=click.Choice(["confidential", "public"]),
              default="confidential", show_default=True,
              help="public: a browser or mobile app that cannot keep a secret (PKCE only).")
@click.option("--redirect-uri", "redirect_uris", multiple=True,
              help="An exact redirect URI (repeatable).")
@click.option("--grant-type", "grant_types", multiple=True,
              help="authorization_code, refresh_token, client_credentials or password "
                   "(repeatable; default: authorization_code and refresh_token).")
@click.option("--scope", "scopes", multiple=True,
              help="A scope the client may ask for (repeatable; default: read).")
@click.option("--skip-consent", is_flag=True, help="A first-party client: no consent page.")
@click.option("--introspection", is_flag=True,
              help="A resource server: may introspect other clients' tokens.")
@click.option("--owner", default=None, help="Username of the user who owns the client.")
def createapplication(name: str, client_type: str, redirect_uris: tuple[str, ...],
                      grant_types: tuple[str, ...], scopes: tuple[str, ...],
                      skip_consent: bool, introspection: bool, owner: str | None) -> None:
    """Register an OAuth client; prints its client id and secret (shown only once)."""
    from rustforge.contrib.oauth.models import Application

    owner_user = None
    if owner is not None:
        from rustforge.contrib.auth.authentication import get_user_model

        model = get_user_model()
        owner_user = model.get_or_none(model.username == model.normalize_username(owner))
        if owner_user is None:
            raise CommandError(f"no user named {owner!r}")
    try:
        app, secret = Application.register(
            name, client_type=client_type, redirect_uris=list(redirect_uris),
            grant_types=list(grant_types) or ["authorization_code", "refresh_token"],
            scopes=list(scopes) or ["read"], skip_consent=skip_consent,
            introspection=introspection, owner=owner_user)
    except ValueError as exc:
        raise CommandError(str(exc)) from None
    click.echo(f"Client {app.name!r} registered.")
    click.echo(f"client_id:     {app.client_id}")
    if secret is not None:
        click.echo(f"client_secret: {secret}")
        click.echo("Store the secret now: only its digest is kept, it cannot be shown again.")


@click.command()
def listapplications() -> None:
    """List the registered OAuth clients (never their secrets)."""
    from peewee import fn

    from rustforge.contrib.auth.base_user import utcnow
    from rustforge.contrib.oauth.models import AccessToken, Application

    now = utcnow()
    active = dict(AccessToken.select(AccessToken.application, fn.COUNT(AccessToken.id))
                  .where((AccessToken.expires_at > now) & AccessToken.revoked_at.is_null(True))
                  .group_by(AccessToken.application).tuples())
    apps = list(Application.select().order_by(Application.id))
    if not apps:
        click.echo("No OAuth clients.")
        return
    for app in apps:
        flags = [app.client_type] + (["skip-consent"] if app.skip_consent else []) + (
            ["introspection"] if app.introspection else [])
        click.echo(f"{app.client_id}  {app.name}  [{', '.join(flags)}]")
        click.echo(f"    grants: {app.grant_types}; scopes: {app.scopes}; "
                   f"active tokens: {active.get(app.id, 0)}")
        for uri in app.redirect_uri_list:
            click.echo(f"    redirect: {uri}")


@click.command()
@click.option("--batch-size", type=click.IntRange(min=1), default=None,
              help="Rows per DELETE (default: OAUTH_CLEANUP_BATCH_SIZE).")
def cleartokens(batch_size: int | None) -> None:
    """Delete expired and revoked tokens and old authorization codes, in batches."""
    from rustforge.contrib.oauth.cleanup import clear_tokens

    def progress(kind: str, done: int) -> None:
        click.echo(f"  {kind}: {done} deleted so far")

    counts = clear_tokens(batch_size, progress)
    click.echo("Deleted " + ", ".join(f"{count} {kind}" for kind, count in counts.items()) + ".")
