"""Per-app migrations on peewee-migrate.

Each installed app keeps its migrations in its own ``migrations/`` folder;
the history of every app lives in one ``rustforge_migrations`` table keyed
by (app, name). Apps without a migrations folder get their tables created
directly by ``migrate`` (convenient for tests and prototypes).

    from rustforge.db.migrations import migrate, migrate_all

    migrate_all()                       # everything, like `manage.py migrate`
    migrate("blog", "001_initial")      # roll blog back to its first migration
    migrate("blog", "zero")             # unapply all of blog's migrations

The command-line face is ``makemigrations``, ``migrate``, ``showmigrations``
and ``sqlmigrate``; see docs/models-and-migrations.md.
"""

from rustforge.db.migrations.errors import (
    DatabaseUnreachable,
    InconsistentHistory,
    MigrationError,
    UnknownMigration,
)
from rustforge.db.migrations.loader import Migration, MigrationGraph
from rustforge.db.migrations.runner import migrate, migrate_all, pending, show

__all__ = [
    "DatabaseUnreachable", "InconsistentHistory", "Migration", "MigrationError",
    "MigrationGraph", "UnknownMigration", "migrate", "migrate_all", "pending", "show",
]
