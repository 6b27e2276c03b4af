import os
import shutil

import click

from rustforge.management import CommandError


@click.command("dbshell")
def command() -> None:
    """Open sqlite3 or psql on the project database."""
    from rustforge.conf import settings
    from rustforge.db.backends import parse_url

    cls, name, kwargs = parse_url(settings.DATABASE_URL)
    if cls.vendor == "sqlite":
        argv = ["sqlite3", os.path.abspath(name)]
    else:
        argv = ["psql", "--dbname", name]
        for key, flag in (("host", "--host"), ("port", "--port"), ("user", "--username")):
            if kwargs.get(key):
                argv += [flag, str(kwargs[key])]
        if kwargs.get("password"):
            os.environ["PGPASSWORD"] = str(kwargs["password"])
    if shutil.which(argv[0]) is None:
        raise CommandError(f"{argv[0]} is not installed or not on PATH")
    os.execvp(argv[0], argv)  # noqa: S606 - the database's own client, arguments from settings
