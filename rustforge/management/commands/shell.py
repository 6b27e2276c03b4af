import code

import click


@click.command("shell")
@click.option("-c", "--command", "source", help="Run this Python code and exit.")
def command(source: str | None) -> None:
    """Python shell with settings loaded and every model imported."""
    from rustforge.apps import apps
    from rustforge.conf import settings
    from rustforge.db import atomic, database

    apps.populate()
    namespace = {"settings": settings, "apps": apps, "db": database, "atomic": atomic}
    for model in apps.get_models():
        namespace.setdefault(model.__name__, model)
    if source:
        exec(compile(source, "<shell -c>", "exec"), namespace)  # noqa: S102 - that is the point
        return
    banner = "RustForge shell. Imported: " + ", ".join(sorted(namespace))
    try:
        from IPython import start_ipython
    except ImportError:
        code.interact(banner=banner, local=namespace)
    else:
        start_ipython(argv=[], user_ns=namespace, display_banner=False)
