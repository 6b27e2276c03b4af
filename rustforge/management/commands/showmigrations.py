import click

from rustforge.management import CommandError


@click.command("showmigrations")
@click.argument("apps", nargs=-1)
@click.option("--plan", "as_plan", is_flag=True,
              help="One list in the order `migrate` runs them, across apps.")
def command(apps: tuple[str, ...], as_plan: bool) -> None:
    """List each app's migrations; [X] marks the applied ones.

    Reads the database without changing it.
    """
    from rustforge.db.migrations import MigrationError, show

    try:
        if as_plan:
            _print_plan(apps)
            return
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


def _print_plan(labels: tuple[str, ...]) -> None:
    from rustforge.db.migrations import MigrationGraph
    from rustforge.db.migrations.history import History
    from rustforge.db.migrations.runner import connect, installed_apps, resolve_app

    configs = installed_apps()
    wanted = {resolve_app(label).label for label in labels}
    graph = MigrationGraph.from_apps(configs)
    applied = History(connect()).applied()
    for migration in graph.plan():
        if not wanted or migration.app in wanted:
            deps = [f"{a}.{n}" for a, n in migration.dependencies if a != migration.app]
            after = f"  (after {', '.join(deps)})" if deps else ""
            click.echo(f"[{'X' if migration.key in applied else ' '}] {migration}{after}")
