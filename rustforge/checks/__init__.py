"""System checks: problems found in the configuration before serving.

    from rustforge.checks import Error, register

    @register("blog")
    def check_feeds(app_configs, **kwargs):
        if not settings.FEED_URL:
            return [Error("FEED_URL is empty", hint="Set FEED_URL.", id="blog.E001")]
        return []

Apps may also put such functions in a ``checks`` module; ``register`` runs
when it is imported (the registry imports it during ``run_checks``). The
framework's subsystems above this layer (``rustforge.http``, ``cache``,
``queue``, ``ratelimit``) register theirs when their package is imported;
``manage.py check`` imports them all, so this package never imports them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from rustforge.apps import apps
from rustforge.conf import settings

DEBUG, INFO, WARNING, ERROR, CRITICAL = 10, 20, 30, 40, 50


@dataclass(frozen=True)
class CheckMessage:
    level: int
    msg: str
    hint: str | None = None
    obj: object = None
    id: str | None = None

    def is_serious(self) -> bool:
        return self.level >= ERROR

    def __str__(self) -> str:
        where = f"{self.obj}: " if self.obj is not None else ""
        text = f"{self.id or '?'}: {where}{self.msg}"
        return f"{text}\n\tHINT: {self.hint}" if self.hint else text


def Info(msg, hint=None, obj=None, id=None):
    return CheckMessage(INFO, msg, hint, obj, id)


def Warning(msg, hint=None, obj=None, id=None):
    return CheckMessage(WARNING, msg, hint, obj, id)


def Error(msg, hint=None, obj=None, id=None):
    return CheckMessage(ERROR, msg, hint, obj, id)


def positive_int_settings(names: Iterable[str], id: str) -> list[CheckMessage]:
    """An ``Error`` (with ``id``) for each setting of ``names`` that is not a whole
    number of at least 1 (booleans are not numbers here)."""
    messages = []
    for name in names:
        value = getattr(settings, name)
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            messages.append(Error(f"{name} must be a whole number of at least 1, not {value!r}",
                                  id=id))
    return messages


def Critical(msg, hint=None, obj=None, id=None):
    return CheckMessage(CRITICAL, msg, hint, obj, id)


class CheckRegistry:
    def __init__(self) -> None:
        self.checks: list[tuple[Callable, frozenset[str]]] = []

    def register(self, *tags: str, deploy: bool = False) -> Callable:
        """Decorator; ``deploy=True`` runs the check only for ``check --deploy``."""
        def decorator(fn: Callable) -> Callable:
            all_tags = frozenset(tags) | ({"deploy"} if deploy else set())
            if not any(existing is fn for existing, _ in self.checks):
                self.checks.append((fn, all_tags))
            return fn
        if len(tags) == 1 and callable(tags[0]):  # bare @register
            fn, tags = tags[0], ()
            return decorator(fn)
        return decorator

    def run(self, app_configs=None, tags: Iterable[str] | None = None,
            include_deploy: bool = False) -> list[CheckMessage]:
        wanted = set(tags or ())
        messages: list[CheckMessage] = []
        for fn, fn_tags in self.checks:
            if "deploy" in fn_tags and not include_deploy:
                continue
            if wanted and not (wanted & fn_tags):
                continue
            messages.extend(fn(app_configs=app_configs) or [])
        silenced = set(settings.SILENCED_CHECKS)
        return [m for m in messages if m.id not in silenced]


registry = CheckRegistry()
register = registry.register


def run_checks(tags: Iterable[str] | None = None, include_deploy: bool = False
               ) -> list[CheckMessage]:
    """Load apps (and their ``checks`` modules), then run every registered check."""
    apps.populate()
    configs = apps.get_app_configs()
    for config in configs:
        config.import_submodule("checks")
    return registry.run(configs, tags, include_deploy)


from rustforge.checks import builtin as _builtin  # noqa: F401  (registers the core checks)
