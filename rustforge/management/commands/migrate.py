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
def command(app: str | None, target: str | None, fake: bool, show_plan: bool,
            quiet: bool) -> None:
    """Apply migrations; with APP and TARGET, move APP forwards or back to TARGET.

    \b
      migrate                      every app, to its latest migration
      migrate blog                 blog (and what it depends on)
      migrate blog 002_add_tags    forwards or backwards to that migration
      migrate blog 002             the same, by unique prefix
      migrate blog zero            unapply all of blog's migrations
    """
    from rustforge.db.migrations import MigrationError, migrate
    from rustforge.management.commands.check import require_clean_checks

    require_clean_checks()
    echo = (lambda message: None) if quiet else click.echo
    try:
        if show_plan:
            _print_plan(app, target)
            return
        executor = migrate(app, target, fake=fake, log=_with_header(echo))
    except MigrationError as exc:
        raise CommandError(str(exc)) from None
    if not executor.applied_now and not executor.rolled_back_now:
        echo("No migrations to apply.")
    if not quiet:
        _warn_pending_changes()


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
