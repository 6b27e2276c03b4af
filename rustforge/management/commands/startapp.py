from pathlib import Path

import click

from rustforge.management import CommandError
from rustforge.management.commands._scaffold import render_tree, validate_name


def module_path(name: str, directory: str | None) -> str:
    """The dotted path INSTALLED_APPS will use: ``apps/blog`` -> ``apps.blog``."""
    if not directory:
        return name
    path = Path(directory)
    if path.is_absolute():
        try:
            path = path.resolve().relative_to(Path.cwd().resolve())
        except ValueError:
            return name  # outside the project: importable under its own name
    parts = [p for p in path.parts if p not in ("", ".")]
    if not parts or not all(p.isidentifier() for p in parts):
        raise CommandError(f"{directory!r} is not a package path; use folders named like "
                           "Python identifiers, e.g. apps/blog")
    return ".".join(parts)


@click.command("startapp")
@click.argument("name")
@click.argument("directory", required=False, type=click.Path(file_okay=False))
def command(name: str, directory: str | None) -> None:
    """Create app NAME in DIRECTORY (default: ./NAME).

    With a DIRECTORY inside the project, such as apps/blog, the app is the
    package apps.blog: list that dotted path in INSTALLED_APPS.
    """
    validate_name(name, "app")
    target = Path(directory) if directory else Path.cwd() / name
    if target.exists() and any(target.iterdir()):
        raise CommandError(f"{target} already exists and is not empty")
    dotted = module_path(name, directory)
    class_name = "".join(part.capitalize() for part in name.split("_")) + "Config"
    render_tree("app", target, {"app_name": name, "app_module": dotted,
                                "app_class": class_name},
                folders=(f"templates/{name}", f"static/{name}"))
    click.echo(f"Created app {name!r} in {target}. Add {dotted!r} to INSTALLED_APPS, write "
               f"models in its models.py, then run `python manage.py makemigrations {name}`.")
