import os

import click

from rustforge.management import CommandError


@click.command("makemigrations")
@click.argument("apps", nargs=-1)
@click.option("--name", "-n", default=None, help="Name of the new migration(s), e.g. add_tags.")
@click.option("--empty", is_flag=True, help="Write an empty migration to fill in by hand.")
@click.option("--check", is_flag=True,
              help="Write nothing; exit 1 when models have changes without a migration.")
@click.option("--dry-run", is_flag=True, help="Print what would be written, write nothing.")
def command(apps: tuple[str, ...], name: str | None, empty: bool, check: bool,
            dry_run: bool) -> None:
    """Write migrations for model changes of APPS (default: every app with a
    migrations folder).

    Naming an app that has no migrations folder yet creates one.
    """
    from rustforge.db.migrations import MigrationError
    from rustforge.db.migrations.autodetect import AppChanges, Autodetector, check_name
    from rustforge.db.migrations.runner import installed_apps, resolve_app

    try:
        configs = installed_apps()
        targets = [resolve_app(label) for label in dict.fromkeys(apps)] or [
            c for c in configs if c.migrations_dir.is_dir()]
        if empty and not apps:
            raise MigrationError("--empty needs the label of the app to write it for")
        if name:
            check_name(name)
        detector = Autodetector(configs)
        if empty:
            found = [AppChanges(c.label, c.migrations_dir, [], []) for c in targets]
            detector.plan_writes(found, name or "custom")
        else:
            found = [ch for ch in (detector.changes(c) for c in targets) if ch.forward]
            detector.plan_writes(found, name)
    except MigrationError as exc:
        raise CommandError(str(exc)) from None

    if not found:
        scope = f" in app(s) {', '.join(c.label for c in targets)}" if apps else ""
        click.echo(f"No changes detected{scope}.")
        return
    if check:
        for changes in found:
            click.echo(f"Models of {changes.app!r} differ from its migrations:")
            for line in changes.summary():
                click.echo(f"  - {line}")
        raise CommandError(
            "models have changes without a migration in: "
            + ", ".join(c.app for c in found) + "; run makemigrations")
    for changes in found:
        click.echo(f"Migrations for {changes.app!r}:")
        shown = os.path.relpath(changes.path) if changes.path else changes.name
        click.echo(f"  {shown}")
        for line in changes.summary() or ["(empty: fill in migrate() and rollback())"]:
            click.echo(f"    - {line}")
        for note in changes.notes:
            click.echo(f"Warning: {note}", err=True)
        if dry_run:
            click.echo(changes.render())
        else:
            detector.write(changes)
