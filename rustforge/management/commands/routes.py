import inspect

import click

_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def responder_methods(resource, suffix) -> list[str]:
    tail = f"_{suffix}" if suffix else ""
    return [m for m in _METHODS if callable(getattr(resource, f"on_{m.lower()}{tail}", None))]


@click.command("routes")
def command() -> None:
    """List every route: path, methods, responder and name."""
    from rustforge.apps import apps
    from rustforge.conf import settings
    from rustforge.http.routing import collect_routes

    apps.populate()
    rows = []
    for entry in collect_routes(settings, apps):
        resource = entry.resource
        cls = resource if inspect.isclass(resource) else type(resource)
        rows.append((entry.path, ",".join(responder_methods(resource, entry.suffix)) or "-",
                     f"{cls.__module__}.{cls.__qualname__}", entry.name or ""))
    if not rows:
        click.echo("No routes.")
        return
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    for path, methods, target, name in rows:
        click.echo(f"{path:<{widths[0]}}  {methods:<{widths[1]}}  {target:<{widths[2]}}  {name}".rstrip())
