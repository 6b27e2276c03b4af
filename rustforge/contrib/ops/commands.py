"""``manage.py doctor``: diagnose this installation."""

from __future__ import annotations

import json

import click

from rustforge.management import CommandError


@click.command("doctor")
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON.")
@click.option("--deploy", is_flag=True, help="Count the deploy checks too.")
def doctor(as_json: bool, deploy: bool) -> None:
    """Versions, settings, workers, writable folders, services and checks; exit 1 on a problem."""
    from rustforge.contrib.ops import doctor as findings

    rows = findings.diagnose(deploy=deploy)
    bad = [row for row in rows if not row.ok]
    if as_json:
        click.echo(json.dumps({"ok": not bad, "findings": findings.as_json(rows)}, indent=2))
    else:
        click.echo(findings.as_table(rows))
    if bad:
        raise CommandError(f"doctor found {len(bad)} problem(s): "
                           + ", ".join(f"{row.section}/{row.name}" for row in bad))


commands = [doctor]
