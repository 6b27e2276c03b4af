import difflib
import os
from pathlib import Path

import click

from rustforge.management import CommandError


@click.command("sqlsnapshot")
@click.option("--check", is_flag=True,
              help="Write nothing; exit 1 when a snapshot differs from the migrations.")
@click.option("--output", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder of the snapshots (default: migrations/ of the RustForge checkout).")
@click.option("--postgres-url", envvar="RUSTFORGE_SNAPSHOT_POSTGRES_URL", default=None,
              help="PostgreSQL server to capture PostgreSQL SQL on (a temporary schema, "
                   "rolled back). Default: DATABASE_URL when it is PostgreSQL.")
@click.option("--app", "app_names", multiple=True,
              help="Dotted app to snapshot instead of every built-in app (repeatable).")
def command(check: bool, output: Path | None, postgres_url: str | None,
            app_names: tuple[str, ...]) -> None:
    """Regenerate (or --check) the reviewed SQL of the built-in apps' schema."""
    from rustforge.conf import settings
    from rustforge.db.migrations import MigrationError
    from rustforge.db.migrations.snapshot import builtin_apps, default_folder, render, snapshot_path

    folder = output or default_folder()
    if folder is None:
        raise CommandError("not a RustForge source checkout; pass --output FOLDER")
    if not settings.configured:
        # Built-in apps may read settings when imported; the defaults do.
        settings.configure(None, DEBUG=True)
    url = postgres_url or os.environ.get("DATABASE_URL", "")
    vendors = ["sqlite"]
    if url.startswith(("postgres://", "postgresql://")):
        vendors.append("postgresql")
    else:
        click.echo("postgresql.sql skipped: no PostgreSQL server given "
                   "(pass --postgres-url or set RUSTFORGE_SNAPSHOT_POSTGRES_URL)", err=True)
    names = list(app_names) or builtin_apps()
    drifted = []
    for vendor in vendors:
        try:
            text = render(vendor, names, url if vendor == "postgresql" else None)
        except MigrationError as exc:
            raise CommandError(str(exc)) from None
        path = snapshot_path(folder, vendor)
        current = path.read_text(encoding="utf-8") if path.exists() else ""
        if current == text:
            click.echo(f"{path.name}: up to date")
            continue
        if check:
            drifted.append(path.name)
            diff = difflib.unified_diff(current.splitlines(), text.splitlines(),
                                        f"{path.name} (committed)", f"{path.name} (migrations)",
                                        lineterm="")
            click.echo("\n".join(diff))
        else:
            folder.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            click.echo(f"{path.name}: written")
    if drifted:
        raise CommandError(f"{', '.join(drifted)} differ from the migrations; "
                           "run `rustforge sqlsnapshot` and review the diff")
