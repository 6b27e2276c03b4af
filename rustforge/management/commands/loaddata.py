"""``manage.py loaddata``: write fixtures into the database, all or nothing.

    python manage.py loaddata seed.json            # a file
    python manage.py loaddata countries            # <app>/fixtures/countries.json(l) of any app
"""

from __future__ import annotations

from pathlib import Path

import click

from rustforge.management import CommandError


def find_fixture(name: str) -> list[Path]:
    """A path as given, or the files of that name in the installed apps' ``fixtures/``."""
    from rustforge.apps import apps

    given = Path(name)
    if given.suffix in (".json", ".jsonl") and given.is_file():
        return [given]
    if given.parent != Path(".") or given.suffix not in ("", ".json", ".jsonl"):
        raise CommandError(f"no fixture file {name}")
    apps.populate()
    stems = [name] if given.suffix else [f"{name}.json", f"{name}.jsonl"]
    found = [config.path / "fixtures" / stem for config in apps.get_app_configs()
             for stem in stems if (config.path / "fixtures" / stem).is_file()]
    if not found:
        raise CommandError(f"no fixture named {name!r} (looked for a file and in every app's "
                           f"fixtures/)")
    return found


@click.command("loaddata")
@click.argument("names", nargs=-1, required=True, metavar="FIXTURE...")
def command(names: tuple[str, ...]) -> None:
    """Load fixture files (a path, or a name in an app's fixtures/) in one transaction."""
    from rustforge.db import fixtures

    paths = [path for name in names for path in find_fixture(name)]

    def objects():
        for path in paths:
            yield from fixtures.read(path)

    try:
        written = fixtures.load(objects())
    except fixtures.FixtureError as exc:
        raise CommandError(f"{exc}; nothing was loaded") from None
    click.echo(f"Installed {sum(written.values())} object(s) from {len(paths)} fixture(s).")
