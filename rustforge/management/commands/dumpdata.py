"""``manage.py dumpdata``: write rows as a fixture (JSON, or JSON Lines for big tables).

    python manage.py dumpdata blog auth.User --indent 2 -o seed.json
    python manage.py dumpdata --exclude auth.Session -o everything.jsonl
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import click

from rustforge.management import CommandError


@click.command("dumpdata")
@click.argument("labels", nargs=-1, metavar="[APP | APP.MODEL]...")
@click.option("-e", "--exclude", multiple=True, metavar="APP | APP.MODEL",
              help="Leave this app or model out (repeatable).")
@click.option("--indent", type=click.IntRange(0, 8), default=None,
              help="Pretty-print with this many spaces.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file (.jsonl: one object per line) instead of stdout.")
def command(labels: tuple[str, ...], exclude: tuple[str, ...], indent: int | None,
            output: Path | None) -> None:
    """Write the rows of apps or models (every model by default) as a fixture."""
    from rustforge.db import fixtures

    try:
        models = fixtures.select_models(labels, exclude)
        if output is None:
            fixtures.write(fixtures.dump(models), sys.stdout, indent=indent)
            return
        # A dump that fails half-way leaves no half-written file behind.
        handle, partial = tempfile.mkstemp(dir=output.parent or ".", prefix=f".{output.name}.")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                count = fixtures.write(fixtures.dump(models), out, indent=indent,
                                       lines=output.suffix == ".jsonl")
            os.replace(partial, output)
        finally:
            if os.path.exists(partial):
                os.unlink(partial)
    except fixtures.FixtureError as exc:
        raise CommandError(str(exc)) from None
    except OSError as exc:
        raise CommandError(f"{output}: {exc.strerror or exc}") from None
    click.echo(f"Dumped {count} object(s) of {len(models)} model(s) to {output}.", err=True)
