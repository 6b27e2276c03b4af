import click

from rustforge.management.commands.startproject import new_secret_key


@click.command("newsecret")
def command() -> None:
    """Print a new random SECRET_KEY."""
    click.echo(new_secret_key())
