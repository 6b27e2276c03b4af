"""The command runner behind ``manage.py`` and the ``rustforge`` script.

Core commands are imported only when run (``--help`` stays fast). Apps add
commands by defining click commands in their ``commands`` module; ``--help``
groups them by app. Built-in commands keep working when the project cannot
be imported: the error is reported once, as a warning.
"""

from __future__ import annotations

import difflib
import importlib
import os
import sys
from typing import Any

import click

from rustforge.conf import ENVIRONMENT_VARIABLE


class CommandError(click.ClickException):
    """Raise from a command to stop with a one-line error and exit status 1."""

    exit_code = 1


# name -> (module, one-line help). Each module defines ``command``.
CORE_COMMANDS: dict[str, tuple[str, str]] = {
    "startproject": ("startproject", "Create a new project from the template."),
    "startapp": ("startapp", "Create a new app with the common layout."),
    "runserver": ("runserver", "Serve the project for development, reloading on change."),
    "shell": ("shell", "Start a Python shell with settings loaded and models imported."),
    "check": ("check", "Run the system checks."),
    "routes": ("routes", "List every route, its responder and its name."),
    "migrate": ("migrate", "Apply (or roll back) migrations."),
    "makemigrations": ("makemigrations", "Write migrations from model changes."),
    "showmigrations": ("showmigrations", "List migrations and whether they are applied."),
    "sqlmigrate": ("sqlmigrate", "Print the SQL of one migration."),
    "sqlsnapshot": ("sqlsnapshot", "Regenerate (or --check) the SQL snapshots of the built-in apps."),
    "dbshell": ("dbshell", "Open the database's own command-line client."),
    "diffsettings": ("diffsettings", "Print the settings that differ from the defaults."),
    "collectstatic": ("collectstatic", "Copy every app's static files into STATIC_ROOT."),
    "dumpdata": ("dumpdata", "Write rows of apps or models as a JSON fixture."),
    "loaddata": ("loaddata", "Load JSON fixtures into the database, all or nothing."),
    "prune": ("prune", "Permanently delete rows soft-deleted longer than a period."),
    "newsecret": ("newsecret", "Print a new random SECRET_KEY."),
    "version": ("version", "Print the RustForge version."),
    "rqworker": ("rqworker", "Run background jobs from Redis queues."),
    "jobs": ("jobs", "Show queues and failed jobs; requeue or delete them."),
    "plugins": ("plugins", "List installed plugins and whether each is enabled."),
}
# ctx.meta key: the global options given on this command line (see options.py).
_GIVEN = "rustforge.global_options"
_STANDALONE = "rustforge.standalone"
# Commands that need no project settings at all.
STANDALONE = {"startproject", "newsecret", "version"}


class ManagementGroup(click.Group):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._app_commands: dict[str, tuple[str, click.Command]] | None = None
        self.load_error: str | None = None

    # Discovery --------------------------------------------------------------
    def app_commands(self) -> dict[str, tuple[str, click.Command]]:
        if self._app_commands is None:
            self._app_commands = {}
            if not os.environ.get(ENVIRONMENT_VARIABLE):
                return self._app_commands
            try:
                from rustforge.apps import apps

                apps.populate()
                for config in apps.get_app_configs():
                    for cmd in config.get_commands():
                        self._app_commands.setdefault(cmd.name, (config.label, cmd))
            except Exception as exc:  # noqa: BLE001 - a broken project must not hide core commands
                self.load_error = f"{type(exc).__name__}: {exc}"
        return self._app_commands

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        # `version`, `newsecret`, `startproject` load no project.
        ctx.meta[_STANDALONE] = bool(args) and args[0] in STANDALONE
        return super().parse_args(ctx, args)

    def get_params(self, ctx: click.Context) -> list[click.Parameter]:
        from rustforge.management.options import global_options

        if not ctx.meta.get(_STANDALONE):
            # Apps register their global options in ready() or get_commands().
            self.app_commands()
        return [*global_options(), *super().get_params(ctx)]

    def invoke(self, ctx: click.Context) -> Any:
        from rustforge.management.options import global_options

        # The root callback takes no arguments: the apps' options are theirs.
        ctx.meta[_GIVEN] = {option.name: ctx.params.pop(option.name)
                            for option in global_options() if option.name in ctx.params}
        return super().invoke(ctx)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(CORE_COMMANDS) | set(self.app_commands()))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in CORE_COMMANDS:
            dotted = f"rustforge.management.commands.{CORE_COMMANDS[name][0]}"
            try:
                module = importlib.import_module(dotted)
            except ModuleNotFoundError as exc:
                if exc.name != dotted:
                    raise
                raise CommandError(f"the {name!r} command is not available in this "
                                   "installation of RustForge") from None
            return module.command
        found = self.app_commands().get(name)
        return found[1] if found else None

    def resolve_command(self, ctx: click.Context, args: list[str]):
        name = args[0] if args else ""
        if name and not name.startswith("-") and self.get_command(ctx, name) is None:
            hint = difflib.get_close_matches(name, self.list_commands(ctx), n=1)
            message = f"unknown command {name!r}"
            if hint:
                message += f"; did you mean {hint[0]!r}?"
            elif self.load_error:
                message += f" (the project's commands could not be loaded: {self.load_error})"
            else:
                message += f"; see '{ctx.command_path} --help'"
            raise click.UsageError(message, ctx)
        cmd_name, cmd, rest = super().resolve_command(ctx, args)
        given = ctx.meta.pop(_GIVEN, None)
        if given and cmd_name:
            from rustforge.management.options import around_command

            # Left when the root context closes, after the command ran.
            ctx.with_resource(around_command(given, cmd_name))
        return cmd_name, cmd, rest

    # Help -------------------------------------------------------------------------
    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        core = [(name, help_) for name, (_, help_) in sorted(CORE_COMMANDS.items())]
        with formatter.section("Core commands"):
            formatter.write_dl(core)
        by_app: dict[str, list[tuple[str, str]]] = {}
        for name, (label, cmd) in sorted(self.app_commands().items()):
            if name not in CORE_COMMANDS:
                by_app.setdefault(label, []).append((name, cmd.get_short_help_str(60)))
        for label, rows in by_app.items():
            with formatter.section(f"[{label}]"):
                formatter.write_dl(rows)
        if self.load_error:
            with formatter.section("Warning"):
                formatter.write_text(f"project commands unavailable: {self.load_error}")


def _extract_settings(argv: list[str]) -> list[str]:
    """Honour ``--settings X`` anywhere on the line, as Django users expect."""
    out: list[str] = []
    args = iter(argv)
    for arg in args:
        if arg == "--settings":
            value = next(args, None)
            if value is None:
                raise click.UsageError("--settings needs a module path")
            os.environ[ENVIRONMENT_VARIABLE] = value
        elif arg.startswith("--settings="):
            os.environ[ENVIRONMENT_VARIABLE] = arg.split("=", 1)[1]
        else:
            out.append(arg)
    return out


@click.group(cls=ManagementGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="rustforge", prog_name="RustForge", message="%(prog)s %(version)s")
def cli() -> None:
    """RustForge project commands.

    Settings come from RUSTFORGE_SETTINGS_MODULE (manage.py sets it) or from
    --settings MODULE, accepted anywhere on the command line.
    """


def main(argv: list[str] | None = None, prog_name: str | None = None) -> None:
    """Entry point of ``manage.py`` and ``rustforge``; exits the process."""
    from rustforge.exceptions import RustForgeError

    prog = prog_name or os.path.basename(sys.argv[0]) or "rustforge"
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        argv = _extract_settings(argv)
        cli.main(argv, prog_name=prog, standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(1)
    except click.ClickException as exc:
        where = prog
        ctx = getattr(exc, "ctx", None)
        if ctx is not None and ctx.parent is not None:  # name the subcommand
            where = f"{prog} {ctx.info_name}"
        click.echo(f"{where}: error: {exc.format_message()}", err=True)
        sys.exit(exc.exit_code)
    except RustForgeError as exc:
        click.echo(f"{prog}: error: {exc}", err=True)
        sys.exit(1)
    except Exception as exc:
        # A database that cannot be reached is an operating problem, not a
        # bug: one line is what the user needs. Anything else keeps its
        # traceback, which is what a developer needs.
        if not _is_database_error(exc):
            raise
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        click.echo(f"{prog}: error: database: {first}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)
    sys.exit(0)


def _is_database_error(exc: BaseException) -> bool:
    peewee = sys.modules.get("peewee")
    return peewee is not None and isinstance(exc, (peewee.OperationalError,
                                                   peewee.InterfaceError))


def execute_from_command_line(settings_module: str, argv: list[str] | None = None) -> None:
    """What a project's ``manage.py`` calls."""
    os.environ.setdefault(ENVIRONMENT_VARIABLE, settings_module)
    cwd = os.getcwd()
    if cwd not in sys.path:
        sys.path.insert(0, cwd)
    main(argv, prog_name="manage.py")
