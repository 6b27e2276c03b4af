"""Find each app's migration files and order them into one plan.

A migration is a file ``NNN_name.py`` in the app's ``migrations/`` folder
with ``migrate(migrator, database, *, fake=False)`` and
``rollback(migrator, database, *, fake=False)`` functions (the format of
peewee-migrate, so existing migrations keep working). It may name migrations
of other apps that must run first:

    dependencies = [("auth", "001_initial")]

Each migration implicitly depends on the previous one of its own app. The
plan lists apps in INSTALLED_APPS order unless a dependency pulls a
migration of a later app forward.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rustforge.db.migrations.errors import InconsistentHistory, MigrationError, UnknownMigration

FILE_RE = re.compile(r"^(\d+)_(\w+)\.py$")

Key = tuple[str, str]  # (app label, migration name)


def _void(migrator: Any, database: Any, *, fake: bool = False) -> None:
    return None


@dataclass
class Migration:
    """One migration file of one app."""

    app: str
    name: str
    path: Path
    dependencies: list[Key] = field(default_factory=list)

    @property
    def key(self) -> Key:
        return (self.app, self.name)

    def __str__(self) -> str:
        return f"{self.app}.{self.name}"

    def load(self) -> tuple[Callable, Callable]:
        """Execute the file afresh and return its ``(migrate, rollback)``.

        Every read builds new model classes: the migrator mutates them, so
        they must never be shared between two replays.
        """
        scope = read_module(self.path)
        return scope.get("migrate", _void), scope.get("rollback", _void)


def read_module(path: Path) -> dict[str, Any]:
    """Execute a migration file; a broken one is a one-line ``MigrationError``."""
    scope: dict[str, Any] = {"__file__": str(path), "__name__": f"_migration_{path.stem}"}
    try:
        code = compile(path.read_text(encoding="utf-8"), str(path), "exec", dont_inherit=True)
        exec(code, scope)  # noqa: S102 - migrations are the project's own code, like models
    except Exception as exc:
        line = getattr(exc, "lineno", None)
        where = f"{path.parent.parent.name}/{path.parent.name}/{path.name}"
        raise MigrationError(
            f"cannot load migration {where}{f' (line {line})' if line else ''}: "
            f"{type(exc).__name__}: {getattr(exc, 'msg', None) or exc}") from exc
    return scope


def _parse_dependency(raw: Any, where: Migration) -> Key:
    if isinstance(raw, str) and "." in raw:
        app, _, name = raw.partition(".")
        return (app, name)
    if isinstance(raw, (tuple, list)) and len(raw) == 2 and all(isinstance(p, str) for p in raw):
        return (raw[0], raw[1])
    raise InconsistentHistory(
        f"{where}: dependency {raw!r} must be (app_label, migration_name) or 'app.name'")


def file_number(path: Path) -> int | None:
    """The number a migration file's name starts with; None for other files."""
    match = FILE_RE.match(path.name)
    return int(match.group(1)) if match else None


def migration_files(folder: Path) -> list[Path]:
    """Migration files of one folder, in number order."""
    if not folder.is_dir():
        return []
    numbered = [(n, p) for p in folder.iterdir()
                if p.is_file() and (n := file_number(p)) is not None]
    return [p for _n, p in sorted(numbered, key=lambda item: (item[0], item[1].name))]


class MigrationGraph:
    """Every migration of the given apps, with their dependencies.

    ``sources`` maps app label -> migrations folder, in INSTALLED_APPS order.
    """

    def __init__(self, sources: dict[str, Path]) -> None:
        self.sources = dict(sources)
        self.by_app: dict[str, list[Migration]] = {}
        self.nodes: dict[Key, Migration] = {}
        for label, folder in self.sources.items():
            migrations: list[Migration] = []
            for path in migration_files(folder):
                migration = Migration(label, path.stem, path)
                if migrations:
                    migration.dependencies.append(migrations[-1].key)
                migrations.append(migration)
                self.nodes[migration.key] = migration
            self.by_app[label] = migrations
        for migration in self.nodes.values():
            declared = read_dependencies(migration.path)
            for raw in declared:
                key = self.resolve_dependency(_parse_dependency(raw, migration), migration)
                if key not in migration.dependencies:
                    migration.dependencies.append(key)
        self._order = self._sort(list(self.nodes.values()))

    @classmethod
    def from_apps(cls, configs: Iterable[Any]) -> MigrationGraph:
        return cls({c.label: c.migrations_dir for c in configs if c.migrations_dir.is_dir()})

    def resolve_dependency(self, key: Key, migration: Migration) -> Key:
        app, name = key
        if app not in self.by_app:
            raise InconsistentHistory(
                f"{migration} depends on {app}.{name}, but app {app!r} is not installed "
                "or has no migrations folder")
        return self.find(app, name).key

    # Lookups ------------------------------------------------------------------------
    def find(self, app: str, name: str) -> Migration:
        """The migration of ``app`` named ``name`` or by a unique prefix ("002")."""
        if app not in self.by_app:
            raise UnknownMigration(f"app {app!r} has no migrations folder")
        candidates = self.by_app[app]
        for migration in candidates:
            if migration.name == name:
                return migration
        matches = [m for m in candidates if m.name.startswith(name)]
        if len(matches) == 1:
            return matches[0]
        names = [m.name for m in candidates]
        if len(matches) > 1:
            raise UnknownMigration(
                f"{name!r} matches several migrations of {app!r}: "
                + ", ".join(m.name for m in matches))
        hint = difflib.get_close_matches(name, names, n=1, cutoff=0.5)
        listing = f"; did you mean {hint[0]!r}?" if hint else (
            f"; it has: {', '.join(names)}" if names else "; it has none yet")
        raise UnknownMigration(f"app {app!r} has no migration {name!r}{listing}")

    def leaf(self, app: str) -> Migration | None:
        migrations = self.by_app.get(app) or []
        return migrations[-1] if migrations else None

    # Ordering ----------------------------------------------------------------------
    def _sort(self, roots: list[Migration]) -> list[Migration]:
        order: list[Migration] = []
        done: set[Key] = set()
        visiting: list[Key] = []

        def visit(node: Migration) -> None:
            if node.key in done:
                return
            if node.key in visiting:
                cycle = visiting[visiting.index(node.key):] + [node.key]
                raise InconsistentHistory(
                    "migration dependencies form a cycle: "
                    + " -> ".join(f"{a}.{n}" for a, n in cycle))
            visiting.append(node.key)
            for dep in node.dependencies:
                visit(self.nodes[dep])
            visiting.pop()
            done.add(node.key)
            order.append(node)

        for node in roots:
            visit(node)
        return order

    def plan(self) -> list[Migration]:
        """Every migration, dependencies first."""
        return list(self._order)

    def ancestors(self, target: Migration) -> list[Migration]:
        """``target`` and everything it needs, in plan order."""
        needed: set[Key] = set()
        stack = [target.key]
        while stack:
            key = stack.pop()
            if key not in needed:
                needed.add(key)
                stack.extend(self.nodes[key].dependencies)
        return [m for m in self._order if m.key in needed]

    def descendants(self, target: Migration) -> list[Migration]:
        """``target`` and everything that needs it, in plan order."""
        found = {target.key}
        for node in self._order:
            if any(dep in found for dep in node.dependencies):
                found.add(node.key)
        return [m for m in self._order if m.key in found]


# Files whose only dependencies line is the generated ``dependencies = []``
# need not be executed to build the graph.
_DEPS_RE = re.compile(r"^dependencies\s*=(?!\s*\[\]\s*$)", re.MULTILINE)


def read_dependencies(path: Path) -> list[Any]:
    """The ``dependencies`` list of a migration file.

    Only files that declare one are executed here, so building the graph
    stays cheap for the common case.
    """
    text = path.read_text(encoding="utf-8")
    if not _DEPS_RE.search(text):
        return []
    value = read_module(path).get("dependencies", [])
    return list(value or [])
