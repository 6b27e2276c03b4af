import shutil
from pathlib import Path

import click

from rustforge.management import CommandError


@click.command("collectstatic")
@click.option("--clear", is_flag=True, help="Empty STATIC_ROOT first.")
def command(clear: bool) -> None:
    """Copy static files of the project and every app into STATIC_ROOT."""
    from rustforge.apps import apps
    from rustforge.conf import settings
    from rustforge.http.static import static_dirs

    if not settings.STATIC_ROOT:
        raise CommandError("STATIC_ROOT is not set; name the folder to collect into")
    apps.populate()
    root = Path(settings.STATIC_ROOT)
    if clear and root.exists():
        shutil.rmtree(root)
    copied = 0
    # Lowest priority first, so project files overwrite app files.
    for folder in reversed(static_dirs()):
        for src in folder.rglob("*"):
            if src.is_file():
                dest = root / src.relative_to(folder)
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(src, dest)
                copied += 1
    click.echo(f"{copied} static file(s) copied to {root}.")
