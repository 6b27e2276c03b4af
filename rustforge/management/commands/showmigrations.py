import click

from rustforge.management import CommandError


@click.command("showmigrations")
@click.argument("apps", nargs=-1)
def command(apps: tuple[str, ...]) -> None:
    """List each app's migrations; [X] marks the applied ones.

    Reads the database without changing it.
    """
    from rustforge.db.migrations import MigrationError, show

    try:
        rows = show(apps)
    except MigrationError as exc:
        raise CommandError(str(exc)) from None
    for config, migrations, orphans in rows:
        click.echo(config.label)
        if not config.migrations_dir.is_dir():
            click.echo(" (no migrations folder: `migrate` creates its tables directly)")
            continue
        if not migrations and not orphans:
            click.echo(" (no migrations)")
        for name, applied in migrations:
            click.echo(f" [{'X' if applied else ' '}] {name}")
        for name in orphans:
            click.echo(f" [X] {name}  (applied, but its file is missing)")
