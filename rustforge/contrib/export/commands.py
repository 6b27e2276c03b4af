"""``export``: write an export to a file; ``export_cleanup``: drop expired export files."""

from __future__ import annotations

import sys

import click

from rustforge.management import CommandError

FORMAT_NAMES = ("csv", "jsonl", "pdf", "xlsx")


def _filters(pairs: tuple[str, ...]) -> dict[str, str]:
    found: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise CommandError(f"--filter {pair!r}: write it as name=value (e.g. status=paid)")
        if key in found:
            raise CommandError(f"--filter {key} given twice; use {key}__in=a,b for a list")
        found[key] = value
    return found


@click.command("export")
@click.argument("name")
@click.option("--format", "fmt", type=click.Choice(FORMAT_NAMES), default="csv",
              show_default=True, help="File format.")
@click.option("--output", "-o", required=True, type=click.Path(dir_okay=False, allow_dash=True),
              help="File to write ('-' for standard output).")
@click.option("--filter", "filters", multiple=True, metavar="NAME=VALUE",
              help="A filter, as in the query string (status=paid, amount__gte=10); repeatable.")
@click.option("--ordering", default=None, help="Comma-separated columns, '-' for descending.")
@click.option("--bom/--no-bom", default=None, help="Start a CSV file with a UTF-8 BOM.")
@click.option("--max-pages", type=click.IntRange(1), default=None,
              help="Page bound of a PDF (default EXPORT_JOB_PDF_MAX_PAGES).")
def export(name: str, fmt: str, output: str, filters: tuple[str, ...], ordering: str | None,
           bom: bool | None, max_pages: int | None) -> None:
    """Write the export NAME to a file, with a progress bar on standard error.

        manage.py export invoices --format pdf -o invoices.pdf --filter status=paid

    Runs with no user: every row the exporter's query gives is written.
    """
    from rustforge.conf import settings
    from rustforge.contrib.export.filters import FilterError
    from rustforge.contrib.export.registry import exports
    from rustforge.contrib.export.render import write

    try:
        exporter = exports[name]
    except LookupError as exc:
        raise CommandError(str(exc.args[0])) from None
    if fmt not in exporter.formats:
        raise CommandError(f"{name} exports only {', '.join(exporter.formats)}")
    try:
        selection = exporter.select(_filters(filters), ordering)
        total = exporter.count(selection)
    except FilterError as exc:
        raise CommandError(str(exc)) from None
    stream = sys.stdout.buffer if output == "-" else None
    try:
        handle = stream or open(output, "wb")  # noqa: SIM115  (closed below)
    except OSError as exc:
        raise CommandError(f"cannot write {output}: {exc.strerror}") from None
    shown = [0]
    with click.progressbar(length=max(total, 1), label=f"Exporting {total:,} rows",
                           file=sys.stderr, show_pos=True) as bar:
        def progress(done: int) -> None:
            bar.update(done - shown[0])
            shown[0] = done

        try:
            write(handle, exporter, fmt, selection, bom=settings.EXPORT_CSV_BOM if bom is None
                  else bom, on_rows=progress,
                  max_pages=max_pages or settings.EXPORT_JOB_PDF_MAX_PAGES)
        except Exception as exc:
            from rustforge.exceptions import RustForgeError

            if isinstance(exc, RustForgeError):
                raise CommandError(str(exc)) from None
            raise
        finally:
            if stream is None:
                handle.close()
    if output != "-":
        click.echo(f"Wrote {total:,} rows to {output}.", err=True)


@click.command("export_cleanup")
@click.option("--older-than", type=click.IntRange(0), default=None, metavar="SECONDS",
              help="Age of the jobs to remove (default EXPORT_LINK_MAX_AGE).")
def export_cleanup(older_than: int | None) -> None:
    """Delete background exports (rows and files) whose download link has expired."""
    from rustforge.contrib.export.cleanup import remove_expired

    removed = remove_expired(older_than)
    click.echo(f"Removed {removed} expired export(s).")


commands = [export, export_cleanup]
