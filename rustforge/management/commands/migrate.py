import click

from rustforge.management import CommandError


@click.command("migrate")
@click.argument("app", required=False)
@click.argument("target", required=False)
@click.option("--fake", is_flag=True,
              help="Record the migrations as applied (or unapplied) without running them.")
@click.option("--plan", "show_plan", is_flag=True,
              help="Print what would run, and change nothing.")
@click.option("-q", "--quiet", is_flag=True, help="Print errors only.")
@click.option("--tenants", is_flag=True,
              help="Then apply the migrations of the tenant-schema apps to every tenant's "
                   "schema (rustforge.contrib.tenancy, PostgreSQL).")
@click.option("--parallel", type=click.IntRange(1, 64), default=None,
              help="With --tenants: schemas migrated at once (default: TENANCY_MIGRATE_PARALLEL).")
def command(app: str | None, target: str | None, fake: bool, show_plan: bool,
            quiet: bool, tenants: bool, parallel: int | None) -> None:
    """Apply migrations; with APP and TARGET, move APP forwards or back to TARGET.

    \b
      migrate                      every app, to its latest migration
      migrate blog                 blog (and what it depends on)
      migrate blog 002_add_tags    forwards or backwards to that migration
      migrate blog 002             the same, by unique prefix
      migrate blog zero            unapply all of blog's migrations
      migrate --tenants            everything, then every tenant schema
    """
    from rustforge.db.migrations import MigrationError, migrate
    from rustforge.management.commands.check import require_clean_checks

    require_clean_checks()
    echo = (lambda message: None) if quiet else click.echo
    if tenants and (app or target or fake or show_plan):
        raise CommandError("--tenants migrates everything to the latest migrations; it takes "
                           "no APP, TARGET, --fake or --plan")
    if parallel is not None and not tenants:
        raise CommandError("--parallel only applies with --tenants")
    tenant_migrations = _tenant_migrations() if tenants else None
    try:
        if show_plan:
            _print_plan(app, target)
            return
        executor = migrate(app, target, fake=fake, log=_with_header(echo))
    except MigrationError as exc:
        raise CommandError(str(exc)) from None
    if not executor.applied_now and not executor.rolled_back_now:
        echo("No migrations to apply.")
    if tenant_migrations is not None:
        # The service prints progress and a summary, and says which schemas failed.
        try:
            failed = tenant_migrations(parallel=parallel, log=echo,
                                       err=lambda message: click.echo(message, err=True))
        except MigrationError as exc:
            raise CommandError(str(exc)) from None
        if failed:
            raise CommandError(f"migrating {failed} tenant schema(s) failed (see above)")
    if not quiet:
        _warn_pending_changes()


def _tenant_migrations():
    """The ``migrations.tenants`` service an app registers (tenancy); the core
    knows only its shape: ``run(parallel=, log=, err=) -> number failed``."""
    from rustforge.apps import apps
    from rustforge.services import services

    apps.populate()
    if "migrations.tenants" not in services:
        raise CommandError("--tenants needs an app that provides tenant schemas: add "
                           "'rustforge.contrib.tenancy' to INSTALLED_APPS")
    return services.get("migrations.tenants")


def _with_header(echo):
    # The header appears only once something happens, so an error comes alone.
    printed = []

    def log(message: str) -> None:
        if not printed:
            printed.append(True)
            echo("Running migrations:")
        echo(message)

    return log


def _print_plan(app: str | None, target: str | None) -> None:
    from rustforge.db.migrations.executor import Executor
    from rustforge.db.migrations.loader import MigrationGraph
    from rustforge.db.migrations.runner import connect, installed_apps, resolve_app

    configs = installed_apps()
    if app:
        resolve_app(app)
    executor = Executor(connect(), MigrationGraph.from_apps(configs))
    steps = executor.plan(app, target)
    click.echo("Planned operations:")
    for step in steps:
        click.echo(f"  {step}")
    if not steps:
        click.echo("  No planned migration operations.")


def _warn_pending_changes() -> None:
    from rustforge.db.migrations.autodetect import Autodetector
    from rustforge.db.migrations.runner import installed_apps

    try:
        configs = installed_apps()
        detector = Autodetector(configs)
        pending = [c.label for c in configs
                   if c.migrations_dir.is_dir() and detector.changes(c).forward]
    except Exception:  # noqa: BLE001 - a warning must never turn a successful migrate into a failure
        return
    if pending:
        click.echo(f"Warning: models of {', '.join(pending)} have changes that are not in a "
                   "migration yet; run `makemigrations` and then `migrate` again.", err=True)
