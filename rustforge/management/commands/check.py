import click

# The subsystems register their checks when imported; `check` reports on all of
# them whether or not the project's own modules happened to import them.
import rustforge.cache
import rustforge.http
import rustforge.queue
import rustforge.ratelimit  # noqa: F401
from rustforge.checks import CRITICAL, DEBUG, ERROR, INFO, WARNING, run_checks
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


LEVELS = {"DEBUG": DEBUG, "INFO": INFO, "WARNING": WARNING, "ERROR": ERROR,
          "CRITICAL": CRITICAL}


@click.command("check")
@click.option("--deploy", is_flag=True, help="Also run the checks for production settings.")
@click.option("--tag", "tags", multiple=True, help="Run only checks with this tag.")
@click.option("--fail-level", type=click.Choice(list(LEVELS), case_sensitive=False),
              default="ERROR", show_default=True,
              help="Exit 1 when a message of this level or above is reported.")
@click.option("--silence", "silenced", multiple=True, metavar="ID",
              help="Ignore this check id (like SILENCED_CHECKS); repeat for several.")
def command(deploy: bool, tags: tuple[str, ...], fail_level: str,
            silenced: tuple[str, ...]) -> None:
    """Run the system checks; exit 1 when one reports an error (or --fail-level)."""
    threshold = LEVELS[fail_level.upper()]
    messages = [m for m in run_checks(tags or None, include_deploy=deploy)
                if m.id not in silenced]
    report(messages)
    failing = [m for m in messages if m.level >= threshold]
    if failing:
        what = ("error(s)" if threshold == ERROR
                else f"issue(s) at level {fail_level.upper()} or above")
        raise CommandError(f"system check found {len(failing)} {what}")


def require_clean_checks() -> None:
    """For commands that must not start on a broken configuration."""
    serious = report(run_checks(), quiet_ok=True)
    if serious:
        raise CommandError(f"system check found {serious} error(s); fix them or run `check`")
