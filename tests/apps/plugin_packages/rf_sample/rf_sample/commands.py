import click


@click.command("sample_greet")
def greet():
    """Say hello from the sample plugin."""
    click.echo("hello from rf_sample")
