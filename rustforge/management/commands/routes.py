import inspect

import click


@click.command("routes")
def command() -> None:
    """List every route: path, methods, responder and name."""
    from rustforge.apps import apps
    from rustforge.conf import settings
    from rustforge.http.routing import collect_routes, responder_methods

    apps.populate()
    rows = []
    for entry in collect_routes(settings, apps):
        resource = entry.load()  # a lazy route's class is imported: list what it answers
        cls = resource if inspect.isclass(resource) else type(resource)
        rows.append((entry.path, ",".join(responder_methods(resource, entry.suffix)) or "-",
                     f"{cls.__module__}.{cls.__qualname__}", entry.name or ""))
    if not rows:
        click.echo("No routes.")
        return
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    for path, methods, target, name in rows:
        click.echo(f"{path:<{widths[0]}}  {methods:<{widths[1]}}  {target:<{widths[2]}}  {name}".rstrip())
