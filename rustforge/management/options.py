"""Options every command takes, contributed by apps.

An app whose state is ambient (the tenancy app's current tenant) lets every
command, its own and every other app's, run inside that state without any
of them knowing it: it registers a global option in its AppConfig's
``get_commands()`` (only the command line calls it; ``ready()`` works too but
loads click in every process), given before the command name, and a function
that wraps the command's run:

    from rustforge.management.options import add_global_option

    add_global_option(
        click.Option(["--tenant"], metavar="SLUG", help="Run the command in this tenant."),
        around=lambda slug, command: use_tenant(slug))   # a context manager

    $ python manage.py --tenant acme export invoices -o -

``around(value, command_name)`` is called only when the option is given; an
error it raises (a ``RustForgeError`` or a ``CommandError``) is the
command's one-line error. The core never names an option itself.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

import click

Around = Callable[[Any, str], contextlib.AbstractContextManager]

_options: dict[str, tuple[click.Option, Around]] = {}


def add_global_option(option: click.Option, *, around: Around) -> None:
    """Make ``option`` valid before every command (registering a name again replaces it)."""
    if not option.name:
        raise ValueError("a global option needs a name (--like-this)")
    if option.name in {"help", "version", "settings"}:
        raise ValueError(f"--{option.name} is the runner's own option")
    _options[option.name] = (option, around)


def remove_global_option(name: str) -> None:
    _options.pop(name, None)


def global_options() -> list[click.Option]:
    return [option for option, _ in _options.values()]


@contextlib.contextmanager
def around_command(values: dict[str, Any], command: str) -> Iterator[None]:
    """Enter the ``around`` of every global option given in ``values`` (name -> value)."""
    with contextlib.ExitStack() as stack:
        for name, value in values.items():
            found = _options.get(name)
            if found is not None and value is not None:
                stack.enter_context(found[1](value, command))
        yield
