"""Which migrations are applied: one row per (app, name) in ``rustforge_migrations``.

peewee-migrate keeps its history in one module-level model whose table name
and database are rewritten by each router, and creates that table when it is
merely read. Here every app's rows live in one table keyed by (app, name), so
``blog.001_initial`` and ``shop.001_initial`` never collide, and reading the
history of a fresh database creates nothing.
"""

from __future__ import annotations

import datetime

import peewee

TABLE = "rustforge_migrations"


def _model(db: peewee.Database) -> type[peewee.Model]:
    # Built per call and per database: no class-level state to share or leak.
    class MigrationRecord(peewee.Model):
        app = peewee.CharField(max_length=100)
        name = peewee.CharField(max_length=255)
        applied = peewee.DateTimeField(
            default=lambda: datetime.datetime.now(datetime.UTC).replace(tzinfo=None))

        class Meta:
            database = db
            table_name = TABLE
            legacy_table_names = False  # index name rustforge_migrations_app_name
            indexes = ((("app", "name"), True),)

    return MigrationRecord


class History:
    """The applied-migrations table of one database."""

    def __init__(self, db: peewee.Database) -> None:
        self.db = db
        self.model = _model(db)

    def exists(self) -> bool:
        if getattr(self.db, "vendor", "") == "postgresql" or isinstance(
                self.db, peewee.PostgresqlDatabase):
            # to_regclass follows search_path, unlike get_tables() ("public").
            row = self.db.execute_sql("SELECT to_regclass(%s)", (TABLE,)).fetchone()
            return row[0] is not None
        return self.db.table_exists(TABLE)

    def ensure(self) -> None:
        """Create the table; only ``migrate`` calls this, under its lock."""
        if not self.exists():
            self.db.create_tables([self.model], safe=True)

    def applied(self) -> dict[tuple[str, str], datetime.datetime]:
        """``{(app, name): applied_at}``; empty when the table does not exist."""
        if not self.exists():
            return {}
        query = self.model.select().order_by(self.model.id)
        return {(row.app, row.name): row.applied for row in query}

    def record(self, app: str, name: str) -> None:
        self.model.create(app=app, name=name)

    def forget(self, app: str, name: str) -> None:
        self.model.delete().where(
            (self.model.app == app) & (self.model.name == name)).execute()
