import click

from rustforge import __version__


@click.command("version")
def command() -> None:
    """Print the RustForge version."""
    click.echo(__version__)
