from pathlib import Path

import click

from rustforge.management import CommandError
from rustforge.management.commands._scaffold import render_tree, validate_name


@click.command("startapp")
@click.argument("name")
@click.argument("directory", required=False, type=click.Path(file_okay=False))
def command(name: str, directory: str | None) -> None:
    """Create app NAME in DIRECTORY (default: ./NAME)."""
    validate_name(name, "app")
    target = Path(directory) if directory else Path.cwd() / name
    if target.exists() and any(target.iterdir()):
        raise CommandError(f"{target} already exists and is not empty")
    class_name = "".join(part.capitalize() for part in name.split("_")) + "Config"
    render_tree("app", target, {"app_name": name, "app_class": class_name},
                folders=(f"templates/{name}", f"static/{name}"))
    click.echo(f"Created app {name!r}. Add {name!r} to INSTALLED_APPS, write models in "
               f"{name}/models.py, then run `python manage.py makemigrations {name}`.")
