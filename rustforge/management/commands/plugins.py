import click

from rustforge.apps.plugins import find_plugins


@click.command("plugins")
def command() -> None:
    """List the installed plugins (``rustforge.apps`` entry points) and whether each is enabled.

    A plugin is enabled by listing its app path in INSTALLED_APPS. Enabled
    plugins are imported here, so a broken one is named with its error.
    """
    from rustforge.conf import settings

    try:
        installed = list(settings.INSTALLED_APPS)
    except Exception:  # noqa: BLE001 - without project settings nothing is enabled
        installed = []
    plugins = find_plugins(installed)
    if not plugins:
        click.echo("No plugins installed (packages with a 'rustforge.apps' entry point).")
        return
    rows = [("NAME", "PACKAGE", "VERSION", "APP", "ENABLED", "STATUS")]
    broken = 0
    for plugin in plugins:
        status = "ok" if plugin.importable() else "not importable"
        if plugin.enabled and status == "ok":
            status = _import_status(plugin.app)
        broken += status != "ok"
        rows.append((plugin.name, plugin.distribution, plugin.version, plugin.app,
                     "yes" if plugin.enabled else "no", status))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        click.echo("  ".join([*cells, row[-1]]).rstrip())
    if broken:
        raise click.ClickException(f"{broken} plugin(s) cannot be loaded")


def _import_status(app: str) -> str:
    from rustforge.apps import apps

    try:
        apps.create_config(app)
    except Exception as exc:  # noqa: BLE001 - reported in the table
        return f"error: {exc}".splitlines()[0]
    return "ok"
