"""``manage.py prune``: permanently delete rows soft-deleted longer than a period.

    python manage.py prune                      # SOFT_DELETE_RETENTION (default 30d)
    python manage.py prune --older-than 7d --model blog.Post --dry-run
"""

from __future__ import annotations

import datetime as dt
import re

import click

from rustforge.management import CommandError

_PERIOD = re.compile(r"\s*(\d{1,7})\s*([smhdw])\s*", re.IGNORECASE)
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
BATCH = 500


def parse_period(text: str) -> dt.timedelta:
    """``"30d"`` -> 30 days; units s, m, h, d, w."""
    match = _PERIOD.fullmatch(str(text))
    if not match:
        raise CommandError(f"invalid period {text!r}: use a number and a unit, e.g. 30d, 12h, 2w")
    return dt.timedelta(**{_UNITS[match.group(2).lower()]: int(match.group(1))})


def _models(labels: tuple[str, ...]) -> list:
    import peewee

    from rustforge.apps import apps
    from rustforge.db.softdelete import SoftDeleteModel

    apps.populate()
    if labels:
        chosen = []
        for label in labels:
            try:
                model = apps.get_model(label)
            except (LookupError, ValueError) as exc:
                raise CommandError(f"--model {label}: {exc}") from None
            if not issubclass(model, SoftDeleteModel):
                raise CommandError(f"--model {label}: not a SoftDeleteModel")
            chosen.append(model)
    else:
        chosen = [m for m in apps.get_models() if issubclass(m, SoftDeleteModel)]
    # Children first, so a parent's rows are no longer referenced when it goes.
    return list(reversed(peewee.sort_models(chosen)))


@click.command("prune")
@click.option("--older-than", "older_than", default=None,
              help="Delete rows soft-deleted longer ago than this (30d, 12h, 2w). "
                   "Default: the SOFT_DELETE_RETENTION setting.")
@click.option("--model", "labels", multiple=True, metavar="APP.MODEL",
              help="Only this model (repeatable). Default: every soft-deletable model.")
@click.option("--dry-run", is_flag=True, help="Count the rows, delete nothing.")
def command(older_than: str | None, labels: tuple[str, ...], dry_run: bool) -> None:
    """Permanently delete rows soft-deleted longer than a period."""
    import peewee

    from rustforge.conf import settings
    from rustforge.db.softdelete import _now

    period = parse_period(older_than or settings.SOFT_DELETE_RETENTION)
    cutoff = _now() - period
    models = _models(labels)
    if not models:
        click.echo("No soft-deletable models.")
        return
    failed = []
    for model in models:
        name = model._meta.table_name
        expired = model.only_deleted(model._meta.primary_key).where(model.deleted_at < cutoff)
        if dry_run:
            click.echo(f"{name}: {expired.count()} row(s) would be pruned")
            continue
        total = 0
        try:
            while True:
                keys = [row._pk for row in expired.limit(BATCH)]
                if not keys:
                    break
                with model._meta.database.atomic():
                    total += model.delete().where(model._meta.primary_key.in_(keys)).execute()
        except peewee.IntegrityError:
            failed.append(name)
            click.echo(f"{name}: pruned {total} row(s); the rest are still referenced by other "
                       f"rows (delete or prune those first)", err=True)
            continue
        click.echo(f"{name}: pruned {total} row(s) deleted before {cutoff:%Y-%m-%d %H:%M} UTC")
    if failed:
        raise CommandError(f"could not prune every row of: {', '.join(failed)}")
