import re
import sys
from pathlib import Path

import click

from rustforge.management import CommandError, autoreload

_ADDRPORT = re.compile(r"^(?:(?P<host>[^:\[\]]+|\[[0-9a-fA-F:]+\]):)?(?P<port>\d{1,5})$")


def parse_addrport(value: str) -> tuple[str, int]:
    match = _ADDRPORT.match(value)
    if not match or not 0 < int(match.group("port")) < 65536:
        raise CommandError(f"{value!r} is not a valid port or address:port (e.g. 8000, 0.0.0.0:8000)")
    host = (match.group("host") or "127.0.0.1").strip("[]")
    return host, int(match.group("port"))


@click.command("runserver")
@click.argument("addrport", required=False, default="127.0.0.1:8000")
@click.option("--noreload", is_flag=True, help="Do not restart on code changes.")
def command(addrport: str, noreload: bool) -> None:
    """Serve the project for development on ADDRPORT (default 127.0.0.1:8000).

    Restarts on code changes and serves static files. Never use in production:
    deploy with gunicorn.
    """
    host, port = parse_addrport(addrport)
    if not noreload and not autoreload.is_child():
        sys.exit(autoreload.supervise())

    from rustforge.http.devserver import serve

    if noreload:
        application = _load()
    else:
        try:
            application = _load()
        except Exception as exc:  # noqa: BLE001 - reported; the reloader waits for a fix
            _report(exc)
            autoreload.wait_for_fix(exc, _watched_dirs())
            return  # not reached: wait_for_fix exits to restart
        autoreload.start_watcher(_watched_dirs(), extra_files=_env_files())
    shown = f"[{host}]" if ":" in host else host
    try:
        serve(application, host, port,
              ready_message=f"RustForge development server at http://{shown}:{port}/ "
                            "(quit with CONTROL-C)")
    except OSError as exc:
        raise CommandError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    except KeyboardInterrupt:
        pass


def _load():
    from rustforge.http import get_wsgi_application
    from rustforge.management.commands.check import require_clean_checks

    require_clean_checks()
    return get_wsgi_application()


def _report(exc: Exception) -> None:
    """Show why the project did not load: one line for configuration errors,
    the traceback for errors in the project's code."""
    import traceback

    from rustforge.exceptions import RustForgeError

    if isinstance(exc, (RustForgeError, click.ClickException)):
        message = exc.format_message() if isinstance(exc, click.ClickException) else str(exc)
        click.echo(f"error: {message}", err=True)
    else:
        traceback.print_exception(exc)
    sys.stderr.flush()


def _watched_dirs() -> list[Path]:
    try:
        from rustforge.apps import apps
        from rustforge.conf import settings

        dirs = [Path(settings.BASE_DIR or ".") / d for d in settings.TEMPLATE_DIRS]
        if apps.ready:
            dirs += [c.templates_dir for c in apps.get_app_configs() if c.templates_dir]
        return dirs
    except Exception:  # noqa: BLE001 - settings themselves are broken: watch modules only
        return []


def _env_files() -> tuple[str, ...]:
    from rustforge.conf import settings

    base = Path(settings.BASE_DIR) if settings.BASE_DIR else Path.cwd()
    return (str(base / ".env"),)
