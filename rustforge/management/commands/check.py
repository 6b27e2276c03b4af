import click

# The subsystems register their checks when imported; `check` reports on all of
# them whether or not the project's own modules happened to import them.
import rustforge.cache
import rustforge.http
import rustforge.queue
import rustforge.ratelimit  # noqa: F401
from rustforge.checks import ERROR, WARNING, run_checks
from rustforge.management import CommandError


def report(messages, *, quiet_ok: bool = False) -> int:
    """Print check messages; return the number of serious ones."""
    serious = [m for m in messages if m.level >= ERROR]
    for message in messages:
        label = "ERROR" if message.level >= ERROR else "WARNING" if message.level >= WARNING else "INFO"
        click.echo(f"{label} {message}", err=True)
    if not messages and not quiet_ok:
        click.echo("System check identified no issues.")
    return len(serious)


@click.command("check")
@click.option("--deploy", is_flag=True, help="Also run the checks for production settings.")
@click.option("--tag", "tags", multiple=True, help="Run only checks with this tag.")
def command(deploy: bool, tags: tuple[str, ...]) -> None:
    """Run the system checks; exit 1 when one reports an error."""
    serious = report(run_checks(tags or None, include_deploy=deploy))
    if serious:
        raise CommandError(f"system check found {serious} error(s)")


def require_clean_checks() -> None:
    """For commands that must not start on a broken configuration."""
    serious = report(run_checks(), quiet_ok=True)
    if serious:
        raise CommandError(f"system check found {serious} error(s); fix them or run `check`")
