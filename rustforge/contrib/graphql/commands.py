"""``graphql_schema``: print the project's GraphQL schema as SDL."""

from __future__ import annotations

import click

from rustforge.management import CommandError


@click.command("graphql_schema")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write to this file instead of standard output.")
def graphql_schema(output: str | None) -> None:
    """Print the schema merged from every installed app's graphql.py (SDL).

        manage.py graphql_schema > schema.graphql
    """
    from graphql import print_schema

    from rustforge.contrib.graphql.registry import get_schema
    from rustforge.exceptions import ImproperlyConfigured

    try:
        sdl = print_schema(get_schema())
    except ImproperlyConfigured as exc:
        raise CommandError(f"the GraphQL schema cannot be built: {exc}") from None
    if output:
        with open(output, "w", encoding="utf-8") as handle:
            handle.write(sdl + "\n")
        click.echo(f"Wrote the schema to {output}.")
    else:
        click.echo(sdl)
