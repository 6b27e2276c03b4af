import click

from rustforge.management import CommandError


@click.command("sqlmigrate")
@click.argument("app")
@click.argument("name")
@click.option("--backwards", is_flag=True, help="Print the SQL of the rollback instead.")
def command(app: str, name: str, backwards: bool) -> None:
    """Print the SQL that migration NAME of APP runs on the project database's vendor.

    The statements are captured on a throwaway database (in-memory SQLite,
    or a temporary PostgreSQL schema that is rolled back), so the project's
    tables are never touched.
    """
    from rustforge.conf import settings
    from rustforge.db.backends import parse_url
    from rustforge.db.migrations import MigrationError, MigrationGraph
    from rustforge.db.migrations.runner import installed_apps, resolve_app
    from rustforge.db.migrations.sql import migration_sql

    try:
        configs = installed_apps()
        config = resolve_app(app)
        graph = MigrationGraph.from_apps(configs)
        if not graph.by_app.get(config.label):
            raise MigrationError(f"app {app!r} has no migrations")
        migration = graph.find(config.label, name)
        cls, _, _ = parse_url(settings.DATABASE_URL)
        try:
            statements = migration_sql(graph, migration, backwards=backwards,
                                       vendor=cls.vendor, url=settings.DATABASE_URL)
        except MigrationError:
            raise
        except Exception as exc:
            import peewee

            if isinstance(exc, (peewee.OperationalError, peewee.InterfaceError)):
                reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
                raise MigrationError(f"cannot connect to the database: {reason}") from None
            raise
    except MigrationError as exc:
        raise CommandError(str(exc)) from None
    click.echo(f"-- {migration}{' (backwards)' if backwards else ''}")
    for statement in statements:
        click.echo(statement)
    if not statements:
        click.echo("-- (no SQL)")
